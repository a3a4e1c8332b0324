/**
 * The `subsets` of a Service's Endpoints from the pods it selects: ready pods in `addresses`, others in
 * `notReadyAddresses` (all in `addresses` with publishNotReadyAddresses), one port a Service port resolved
 * per pod, repacked into the canonical form (one subset per distinct port set, addresses sorted).
 *
 * Mirrors kube-controller-manager `pkg/controller/endpoint/endpoints_controller.go` (syncService's loop,
 * addEndpointSubset, truncateEndpoints with maxCapacity 1000) and `pkg/api/v1/endpoints/util.go`
 * (RepackSubsets: addresses de-duplicated by IP and target uid, not-ready winning over ready).
 */
import type { EndpointAddress, EndpointPort, Endpoints, Service } from '../../api/services.js';
import type { Pod } from '../../api/types.js';
import { endpointsFamily, findPort, isIPv6, isPodReady, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.js';

/** One subset of an Endpoints object. */
export type EndpointSubset = NonNullable<Endpoints['subsets']>[number];

/** Addresses an Endpoints object holds at most; beyond, it is truncated (`maxCapacity`). */
export const MAX_ENDPOINTS_CAPACITY = 1000;
/** The annotation marking a truncated Endpoints (`v1.EndpointsOverCapacity`), value `truncated`. */
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

/** The address of `pod` for `svc`, or undefined when it has no IP of the Service's family. */
function podAddress(svc: Service, pod: Pod): EndpointAddress | undefined {
  const v6 = endpointsFamily(svc, pod) === 'IPv6';
  const ip = podIPs(pod).find((a) => isIPv6(a) === v6);
  if (!ip) return undefined;
  const addr: EndpointAddress = {
    ip,
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  };
  if (pod.spec.nodeName) addr.nodeName = pod.spec.nodeName;
  if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec.hostname ?? '';
  return addr;
}

/** The subsets of `svc` for `pods` (the pods its selector matches), repacked. */
export function computeSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  const add = (pod: Pod, addr: EndpointAddress, port: EndpointPort | undefined): void => {
    const ports = port ? [port] : [];
    if (publishNotReady || isPodReady(pod)) subsets.push({ addresses: [addr], ports });
    else subsets.push({ notReadyAddresses: [addr], ports });
  };
  const servicePorts = svc.spec?.ports ?? [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = podAddress(svc, pod);
    if (!addr) continue;
    if (servicePorts.length === 0) {
      // A headless Service may have no ports: its addresses still count.
      if (svc.spec?.clusterIP === 'None') add(pod, addr, undefined);
      continue;
    }
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) ep.name = sp.name;
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      add(pod, addr, ep);
    }
  }
  return repackSubsets(subsets);
}

function addressKey(a: EndpointAddress): string {
  return `${a.ip}/${a.targetRef?.uid ?? ''}`;
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function portKey(p: EndpointPort | undefined): string {
  return p ? JSON.stringify([p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']) : '';
}

/**
 * RepackSubsets: expands subsets to (port, address, ready) and packs them again, one subset per set of
 * addresses sharing the same ports; a subset without ports keeps its addresses.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  const note = (addr: EndpointAddress, port: EndpointPort | undefined, ready: boolean): void => {
    const key = addressKey(addr);
    if (!addrs.has(key)) addrs.set(key, structuredClone(addr));
    const pk = portKey(port);
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, ready: new Map() }));
    // Not ready wins over ready.
    if (entry.ready.get(key) !== false) entry.ready.set(key, ready);
  };
  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = s.ports && s.ports.length > 0 ? s.ports : [undefined];
    for (const port of ports) {
      for (const a of s.addresses ?? []) note(a, port, true);
      for (const a of s.notReadyAddresses ?? []) note(a, port, false);
    }
  }
  const bySet = new Map<string, { ready: Map<string, boolean>; ports: (EndpointPort | undefined)[] }>();
  for (const { port, ready } of byPort.values()) {
    const sig = JSON.stringify([...ready.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const group = bySet.get(sig);
    if (group) group.ports.push(port);
    else bySet.set(sig, { ready, ports: [port] });
  }
  const out: EndpointSubset[] = [];
  for (const { ready, ports } of bySet.values()) {
    const subset: EndpointSubset = {};
    const readyAddrs = [...ready].filter(([, r]) => r).map(([k]) => addrs.get(k)!).sort(compareAddresses);
    const notReady = [...ready].filter(([, r]) => !r).map(([k]) => addrs.get(k)!).sort(compareAddresses);
    if (readyAddrs.length > 0) subset.addresses = readyAddrs;
    if (notReady.length > 0) subset.notReadyAddresses = notReady;
    const real = ports.filter((p): p is EndpointPort => p !== undefined).sort((a, b) => (portKey(a) < portKey(b) ? -1 : 1));
    if (real.length > 0) subset.ports = real;
    out.push(subset);
  }
  return out.sort((a, b) => {
    const ka = JSON.stringify(a);
    const kb = JSON.stringify(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Subsets equal ignoring targetRef resourceVersions (endpointSubsetsEqualIgnoreResourceVersion). */
export function subsetsEqual(a: readonly EndpointSubset[] | undefined, b: readonly EndpointSubset[] | undefined): boolean {
  const norm = (s: readonly EndpointSubset[] | undefined): string =>
    JSON.stringify(
      (s ?? []).map((x) => ({
        addresses: (x.addresses ?? []).map(normAddress),
        notReadyAddresses: (x.notReadyAddresses ?? []).map(normAddress),
        ports: (x.ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']),
      })),
    );
  return norm(a) === norm(b);
}

function normAddress(a: EndpointAddress): unknown[] {
  const r = a.targetRef;
  return [a.ip, a.hostname ?? '', a.nodeName ?? '', r ? [r.kind ?? '', r.namespace ?? '', r.name ?? '', r.uid ?? '', r.apiVersion ?? '', r.fieldPath ?? ''] : null];
}

/** The number of addresses, ready and not ready. */
export function countAddresses(subsets: readonly EndpointSubset[]): number {
  return subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
}

/**
 * truncateEndpoints: at most MAX_ENDPOINTS_CAPACITY addresses, ready ones first, each subset keeping its
 * share (rounded up). Returns undefined when nothing had to go.
 */
export function truncateSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] | undefined {
  const ready = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const notReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (ready + notReady <= MAX_ENDPOINTS_CAPACITY) return undefined;
  const truncateReady = ready > MAX_ENDPOINTS_CAPACITY;
  const max = truncateReady ? MAX_ENDPOINTS_CAPACITY : MAX_ENDPOINTS_CAPACITY - ready;
  const total = truncateReady ? ready : notReady;
  let left = max;
  return subsets.map((s) => {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    const take = Math.min(Math.ceil((inSubset / total) * max), left);
    const out: EndpointSubset = { ...s };
    if (truncateReady) {
      out.addresses = (s.addresses ?? []).slice(0, take);
      delete out.notReadyAddresses;
      left -= out.addresses.length;
    } else {
      out.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, take);
      left -= out.notReadyAddresses.length;
    }
    return out;
  });
}

/**
 * The EndpointSlice plan of one Service: from the pods it selects and its existing slices, which slices to
 * create, update and delete, at most `maxEndpointsPerSlice` endpoints each, one group of slices per distinct
 * set of resolved ports and per address type, a placeholder slice when there is no endpoint at all.
 *
 * Mirrors k8s.io/endpointslice `reconciler.go` (Reconcile, reconcileByAddressType, reconcileByPortMapping,
 * finalize's turning of creates into updates of doomed slices) and `utils.go` (podToEndpoint,
 * getEndpointPorts, newEndpointSlice, setEndpointSliceLabels, getSliceToFill). Pure: the controller writes.
 */
import { ENDPOINTSLICE_CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type EndpointSlice, type Service, type SliceEndpoint, type SliceEndpointPort } from '../../api/services.js';
import type { Node, Pod } from '../../api/types.js';
import { findPort, isIPv6, isPodReady, isServiceIPSet, LABEL_HEADLESS, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.js';

/** Endpoints a slice holds at most by default (kube-controller-manager `--max-endpoints-per-slice`). */
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;
/** The node label of its zone (`v1.LabelTopologyZone`). */
const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

type AddressType = EndpointSlice['addressType'];

/** What {@link reconcileSlices} decides. Slices to create have `generateName`, no name. */
export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Pods left out because their node is unknown (the controller syncs the Service again later). */
  podsWithoutNode: string[];
}

/** Inputs of {@link reconcileSlices}. */
export interface SliceInput {
  service: Service;
  /** The pods the Service's selector matches. */
  pods: readonly Pod[];
  /** The Service's slices managed by this controller (none pending deletion). */
  slices: readonly EndpointSlice[];
  /** Nodes by name. */
  nodes: ReadonlyMap<string, Node>;
  maxEndpointsPerSlice?: number;
}

/** The address types of a Service's slices (getAddressTypesForService): its ipFamilies, else its cluster IP's, else both. */
export function addressTypesOf(svc: Service): AddressType[] {
  const families = svc.spec?.ipFamilies ?? [];
  if (families.length > 0) return [...new Set(families)];
  const ip = svc.spec?.clusterIP ?? '';
  if (ip !== '' && ip !== 'None') return [isIPv6(ip) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** The ports of `pod`'s endpoints for `svc` (getEndpointPorts); name and protocol always set. */
export function endpointPorts(svc: Service, pod: Pod): SliceEndpointPort[] {
  const out: SliceEndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: SliceEndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/**
 * podToEndpoint: serving = Ready; terminating = has a deletionTimestamp; ready = serving and not terminating
 * (always true with publishNotReadyAddresses).
 */
export function podToEndpoint(pod: Pod, node: Node | undefined, svc: Service, addressType: AddressType): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  };
  if (pod.spec.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[LABEL_TOPOLOGY_ZONE];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec.hostname ?? '';
  return ep;
}

function portsKey(ports: readonly SliceEndpointPort[] | undefined): string {
  return JSON.stringify((ports ?? []).map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort());
}

/** The identity of an endpoint within a slice group (hashEndpoint): addresses, hostname, target. */
function endpointKey(ep: SliceEndpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** EndpointsEqualBeyondHash: node, zone, conditions and target (without resourceVersion) equal. */
function equalBeyondKey(a: SliceEndpoint, b: SliceEndpoint): boolean {
  const c = (e: SliceEndpoint): unknown[] => [e.conditions?.ready, e.conditions?.serving, e.conditions?.terminating];
  const t = (e: SliceEndpoint): unknown[] => {
    const r = e.targetRef;
    return r ? [r.kind, r.namespace, r.name, r.uid, r.apiVersion, r.fieldPath] : [];
  };
  return a.nodeName === b.nodeName && a.zone === b.zone && JSON.stringify(c(a)) === JSON.stringify(c(b)) && JSON.stringify(t(a)) === JSON.stringify(t(b));
}

/** setEndpointSliceLabels: the Service's labels (reserved keys aside) plus headless, service-name and managed-by; `changed` when the Service's differ. */
function sliceLabels(slice: EndpointSlice | undefined, svc: Service): { labels: Record<string, string>; changed: boolean } {
  const reserved = (k: string): boolean => k === LABEL_SERVICE_NAME || k === LABEL_MANAGED_BY || k === LABEL_HEADLESS;
  const own = Object.entries(slice?.metadata.labels ?? {}).filter(([k]) => !reserved(k)).sort();
  const wanted = Object.entries(svc.metadata.labels ?? {}).filter(([k]) => !reserved(k)).sort();
  const labels: Record<string, string> = Object.fromEntries(wanted);
  if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = svc.metadata.name ?? '';
  labels[LABEL_MANAGED_BY] = ENDPOINTSLICE_CONTROLLER_NAME;
  return { labels, changed: JSON.stringify(own) !== JSON.stringify(wanted) };
}

/** True when `slice` is owned by `svc` (uid, kind Service, apiVersion v1). */
export function ownedBy(slice: EndpointSlice, svc: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === svc.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

/** newEndpointSlice: generateName `<service>-` (getEndpointSlicePrefix; a Service name always fits), controller ownerReference to the Service, its labels. */
export function newSlice(svc: Service, ports: SliceEndpointPort[], addressType: AddressType): EndpointSlice {
  const name = svc.metadata.name ?? '';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${name}-`,
      namespace: svc.metadata.namespace ?? '',
      labels: sliceLabels(undefined, svc).labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

/** placeholderSliceCompare: same namespace, labels, owners, address type, and neither ports nor endpoints. */
function isPlaceholderLike(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    slice.metadata.namespace === placeholder.metadata.namespace &&
    JSON.stringify(Object.entries(slice.metadata.labels ?? {}).sort()) === JSON.stringify(Object.entries(placeholder.metadata.labels ?? {}).sort()) &&
    JSON.stringify(slice.metadata.ownerReferences ?? []) === JSON.stringify(placeholder.metadata.ownerReferences ?? []) &&
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0
  );
}

/** reconcileByPortMapping for one group of slices sharing `ports`. `desired` is consumed. */
function reconcileGroup(svc: Service, existing: readonly EndpointSlice[], desired: Map<string, SliceEndpoint>, ports: SliceEndpointPort[], addressType: AddressType, max: number): Omit<SlicePlan, 'podsWithoutNode'> {
  const byName = new Map<string, EndpointSlice>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();
  for (const slice of existing) {
    const name = slice.metadata.name ?? '';
    byName.set(name, slice);
    const kept: SliceEndpoint[] = [];
    let changed = false;
    for (const ep of slice.endpoints ?? []) {
      const key = endpointKey(ep);
      const want = desired.get(key);
      if (!want) continue;
      kept.push(want);
      if (!equalBeyondKey(want, ep)) changed = true;
      desired.delete(key);
    }
    const { labels, changed: labelsChanged } = sliceLabels(slice, svc);
    if (changed || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.add(name);
      else {
        byName.set(name, { ...structuredClone(slice), endpoints: kept, metadata: { ...structuredClone(slice.metadata), labels } });
        toUpdate.add(name);
      }
    } else if (labelsChanged) {
      byName.set(name, { ...structuredClone(slice), metadata: { ...structuredClone(slice.metadata), labels } });
      toUpdate.add(name);
    } else unchanged.add(name);
  }
  const take = (slice: EndpointSlice): void => {
    for (const [key, ep] of desired) {
      if (slice.endpoints.length >= max) break;
      slice.endpoints.push(ep);
      desired.delete(key);
    }
  };
  // Fill the slices being updated anyway, fullest first.
  if (desired.size > 0) [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => b.endpoints.length - a.endpoints.length).forEach(take);
  const create: EndpointSlice[] = [];
  while (desired.size > 0) {
    let fill: EndpointSlice | undefined;
    if (desired.size < max && unchanged.size > 0) {
      // getSliceToFill: the unchanged slice that ends up closest to full.
      let best = max;
      for (const n of unchanged) {
        const diff = max - (desired.size + byName.get(n)!.endpoints.length);
        if (diff >= 0 && diff < best) {
          best = diff;
          fill = byName.get(n);
        }
      }
    }
    if (fill) {
      fill = structuredClone(fill);
      byName.set(fill.metadata.name ?? '', fill);
      take(fill);
      toUpdate.add(fill.metadata.name ?? '');
      unchanged.delete(fill.metadata.name ?? '');
    } else {
      const slice = newSlice(svc, ports, addressType);
      take(slice);
      create.push(slice);
    }
  }
  return { create, update: [...toUpdate].map((n) => byName.get(n)!), delete: [...toDelete].map((n) => byName.get(n)!) };
}

/** The plan for one Service (Reconcile + finalize's create-to-update swap). */
export function reconcileSlices(input: SliceInput): SlicePlan {
  const { service: svc, nodes } = input;
  const max = input.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
  const types = addressTypesOf(svc);
  const plan: SlicePlan = { create: [], update: [], delete: [], podsWithoutNode: [] };
  plan.delete.push(...input.slices.filter((s) => !types.includes(s.addressType)));
  const pods = [...input.pods].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const addressType of types) {
    const existing = input.slices.filter((s) => s.addressType === addressType);
    const create: EndpointSlice[] = [];
    const update: EndpointSlice[] = [];
    const del: EndpointSlice[] = existing.filter((s) => !ownedBy(s, svc));
    const existingByPorts = new Map<string, EndpointSlice[]>();
    for (const s of existing.filter((x) => ownedBy(x, svc))) {
      const k = portsKey(s.ports);
      existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
    }
    const desired = new Map<string, { ports: SliceEndpointPort[]; endpoints: Map<string, SliceEndpoint> }>();
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const node = nodes.get(pod.spec.nodeName ?? '');
      if (!node && svc.spec?.publishNotReadyAddresses !== true) {
        if (addressType === types[0]) plan.podsWithoutNode.push(pod.metadata.name ?? '');
        continue;
      }
      const ports = endpointPorts(svc, pod);
      const k = portsKey(ports);
      let group = desired.get(k);
      if (!group) desired.set(k, (group = { ports, endpoints: new Map() }));
      const ep = podToEndpoint(pod, node, svc, addressType);
      if (ep.addresses.length > 0) group.endpoints.set(endpointKey(ep), ep);
    }
    for (const [k, group] of desired) {
      const r = reconcileGroup(svc, existingByPorts.get(k) ?? [], group.endpoints, group.ports, addressType, max);
      create.push(...r.create);
      update.push(...r.update);
      del.push(...r.delete);
    }
    for (const [k, slices] of existingByPorts) if (!desired.has(k)) del.push(...slices);
    if (existing.length === del.length && create.length === 0) {
      // No endpoint at all: one placeholder slice, kept when it is already there.
      const placeholder = newSlice(svc, [], addressType);
      if (del.length === 1 && isPlaceholderLike(del[0]!, placeholder)) del.length = 0;
      else create.push(placeholder);
    }
    // Creates become updates of slices that would be deleted (same address type, owned by this Service).
    for (let i = 0; i < del.length && create.length > 0; ) {
      const doomed = del[i]!;
      if (ownedBy(doomed, svc)) {
        const slice = create.pop()!;
        delete slice.metadata.generateName;
        slice.metadata.name = doomed.metadata.name ?? '';
        if (doomed.metadata.resourceVersion) slice.metadata.resourceVersion = doomed.metadata.resourceVersion;
        if (doomed.metadata.annotations) slice.metadata.annotations = { ...doomed.metadata.annotations };
        update.push(slice);
        del.splice(i, 1);
      } else i++;
    }
    plan.create.push(...create);
    plan.update.push(...update);
    plan.delete.push(...del);
  }
  return plan;
}

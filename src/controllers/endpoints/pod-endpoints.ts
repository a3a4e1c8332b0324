/**
 * What a pod contributes to a Service's endpoints, shared by the Endpoints and EndpointSlice controllers:
 * readiness, membership (terminal, no IP, terminating), hostname, target port resolution, IP family, and
 * which Services a pod change concerns.
 *
 * Mirrors k8s.io/endpointslice `util/controller_utils.go` (ShouldPodBeInEndpoints, ShouldSetHostname,
 * podEndpointsChanged, GetServicesToUpdate), `utils.go` (FindPort, isServiceIPSet) and the Endpoints
 * controller's podToEndpointAddressForService.
 */
import type { Service, ServicePort } from '../../api/services.js';
import type { Pod, Protocol } from '../../api/types.js';

/** The label the controllers put on the Endpoints and slices of a headless Service (`v1.IsHeadlessService`). */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** The annotation with the time of the change that led to this endpoints state (`v1.EndpointsLastChangeTriggerTime`). */
export const ANNOTATION_LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

/** True when the pod's Ready condition is True (podutil.IsPodReady). */
export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The pod's IPs: status.podIPs, else status.podIP. */
export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip) => ip);
  if (ips.length > 0) return ips;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/** True for an IPv6 address (utilnet.IsIPv6String, by its colon). */
export function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/**
 * ShouldPodBeInEndpoints: not terminal (Succeeded/Failed), has an IP, and not terminating unless
 * `includeTerminating` (the EndpointSlice controller always includes them; the Endpoints controller only
 * with publishNotReadyAddresses).
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (podIPs(pod).length === 0) return false;
  return includeTerminating || pod.metadata.deletionTimestamp === undefined;
}

/** ShouldSetHostname: the pod names a hostname and its subdomain is this Service, in the same namespace. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return (pod.spec.hostname ?? '') !== '' && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

/** False for a headless Service (clusterIP None) or one without a cluster IP (helper.IsServiceIPSet). */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

/** The Service's selector, or undefined when it has none (then the controllers leave its endpoints to the user). */
export function serviceSelector(svc: Service): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

/** True when `labels` carry every key/value of the Service's selector. */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * FindPort: a numeric targetPort is used as is (default: the Service port); a name is looked up among the
 * ports of the pod's containers, then of its sidecars (init containers with restartPolicy Always), with the
 * same protocol. Undefined when the name is not found.
 */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const protocol: Protocol = port.protocol ?? 'TCP';
  const sidecars = (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...pod.spec.containers, ...sidecars]) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** The IP family the Endpoints controller publishes for `svc`: its first ipFamily, else its cluster IP's, else the pod IP's. */
export function endpointsFamily(svc: Service, pod: Pod): 'IPv4' | 'IPv6' {
  const families = svc.spec?.ipFamilies ?? [];
  if (families[0]) return families[0];
  const clusterIP = svc.spec?.clusterIP ?? '';
  if (clusterIP !== '' && clusterIP !== 'None') return isIPv6(clusterIP) ? 'IPv6' : 'IPv4';
  return isIPv6(pod.status?.podIP ?? podIPs(pod)[0] ?? '') ? 'IPv6' : 'IPv4';
}

/** `namespace/name` of an object, the work-queue key of a Service. */
export function keyOf(obj: { metadata: { namespace?: string; name?: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/**
 * Keys of the Services a pod event concerns (GetServicesToUpdate): those selecting it now or before;
 * when only its labels changed, only the Services gained or lost. `old` is undefined for an add or delete.
 */
export function servicesForPodChange(services: Iterable<Service>, pod: Pod, old: Pod | undefined): Set<string> {
  const all = [...services];
  const selecting = (labels: Record<string, string> | undefined): Set<string> => {
    const out = new Set<string>();
    for (const svc of all) {
      const sel = serviceSelector(svc);
      if (sel && svc.metadata.namespace === pod.metadata.namespace && selectorMatches(sel, labels)) out.add(keyOf(svc));
    }
    return out;
  };
  const now = selecting(pod.metadata.labels);
  if (!old) return now;
  if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return new Set();
  const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {}) || old.spec.hostname !== pod.spec.hostname || old.spec.subdomain !== pod.spec.subdomain;
  const podChanged =
    old.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp ||
    isPodReady(old) !== isPodReady(pod) ||
    podIPs(old).join(',') !== podIPs(pod).join(',') ||
    old.status?.phase !== pod.status?.phase ||
    old.spec.nodeName !== pod.spec.nodeName;
  if (!labelsChanged) return podChanged ? now : new Set();
  const before = selecting(old.metadata.labels);
  if (podChanged) return new Set([...now, ...before]);
  return new Set([...[...now].filter((k) => !before.has(k)), ...[...before].filter((k) => !now.has(k))]);
}

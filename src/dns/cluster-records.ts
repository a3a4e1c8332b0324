/**
 * The cluster DNS's view of the API: Services, EndpointSlices and Namespaces kept in memory and indexed
 * for answering (CoreDNS `plugin/kubernetes` controller.go: SvcIndex, EpIndex, SvcIndexReverse,
 * EpIndexReverse).
 */
import { isIPv6 } from 'node:net';
import type { KubeObject } from '../api/types.js';
import { LABEL_SERVICE_NAME, type EndpointSlice, type Service, type SliceEndpointPort } from '../api/services.js';

/** One ready address of a Service's endpoints, with the ports of the EndpointSlice it came from. */
export interface DnsEndpoint {
  address: string;
  /** The endpoint's `hostname` field, when set. */
  hostname?: string;
  ports: SliceEndpointPort[];
}

/** A ready endpoint address found by IP, with the Service it belongs to. */
export interface EndpointOwner extends DnsEndpoint {
  namespace: string;
  service: string;
}

/** What the resolver reads; {@link ClusterRecords} implements it, tests may supply their own. */
export interface ClusterRecordSource {
  /** Whether the namespace exists (CoreDNS `filteredNamespaceExists`). */
  hasNamespace(namespace: string): boolean;
  getService(namespace: string, name: string): Service | undefined;
  /**
   * Ready endpoint addresses of a Service merged over its EndpointSlices (IPv4 and IPv6 slices; FQDN
   * slices ignored), one entry per address. An endpoint is ready unless `conditions.ready` is false, or
   * always when the Service has `publishNotReadyAddresses`.
   */
  getEndpoints(namespace: string, name: string): DnsEndpoint[];
  /** Services whose `clusterIP`/`clusterIPs` contain `ip` (any IPv6 spelling). */
  servicesByClusterIP(ip: string): Service[];
  /** Ready endpoint addresses equal to `ip` (any IPv6 spelling), over all Services. */
  endpointsByAddress(ip: string): EndpointOwner[];
  /** SOA serial: Unix seconds of the last change. */
  serial(): number;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/** An address in the one form indexes compare: IPv6 expanded to eight 4-digit groups, IPv4 as is. */
export function canonicalAddress(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

/** The cluster IPs of a Service (`clusterIPs`, else `clusterIP`), without `None` and empty values. */
export function serviceClusterIPs(svc: Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== '' && ip !== 'None');
}

/** Whether a Service is headless (`clusterIP: None`). */
export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

/**
 * In-memory Services, EndpointSlices and Namespaces fed by informer events ({@link apply}). Lookups are by
 * lower-case name (Kubernetes names are lower case already, so query names compare case-insensitively).
 */
export class ClusterRecords implements ClusterRecordSource {
  private readonly namespaces = new Set<string>();
  private readonly services = new Map<string, Service>();
  private readonly byClusterIP = new Map<string, Set<string>>();
  /** slice uid (or ns/name) → slice. */
  private readonly slices = new Map<string, EndpointSlice>();
  /** service key → slice keys. */
  private readonly slicesByService = new Map<string, Set<string>>();
  private modified = Math.floor(Date.now() / 1000);

  /** Applies one informer event of kind `Namespace`, `Service` or `EndpointSlice`. */
  apply(kind: 'Namespace' | 'Service' | 'EndpointSlice', type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    this.modified = Math.floor(Date.now() / 1000);
    const removed = type === 'DELETED';
    if (kind === 'Namespace') {
      if (removed) this.namespaces.delete(obj.metadata.name ?? '');
      else this.namespaces.add(obj.metadata.name ?? '');
    } else if (kind === 'Service') this.setService(obj as Service, removed);
    else this.setSlice(obj as EndpointSlice, removed);
  }

  private setService(svc: Service, removed: boolean): void {
    const k = key(svc.metadata.namespace ?? '', svc.metadata.name ?? '');
    const old = this.services.get(k);
    for (const ip of old ? serviceClusterIPs(old).map(canonicalAddress) : []) {
      const owners = this.byClusterIP.get(ip);
      owners?.delete(k);
      if (owners?.size === 0) this.byClusterIP.delete(ip);
    }
    if (removed) {
      this.services.delete(k);
      return;
    }
    this.services.set(k, svc);
    for (const ip of serviceClusterIPs(svc).map(canonicalAddress)) {
      const owners = this.byClusterIP.get(ip) ?? new Set<string>();
      owners.add(k);
      this.byClusterIP.set(ip, owners);
    }
  }

  private setSlice(slice: EndpointSlice, removed: boolean): void {
    const sk = slice.metadata.uid ?? key(slice.metadata.namespace ?? '', slice.metadata.name ?? '');
    const old = this.slices.get(sk);
    if (old) {
      const owner = this.slicesByService.get(sliceService(old));
      owner?.delete(sk);
      if (owner?.size === 0) this.slicesByService.delete(sliceService(old));
    }
    if (removed) {
      this.slices.delete(sk);
      return;
    }
    this.slices.set(sk, slice);
    if (!slice.metadata.labels?.[LABEL_SERVICE_NAME]) return;
    const svcKey = sliceService(slice);
    const set = this.slicesByService.get(svcKey) ?? new Set<string>();
    set.add(sk);
    this.slicesByService.set(svcKey, set);
  }

  hasNamespace(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  getService(namespace: string, name: string): Service | undefined {
    return this.services.get(key(namespace, name));
  }

  getEndpoints(namespace: string, name: string): DnsEndpoint[] {
    const svc = this.getService(namespace, name);
    const all = svc?.spec?.publishNotReadyAddresses === true;
    const out: DnsEndpoint[] = [];
    const seen = new Set<string>();
    for (const sk of this.slicesByService.get(key(namespace, name)) ?? []) {
      const slice = this.slices.get(sk);
      if (!slice || slice.addressType === 'FQDN') continue;
      for (const ep of slice.endpoints ?? []) {
        if (!all && ep.conditions?.ready === false) continue;
        for (const address of ep.addresses ?? []) {
          if (seen.has(address)) continue;
          seen.add(address);
          out.push({ address, ...(ep.hostname ? { hostname: ep.hostname } : {}), ports: slice.ports ?? [] });
        }
      }
    }
    return out;
  }

  servicesByClusterIP(ip: string): Service[] {
    return [...(this.byClusterIP.get(canonicalAddress(ip)) ?? [])].map((k) => this.services.get(k)).filter((s): s is Service => s !== undefined);
  }

  endpointsByAddress(ip: string): EndpointOwner[] {
    ip = canonicalAddress(ip);
    const out: EndpointOwner[] = [];
    for (const svcKey of this.slicesByService.keys()) {
      const [namespace = '', service = ''] = svcKey.split('/');
      for (const ep of this.getEndpoints(namespace, service)) if (canonicalAddress(ep.address) === ip) out.push({ ...ep, namespace, service });
    }
    return out;
  }

  serial(): number {
    return this.modified;
  }
}

/** `<ns>/<service>` of an EndpointSlice from its `kubernetes.io/service-name` label. */
function sliceService(slice: EndpointSlice): string {
  return key(slice.metadata.namespace ?? '', slice.metadata.labels?.[LABEL_SERVICE_NAME] ?? '');
}

/**
 * The proxy's view of the cluster: Services and EndpointSlices flattened into one record per IPv4
 * service port with its endpoints, as kube-proxy's ServicePortMap and EndpointsMap hold them
 * (`pkg/proxy/servicechangetracker.go`, `endpointslicecache.go`, `topology.go` CategorizeEndpoints).
 */
import type { Protocol } from '../api/types.js';
import { LABEL_SERVICE_NAME, type EndpointSlice, type Service } from '../api/services.js';

/** One backend of a service port (kube-proxy's BaseEndpointInfo). */
export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** `ip:port`, the form hashed into the KUBE-SEP chain name and used as DNAT destination. */
  address: string;
  /** `conditions.ready`, nil read as true. */
  ready: boolean;
  /** `conditions.serving`, nil read as true. */
  serving: boolean;
  /** `conditions.terminating`, nil read as false. */
  terminating: boolean;
}

/** One port of a proxied Service (kube-proxy's BaseServicePortInfo). */
export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** `spec.ports[].name`, "" when unnamed. */
  portName: string;
  /** proxy.ServicePortName.String(): `ns/name:port`, or `ns/name` for an unnamed port. */
  servicePortName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** 0 when the port has none. */
  nodePort: number;
  externalIPs: string[];
  /** `status.loadBalancer.ingress[].ip`. */
  loadBalancerIPs: string[];
  /** `spec.sessionAffinityConfig.clientIP.timeoutSeconds` (default 10800) when sessionAffinity is ClientIP. */
  stickyMaxAgeSeconds?: number;
  /** Every endpoint the Service's slices list for this port, sorted by `address`, without duplicates. */
  endpoints: ProxyEndpoint[];
}

/** Default ClientIP affinity timeout, s (core/v1 DefaultClientIPServiceAffinitySeconds). */
export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** True for a dotted-quad IPv4 address. */
export function isIPv4(ip: string): boolean {
  return IPV4.test(ip);
}

/** A Service labelled with this is served by another proxy (kube-proxy's LabelServiceProxyName selector). */
export const LABEL_SERVICE_PROXY_NAME = 'service.kubernetes.io/service-proxy-name';

/**
 * The IPv4 cluster IP of a Service, or undefined when the proxy skips it: headless (`None`), no IP,
 * ExternalName, IPv6 only (kube-proxy's ShouldSkipService plus this proxier's IPv4 family), or meant
 * for another proxy.
 */
function proxiedClusterIP(svc: Service): string | undefined {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName' || svc.metadata.labels?.[LABEL_SERVICE_PROXY_NAME] !== undefined) return undefined;
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  if (ips.includes('None')) return undefined;
  return ips.find(isIPv4);
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Endpoints by `ns/name` then by `portName/protocol`, from the IPv4 slices labelled with a Service name. */
function endpointsByServicePort(slices: readonly EndpointSlice[]): Map<string, Map<string, Map<string, ProxyEndpoint>>> {
  const out = new Map<string, Map<string, Map<string, ProxyEndpoint>>>();
  for (const slice of slices) {
    const service = slice.metadata.labels?.[LABEL_SERVICE_NAME];
    if (!service || slice.addressType !== 'IPv4' || slice.metadata.deletionTimestamp) continue;
    const byPort = out.get(key(slice.metadata.namespace ?? '', service)) ?? new Map<string, Map<string, ProxyEndpoint>>();
    out.set(key(slice.metadata.namespace ?? '', service), byPort);
    for (const port of slice.ports ?? []) {
      if (port.port === undefined) continue;
      const portKey = `${port.name ?? ''}/${port.protocol ?? 'TCP'}`;
      const eps = byPort.get(portKey) ?? new Map<string, ProxyEndpoint>();
      byPort.set(portKey, eps);
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip || !isIPv4(ip)) continue;
        const address = `${ip}:${port.port}`;
        // Duplicates across slices (a pod moving between slices): the first one read wins, as in kube-proxy.
        if (eps.has(address)) continue;
        eps.set(address, {
          ip,
          port: port.port,
          address,
          ready: ep.conditions?.ready ?? true,
          serving: ep.conditions?.serving ?? true,
          terminating: ep.conditions?.terminating ?? false,
        });
      }
    }
  }
  return out;
}

/**
 * Flattens Services and EndpointSlices into the proxied service ports, sorted by servicePortName and
 * protocol. A Service port finds its endpoints in the slices labelled `kubernetes.io/service-name` with
 * the Service's name, in the port of the same name and protocol: the EndpointSlice controller has
 * already resolved numeric and named targetPorts into that port number. Pure.
 */
export function buildServicePorts(services: readonly Service[], slices: readonly EndpointSlice[]): ServicePortInfo[] {
  const endpoints = endpointsByServicePort(slices);
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    const clusterIP = proxiedClusterIP(svc);
    if (!clusterIP || svc.metadata.deletionTimestamp) continue;
    const namespace = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    const spec = svc.spec ?? {};
    const affinity = spec.sessionAffinity === 'ClientIP';
    for (const p of spec.ports ?? []) {
      const portName = p.name ?? '';
      const protocol = p.protocol ?? 'TCP';
      const eps = endpoints.get(key(namespace, name))?.get(`${portName}/${protocol}`);
      const info: ServicePortInfo = {
        namespace,
        name,
        portName,
        servicePortName: portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`,
        protocol,
        clusterIP,
        port: p.port,
        nodePort: p.nodePort ?? 0,
        externalIPs: (spec.externalIPs ?? []).filter(isIPv4),
        loadBalancerIPs: (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter(isIPv4),
        endpoints: [...(eps?.values() ?? [])].sort((a, b) => compare(a.address, b.address)),
      };
      if (affinity) info.stickyMaxAgeSeconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_CLIENT_IP_AFFINITY_SECONDS;
      out.push(info);
    }
  }
  return out.sort((a, b) => compare(`${a.servicePortName}/${a.protocol}`, `${b.servicePortName}/${b.protocol}`));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The endpoints traffic is sent to under the Cluster traffic policy: the ready ones, or when none is
 * ready, those both serving and terminating (kube-proxy's CategorizeEndpoints, ProxyTerminatingEndpoints).
 * A Service published with `publishNotReadyAddresses` has all its endpoints marked ready by the
 * EndpointSlice controller, so they all qualify here.
 */
export function usableEndpoints(port: ServicePortInfo): ProxyEndpoint[] {
  const ready = port.endpoints.filter((e) => e.ready);
  return ready.length > 0 ? ready : port.endpoints.filter((e) => e.serving && e.terminating);
}

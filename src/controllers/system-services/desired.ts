/**
 * The system Services k1s keeps in the API, as pure data: `default/kubernetes` (the API server, as
 * kube-apiserver's kubernetesservice controller and endpoint reconciler keep it) and `kube-system/kube-dns` (the
 * cluster DNS running inside k1s, under the name and labels k3s's CoreDNS manifest gives it), each with the
 * Endpoints and EndpointSlice that point at where the node serves them.
 *
 * Mirrors kube-apiserver `pkg/controlplane/controller/kubernetesservice` (Service `kubernetes`, port `https`
 * 443/TCP, no selector) and `pkg/controlplane/reconcilers` (Endpoints + EndpointSlice `kubernetes`), and k3s
 * `manifests/coredns.yaml` (Service `kube-dns`: ports dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP).
 */
import type { EndpointSlice, Endpoints, Service } from '../../api/services.js';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../../api/services.js';

/** Where the node serves the API and DNS to pods, and the Service IPs they get. */
export interface SystemServicesConfig {
  /** The first address of the service CIDR, e.g. 10.43.0.1. */
  apiServiceIP: string;
  /** The address pods reach the API server at (the pod bridge's gateway) and its port. */
  apiAddress: string;
  apiPort: number;
  /** k3s `--cluster-dns`, e.g. 10.43.0.10. */
  dnsServiceIP: string;
  /** Where the cluster DNS listens for pods (the bridge gateway) on port 53. */
  dnsAddress: string;
}

/** The manager label value of the slices k1s writes itself (not the EndpointSlice controller's). */
export const SYSTEM_SLICE_MANAGER = 'k1s-system-services';

/** One Service with its Endpoints and EndpointSlice. */
export interface SystemService {
  service: Service;
  endpoints: Endpoints;
  slice: EndpointSlice;
}

function endpointsFor(ns: string, name: string, ip: string, ports: { name: string; port: number; protocol: 'TCP' | 'UDP' }[], labels: Record<string, string>): { endpoints: Endpoints; slice: EndpointSlice } {
  return {
    endpoints: {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace: ns, labels: { ...labels } },
      subsets: [{ addresses: [{ ip }], ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })) }],
    },
    slice: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, namespace: ns, labels: { ...labels, [LABEL_SERVICE_NAME]: name, [LABEL_MANAGED_BY]: SYSTEM_SLICE_MANAGER } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } }],
      ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    },
  };
}

/** The desired system Services for `cfg`. */
export function desiredSystemServices(cfg: SystemServicesConfig): SystemService[] {
  const apiLabels = { component: 'apiserver', provider: 'kubernetes' };
  const api: SystemService = {
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: apiLabels },
      spec: { type: 'ClusterIP', clusterIP: cfg.apiServiceIP, sessionAffinity: 'None', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: cfg.apiPort }] },
    },
    ...endpointsFor('default', 'kubernetes', cfg.apiAddress, [{ name: 'https', port: cfg.apiPort, protocol: 'TCP' }], {}),
  };
  const dnsLabels = { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' };
  const dnsPorts = [
    { name: 'dns', port: 53, protocol: 'UDP' as const },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
  ];
  const dns: SystemService = {
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: dnsLabels, annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' } },
      spec: { type: 'ClusterIP', clusterIP: cfg.dnsServiceIP, ports: dnsPorts.map((p) => ({ ...p, targetPort: 53 })) },
    },
    ...endpointsFor('kube-system', 'kube-dns', cfg.dnsAddress, dnsPorts, { 'k8s-app': 'kube-dns' }),
  };
  return [api, dns];
}

// Builders of Services, EndpointSlices and Namespaces for cluster DNS tests.

import { LABEL_SERVICE_NAME, type EndpointSlice, type Service, type ServicePort, type ServiceSpec, type SliceEndpoint, type SliceEndpointPort } from '../../api/services.js';
import type { Namespace } from '../../api/types.js';

export const namespace = (name: string): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as Namespace;

/** A Service; `clusterIP: 'None'` makes it headless. */
export function service(ns: string, name: string, spec: ServiceSpec): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec };
}

export const port = (p: number, name?: string, protocol: ServicePort['protocol'] = 'TCP'): ServicePort => ({ port: p, protocol, ...(name ? { name } : {}) });

/** An IPv4 EndpointSlice of Service `svc`. */
export function slice(ns: string, svc: string, endpoints: SliceEndpoint[], ports: SliceEndpointPort[] = [], name = `${svc}-abcde`): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { [LABEL_SERVICE_NAME]: svc } },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

/** One endpoint; ready unless `ready` is false. */
export const endpoint = (address: string, opts: { hostname?: string; ready?: boolean } = {}): SliceEndpoint => ({
  addresses: [address],
  conditions: { ready: opts.ready ?? true },
  ...(opts.hostname ? { hostname: opts.hostname } : {}),
});

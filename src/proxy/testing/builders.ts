// Builders of Services and EndpointSlices for the proxy's tests.

import { LABEL_SERVICE_NAME, type EndpointSlice, type Service, type ServicePort, type ServiceSpec, type SliceEndpoint, type SliceEndpointPort } from '../../api/services.js';

/** A ClusterIP Service `ns/name` with `ports` (spec overrides merged in). */
export function service(ns: string, name: string, clusterIP: string, ports: ServicePort[], spec: Partial<ServiceSpec> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name, uid: `svc-${ns}-${name}` }, spec: { type: 'ClusterIP', clusterIP, clusterIPs: [clusterIP], ports, ...spec } };
}

/** A ready endpoint at `ip` (conditions overridable). */
export function endpoint(ip: string, conditions: SliceEndpoint['conditions'] = { ready: true, serving: true, terminating: false }): SliceEndpoint {
  return { addresses: [ip], conditions };
}

/** An IPv4 EndpointSlice of Service `ns/svc` (named `svc-<suffix>`). */
export function slice(ns: string, svc: string, ports: SliceEndpointPort[], endpoints: SliceEndpoint[], suffix = 'abc'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: ns, name: `${svc}-${suffix}`, uid: `eps-${ns}-${svc}-${suffix}`, labels: { [LABEL_SERVICE_NAME]: svc } },
    addressType: 'IPv4',
    ports,
    endpoints,
  };
}

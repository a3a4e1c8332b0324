// Pods and Services for the endpoints controllers' tests, with the fields those controllers read.

import type { Service, ServicePort } from '../../api/services.js';
import type { ContainerPort, Pod } from '../../api/types.js';

/** What {@link testPod} sets. */
export interface TestPodOptions {
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  /** Pod IP; none when undefined. */
  ip?: string;
  ready?: boolean;
  /** lastTransitionTime of the Ready condition. */
  readySince?: string;
  nodeName?: string;
  ports?: ContainerPort[];
  /** Ports of a native sidecar (init container with restartPolicy Always). */
  sidecarPorts?: ContainerPort[];
  hostname?: string;
  subdomain?: string;
  deletionTimestamp?: string;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
}

/** A scheduled pod labelled `app: web` (unless told otherwise), Running, with the given IP and readiness. */
export function testPod(name: string, o: TestPodOptions = {}): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: o.uid ?? `uid-${name}`, labels: o.labels ?? { app: 'web' } },
    spec: {
      nodeName: o.nodeName ?? 'node1',
      containers: [{ name: 'app', image: 'nginx', ...(o.ports ? { ports: o.ports } : {}) }],
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.readySince ?? '2024-05-01T10:00:00Z' }],
    },
  };
  if (o.sidecarPorts) pod.spec.initContainers = [{ name: 'sidecar', image: 'envoy', restartPolicy: 'Always', ports: o.sidecarPorts }];
  if (o.hostname) pod.spec.hostname = o.hostname;
  if (o.subdomain) pod.spec.subdomain = o.subdomain;
  if (o.deletionTimestamp) pod.metadata.deletionTimestamp = o.deletionTimestamp;
  if (o.ip && pod.status) {
    pod.status.podIP = o.ip;
    pod.status.podIPs = [{ ip: o.ip }];
  }
  return pod;
}

/** What {@link testService} sets. */
export interface TestServiceOptions {
  namespace?: string;
  uid?: string;
  /** Default `{ app: 'web' }`; null for a Service without selector. */
  selector?: Record<string, string> | null;
  ports?: ServicePort[];
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
  labels?: Record<string, string>;
  creationTimestamp?: string;
  type?: 'ClusterIP' | 'ExternalName';
}

/** A ClusterIP Service `10.43.0.10` selecting `app: web` with port 80 → 8080 (unless told otherwise). */
export function testService(name: string, o: TestServiceOptions = {}): Service {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'default', uid: o.uid ?? `uid-svc-${name}`, creationTimestamp: o.creationTimestamp ?? '2024-05-01T09:00:00Z' },
    spec: {
      type: o.type ?? 'ClusterIP',
      clusterIP: o.clusterIP ?? '10.43.0.10',
      ipFamilies: ['IPv4'],
      ports: o.ports ?? [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
  if (o.selector !== null && svc.spec) svc.spec.selector = o.selector ?? { app: 'web' };
  if (o.publishNotReadyAddresses && svc.spec) svc.spec.publishNotReadyAddresses = true;
  if (o.labels) svc.metadata.labels = o.labels;
  return svc;
}

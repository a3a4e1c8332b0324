/**
 * core/v1 Service and Endpoints, discovery.k8s.io/v1 EndpointSlice: the object shapes shared by the
 * registry, the endpoints controllers, the service proxy, the cluster DNS and the kubelet.
 *
 * Mirrors k8s.io/api `core/v1/types.go` (Service, ServiceSpec, ServicePort, Endpoints) and
 * `discovery/v1/types.go` (EndpointSlice, Endpoint, EndpointConditions, EndpointPort) at v1.32.
 */
import type { ConditionStatus, IntOrString, KubeObject, ObjectReference, Protocol } from './types.js';

/** `spec.type` of a Service. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

/** One port of a Service (`spec.ports[]`). */
export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  appProtocol?: string;
  port: number;
  /** Number or the name of a container port; defaults to `port`. */
  targetPort?: IntOrString;
  nodePort?: number;
}

/** `spec.sessionAffinityConfig.clientIP`. */
export interface ClientIPConfig {
  /** Seconds; default 10800 (3 h). */
  timeoutSeconds?: number;
}

/** core/v1 ServiceSpec (the fields k1s acts on; others are stored as given). */
export interface ServiceSpec {
  ports?: ServicePort[];
  selector?: Record<string, string>;
  /** `None` for a headless Service; else an address of the service CIDR. */
  clusterIP?: string;
  clusterIPs?: string[];
  type?: ServiceType;
  externalIPs?: string[];
  sessionAffinity?: 'ClientIP' | 'None';
  sessionAffinityConfig?: { clientIP?: ClientIPConfig };
  externalName?: string;
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  publishNotReadyAddresses?: boolean;
  ipFamilies?: ('IPv4' | 'IPv6')[];
  ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  allocateLoadBalancerNodePorts?: boolean;
  healthCheckNodePort?: number;
  loadBalancerClass?: string;
  [extra: string]: unknown;
}

/** core/v1 Service. */
export interface Service extends KubeObject {
  spec?: ServiceSpec;
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] }; conditions?: unknown[] };
}

/** One address of an Endpoints subset. */
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

/** core/v1 EndpointPort (Endpoints subsets). */
export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: Protocol;
  appProtocol?: string;
}

/** core/v1 Endpoints: `subsets[]` of ready and not-ready addresses with their ports. */
export interface Endpoints extends KubeObject {
  subsets?: { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }[];
}

/** discovery/v1 EndpointConditions. */
export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** discovery/v1 Endpoint (one backend of an EndpointSlice). */
export interface SliceEndpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
}

/** discovery/v1 EndpointPort (port is optional there). */
export interface SliceEndpointPort {
  name?: string;
  protocol?: Protocol;
  port?: number;
  appProtocol?: string;
}

/**
 * discovery.k8s.io/v1 EndpointSlice; labelled `kubernetes.io/service-name` with its Service's name and
 * `endpointslice.kubernetes.io/managed-by` with its controller.
 */
export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: SliceEndpoint[];
  ports?: SliceEndpointPort[];
}

/** The label naming an EndpointSlice's Service (`discovery.LabelServiceName`). */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** The label naming an EndpointSlice's manager (`discovery.LabelManagedBy`). */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** The managed-by value of the EndpointSlice controller (`endpointslice-controller.k8s.io`). */
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';

/** One condition of a Deployment or ReplicaSet status. */
export interface WorkloadCondition {
  type: string;
  status: ConditionStatus;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

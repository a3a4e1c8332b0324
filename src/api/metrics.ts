/**
 * The resource metrics API's objects: metrics.k8s.io/v1beta1 PodMetrics and NodeMetrics.
 *
 * Mirrors k8s.io/metrics `pkg/apis/metrics/v1beta1/types.go`: usage is a ResourceList of quantities (`cpu` in
 * nanocores such as `1234567n`, `memory` in bytes such as `3856Ki`), `timestamp` the (RFC 3339) time the usage
 * was measured at the end of the window, `window` the Go duration it was averaged over (`15.004s`).
 */
import type { ObjectMeta } from './types.js';

/** The metrics.k8s.io group and version k1s serves. */
export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

/** Usage of one resource list: `cpu` and `memory` quantities. */
export type ResourceUsage = Record<string, string>;

/** ContainerMetrics: one container's usage. */
export interface ContainerMetrics {
  name: string;
  usage: ResourceUsage;
}

/** PodMetrics: the usage of a pod's containers. */
export interface PodMetrics {
  kind?: 'PodMetrics';
  apiVersion?: string;
  metadata: ObjectMeta;
  timestamp: string;
  window: string;
  containers: ContainerMetrics[];
  [key: string]: unknown;
}

/** NodeMetrics: the usage of a node. */
export interface NodeMetrics {
  kind?: 'NodeMetrics';
  apiVersion?: string;
  metadata: ObjectMeta;
  timestamp: string;
  window: string;
  usage: ResourceUsage;
  [key: string]: unknown;
}

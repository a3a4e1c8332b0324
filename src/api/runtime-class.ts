/**
 * node.k8s.io/v1 RuntimeClass: the object shape shared by the registry and RuntimeClass admission.
 *
 * Mirrors k8s.io/api `node/v1/types.go` at v1.32.
 */
import type { IntOrString, KubeObject, Toleration } from './types.js';

/** node.k8s.io/v1 RuntimeClass (cluster-scoped; the fields sit at the top level, no spec). */
export interface RuntimeClass extends KubeObject {
  /** The CRI handler (a DNS-1123 label; immutable). */
  handler: string;
  /** Resources a pod of this class costs beyond its containers' (pods get them as `spec.overhead`). */
  overhead?: { podFixed?: Record<string, IntOrString> };
  /** Constraints merged into the pods of this class: node labels they need, taints they tolerate. */
  scheduling?: { nodeSelector?: Record<string, string>; tolerations?: Toleration[] };
}

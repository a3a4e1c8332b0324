/**
 * coordination.k8s.io/v1 Lease: the object shape shared by the registry and the kubelet's node lease.
 *
 * Mirrors k8s.io/api `coordination/v1/types.go` at v1.32.
 */
import type { KubeObject } from './types.js';

/** coordination.k8s.io/v1 LeaseSpec; times are MicroTime (RFC 3339 with 6 fractional digits, UTC). */
export interface LeaseSpec {
  holderIdentity?: string;
  /** Seconds a candidate waits before it may take the lease over; > 0. */
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  /** Holder changes so far; >= 0. */
  leaseTransitions?: number;
  /** CoordinatedLeaderElection (alpha in v1.32, off): `OldestEmulationVersion` or a qualified name. */
  strategy?: string;
  preferredHolder?: string;
}

/** coordination.k8s.io/v1 Lease. */
export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

/** The namespace of the kubelets' node leases (`corev1.NamespaceNodeLease`). */
export const NAMESPACE_NODE_LEASE = 'kube-node-lease';

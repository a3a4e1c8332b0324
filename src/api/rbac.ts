/**
 * rbac.authorization.k8s.io/v1 object types: Role, ClusterRole (with aggregationRule), RoleBinding,
 * ClusterRoleBinding, and their rules, subjects and role references.
 *
 * Mirrors k8s.io/api `rbac/v1/types.go`.
 */
import type { LabelSelectorSpec } from './labels.js';
import type { KubeObject } from './types.js';

/** The API group of RBAC objects (`rbac.authorization.k8s.io`). */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One rule: verbs on resources (of API groups, optionally by name) or on non-resource URLs. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** Who a binding applies to: `User`, `Group` (apiGroup rbac.authorization.k8s.io) or `ServiceAccount` (apiGroup ''). */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  apiGroup?: string;
  name: string;
  /** ServiceAccounts only; empty means the binding's namespace for RoleBindings. */
  namespace?: string;
}

/** The role a binding grants. */
export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole' | string;
  name: string;
}

/** A namespaced set of rules. */
export interface Role extends KubeObject {
  rules?: PolicyRule[] | null;
}

/** Selectors of the ClusterRoles whose rules an aggregated ClusterRole is made of. */
export interface AggregationRule {
  clusterRoleSelectors?: LabelSelectorSpec[];
}

/** A cluster-wide set of rules; `aggregationRule` makes the controller fill `rules`. */
export interface ClusterRole extends KubeObject {
  rules?: PolicyRule[] | null;
  aggregationRule?: AggregationRule;
}

/** Grants a Role (same namespace) or a ClusterRole within one namespace. */
export interface RoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

/** Grants a ClusterRole in every namespace and at the cluster scope. */
export interface ClusterRoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

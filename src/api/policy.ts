/**
 * core/v1 LimitRange and ResourceQuota, the per-namespace policies that the LimitRanger and ResourceQuota admission
 * plugins enforce and the quota controller keeps current.
 *
 * Mirrors k8s.io/api `core/v1/types.go` (LimitRange, LimitRangeItem, ResourceQuota, ResourceQuotaSpec/Status,
 * ScopeSelector) and its well-known resource names.
 */
import type { ResourceList } from './resource-list.js';
import type { KubeObject } from './types.js';

/** LimitType: what a LimitRangeItem constrains. */
export type LimitType = 'Container' | 'Pod' | 'PersistentVolumeClaim';

/** One constraint of a LimitRange. */
export interface LimitRangeItem {
  type: LimitType | string;
  max?: ResourceList;
  min?: ResourceList;
  /** Limits given to containers without one (Container type only). */
  default?: ResourceList;
  /** Requests given to containers without one (Container type only). */
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

/** core/v1 LimitRange. */
export interface LimitRange extends KubeObject {
  spec?: { limits?: LimitRangeItem[] };
}

/** The quota scopes of core/v1 (ResourceQuotaScope). */
export type ResourceQuotaScope = 'Terminating' | 'NotTerminating' | 'BestEffort' | 'NotBestEffort' | 'PriorityClass' | 'CrossNamespacePodAffinity';

/** One requirement of a quota's scopeSelector. */
export interface ScopedResourceSelectorRequirement {
  scopeName: ResourceQuotaScope | string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

/** core/v1 ResourceQuota. */
export interface ResourceQuota extends KubeObject {
  spec?: { hard?: ResourceList; scopes?: string[]; scopeSelector?: { matchExpressions?: ScopedResourceSelectorRequirement[] } };
  status?: { hard?: ResourceList; used?: ResourceList };
}

/** The standard quota scopes (ValidateResourceQuotaScope's list). */
export const QUOTA_SCOPES: readonly string[] = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];

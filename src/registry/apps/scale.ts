/**
 * The `scale` subresource of Deployments and ReplicaSets: an autoscaling/v1 Scale view of `spec.replicas`,
 * `status.replicas` and the selector.
 *
 * Mirrors kube-apiserver `pkg/registry/apps/{deployment,replicaset}/storage/storage.go` ScaleREST
 * (scaleFromDeployment / scaleFromReplicaSet) and `pkg/apis/autoscaling/validation` ValidateScale.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { labelSelectorFromSpec } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import type { LabelSelector, Scale } from '../../api/workloads.js';
import type { ViewSubresource } from '../strategy.js';

/** A parent with `spec.replicas`, `spec.selector` and `status.replicas` (Deployment, ReplicaSet). */
interface Scalable extends KubeObject {
  spec: { replicas?: number; selector?: LabelSelector };
  status?: { replicas?: number };
}

function selectorString(sel: LabelSelector | undefined): string {
  try {
    return labelSelectorFromSpec(sel).toString();
  } catch {
    return '';
  }
}

/** The Scale view of `obj`: name, namespace, uid, resourceVersion and creationTimestamp of the parent. */
export function scaleOf(obj: KubeObject): Scale {
  const o = obj as Scalable;
  const m = o.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: m.name ?? '',
      namespace: m.namespace ?? '',
      ...(m.uid ? { uid: m.uid } : {}),
      ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
      ...(m.creationTimestamp ? { creationTimestamp: m.creationTimestamp } : {}),
    },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec?.selector) },
  };
}

/** ValidateScale: `spec.replicas` is required-ish and non-negative. */
export function validateScale(scale: Scale): FieldError[] {
  const r = scale.spec?.replicas ?? 0;
  if (!Number.isInteger(r)) return [field.invalid('spec.replicas', r, 'must be an integer')];
  if (r < 0) return [field.invalid('spec.replicas', r, 'must be greater than or equal to 0')];
  return [];
}

/** The scale ViewSubresource: writing a Scale sets the parent's spec.replicas and bumps its generation when it changes. */
export const scaleSubresource: ViewSubresource = {
  kind: 'view',
  bodyKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  get: scaleOf,
  apply(obj, view) {
    const scale = view as Scale;
    const errs = validateScale(scale);
    if (errs.length) return errs;
    const o = obj as Scalable;
    const replicas = scale.spec?.replicas ?? 0;
    if (o.spec.replicas !== replicas) {
      o.spec.replicas = replicas;
      o.metadata.generation = (o.metadata.generation ?? 0) + 1;
    }
    return [];
  },
};

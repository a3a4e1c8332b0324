/**
 * The `scale` subresource of Deployments, ReplicaSets and ReplicationControllers: an autoscaling/v1 Scale view of
 * `spec.replicas`, `status.replicas` and the selector.
 *
 * Mirrors kube-apiserver `pkg/registry/apps/{deployment,replicaset}/storage/storage.go` ScaleREST
 * (scaleFromDeployment / scaleFromReplicaSet), `pkg/registry/core/replicationcontroller/storage/storage.go`
 * (scaleFromRC: the selector is `labels.SelectorFromSet(spec.selector)`) and `pkg/apis/autoscaling/validation`
 * ValidateScale.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { labelSelectorFromSpec } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import type { LabelSelector, Scale } from '../../api/workloads.js';
import type { ViewSubresource } from '../strategy.js';

/** A parent with `spec.replicas`, `spec.selector` and `status.replicas` (Deployment, ReplicaSet, ReplicationController). */
interface Scalable extends KubeObject {
  spec: { replicas?: number; selector?: unknown };
  status?: { replicas?: number };
}

/** The Scale's `status.selector` of a parent with a meta/v1 LabelSelector (`app=web,tier in (a,b)`); '' when invalid. */
export function labelSelectorString(obj: KubeObject): string {
  try {
    return labelSelectorFromSpec((obj as Scalable).spec?.selector as LabelSelector | undefined).toString();
  } catch {
    return '';
  }
}

/** The Scale's `status.selector` of a parent whose `spec.selector` is a label map (ReplicationController: `app=web`). */
export function labelMapSelectorString(obj: KubeObject): string {
  const sel = (obj as Scalable).spec?.selector as Record<string, string> | undefined;
  return labelSelectorString({ ...obj, spec: { selector: { matchLabels: sel ?? {} } } } as KubeObject);
}

/**
 * The Scale view of `obj`: name, namespace, uid, resourceVersion and creationTimestamp of the parent, its replica
 * counts, and `selectorOf(obj)` as `status.selector` (default: a meta/v1 LabelSelector's string form).
 */
export function scaleOf(obj: KubeObject, selectorOf: (obj: KubeObject) => string = labelSelectorString): Scale {
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
    status: { replicas: o.status?.replicas ?? 0, selector: selectorOf(obj) },
  };
}

/** ValidateScale: `spec.replicas` is required-ish and non-negative. */
export function validateScale(scale: Scale): FieldError[] {
  const r = scale.spec?.replicas ?? 0;
  if (!Number.isInteger(r)) return [field.invalid('spec.replicas', r, 'must be an integer')];
  if (r < 0) return [field.invalid('spec.replicas', r, 'must be greater than or equal to 0')];
  return [];
}

/**
 * A scale ViewSubresource whose Scale carries `selectorOf(parent)`: writing a Scale sets the parent's spec.replicas
 * and bumps its generation when it changes.
 */
export function scaleSubresourceFor(selectorOf: (obj: KubeObject) => string): ViewSubresource {
  return {
    kind: 'view',
    bodyKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    get: (obj) => scaleOf(obj, selectorOf),
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
}

/** The scale subresource of Deployments and ReplicaSets (meta/v1 LabelSelector). */
export const scaleSubresource: ViewSubresource = scaleSubresourceFor(labelSelectorString);

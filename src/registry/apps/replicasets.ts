/**
 * The apps/v1 replicasets strategy: defaulting, generation, validation, status/spec separation, the scale
 * subresource, and the NAME DESIRED CURRENT READY AGE table.
 *
 * Mirrors `pkg/registry/apps/replicaset/strategy.go`, `pkg/apis/apps/v1/defaults.go` SetDefaults_ReplicaSet,
 * `pkg/apis/apps/validation` ValidateReplicaSet / ValidateReplicaSetUpdate / ValidateReplicaSetStatusUpdate and
 * `pkg/printers/internalversion/printers.go` printReplicaSet.
 */
import { translateTimestampSince } from '../../api/duration.js';
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta.js';
import type { ReplicaSet } from '../../api/workloads.js';
import { generationLifecycle } from '../spec-status.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';
import { defaultPodTemplate, formatSelector, templateCells, validateSelectorAndTemplate } from './pod-template.js';
import { scaleSubresource } from './scale.js';

/** Discovery facts of apps/v1 replicasets. */
export const replicaSetInfo: ResourceInfo = {
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  singular: 'replicaset',
  kind: 'ReplicaSet',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status', 'scale'],
};

/** Non-negative integer check of a replica-like count at `path` (ValidateNonnegativeField). */
export function validateNonNegative(value: number | undefined, path: string): FieldError[] {
  if (value === undefined) return [];
  if (!Number.isInteger(value)) return [field.invalid(path, value, 'must be an integer')];
  return value < 0 ? [field.invalid(path, value, 'must be greater than or equal to 0')] : [];
}

/** ValidateReplicaSet. */
export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, true, nameIsDNSSubdomain);
  const spec = rs.spec;
  if (!spec) return [...errs, field.required('spec.selector')];
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateSelectorAndTemplate(spec.selector, spec.template, 'replicaset', 'spec'));
  return errs;
}

/** ValidateReplicaSetUpdate: the selector is immutable in apps/v1. */
export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  const errs = validateObjectMetaUpdate(rs.metadata, old.metadata);
  errs.push(...validateReplicaSet(rs).filter((e) => !e.field.startsWith('metadata.')));
  if (JSON.stringify(rs.spec?.selector ?? null) !== JSON.stringify(old.spec?.selector ?? null)) {
    errs.push(field.invalid('spec.selector', new field.GoValue(formatSelector(rs.spec?.selector)), 'field is immutable'));
  }
  return errs;
}

/** ValidateReplicaSetStatus: counts non-negative and consistent. */
export function validateReplicaSetStatusUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  const errs = validateObjectMetaUpdate(rs.metadata, old.metadata);
  const st = rs.status;
  if (!st) return errs;
  errs.push(...validateNonNegative(st.replicas, 'status.replicas'));
  errs.push(...validateNonNegative(st.fullyLabeledReplicas, 'status.fullyLabeledReplicas'));
  errs.push(...validateNonNegative(st.readyReplicas, 'status.readyReplicas'));
  errs.push(...validateNonNegative(st.availableReplicas, 'status.availableReplicas'));
  errs.push(...validateNonNegative(st.observedGeneration, 'status.observedGeneration'));
  const msg = 'cannot be greater than status.replicas';
  if ((st.fullyLabeledReplicas ?? 0) > st.replicas) errs.push(field.invalid('status.fullyLabeledReplicas', st.fullyLabeledReplicas, msg));
  if ((st.readyReplicas ?? 0) > st.replicas) errs.push(field.invalid('status.readyReplicas', st.readyReplicas, msg));
  if ((st.availableReplicas ?? 0) > st.replicas) errs.push(field.invalid('status.availableReplicas', st.availableReplicas, msg));
  if ((st.availableReplicas ?? 0) > (st.readyReplicas ?? 0)) errs.push(field.invalid('status.availableReplicas', st.availableReplicas, 'cannot be greater than readyReplicas'));
  return errs;
}

/** SetDefaults_ReplicaSet: replicas 1, template defaults. */
export function defaultReplicaSet(rs: ReplicaSet): void {
  rs.spec ??= { selector: {} } as ReplicaSet['spec'];
  rs.spec.replicas ??= 1;
  rs.spec.minReadySeconds ??= 0;
  defaultPodTemplate(rs.spec.template);
}

/** The apps/v1 replicasets Strategy. */
export const replicaSetStrategy: Strategy<ReplicaSet> = {
  info: replicaSetInfo,
  subresources: { scale: scaleSubresource },
  ...generationLifecycle<ReplicaSet>({ defaults: defaultReplicaSet, initialStatus: () => ({ replicas: 0 }) }),
  validate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
  validateStatusUpdate: validateReplicaSetStatusUpdate,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      { ...column('Desired', 'integer', 'Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.') },
      column('Current', 'integer', 'Replicas is the most recently observed number of non-terminating pods.'),
      column('Ready', 'integer', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      AGE_COLUMN,
      column('Containers', 'string', 'Names of each container in the template.', 1),
      column('Images', 'string', 'Images referenced by each container in the template.', 1),
      column('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
    ],
    cells: (rs, now) => [
      rs.metadata.name ?? '',
      rs.spec?.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      translateTimestampSince(rs.metadata.creationTimestamp, now),
      ...templateCells(rs.spec?.template, rs.spec?.selector),
    ],
  },
};

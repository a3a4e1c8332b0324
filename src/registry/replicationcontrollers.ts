/**
 * The core/v1 replicationcontrollers strategy: defaulting, generation, validation, status/spec separation, the scale
 * subresource, and the NAME DESIRED CURRENT READY AGE table.
 *
 * Mirrors `pkg/registry/core/replicationcontroller/strategy.go`, `pkg/apis/core/v1/defaults.go`
 * SetDefaults_ReplicationController, `pkg/apis/core/validation` ValidateReplicationController /
 * ValidateReplicationControllerUpdate / ValidateReplicationControllerStatusUpdate / ValidatePodTemplateSpecForRC, and
 * `pkg/printers/internalversion/printers.go` printReplicationController.
 */
import { translateTimestampSince } from '../api/duration.js';
import type { FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { formatLabels } from '../api/labels.js';
import { nameIsDNSSubdomain, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../api/meta.js';
import type { ReplicaSet, ReplicationController, PodTemplateSpec } from '../api/workloads.js';
import { containerCells, defaultPodTemplate, formatLabelMap, validateReplicaTemplate } from './apps/pod-template.js';
import { validateNonNegative, validateReplicaSetStatusUpdate } from './apps/replicasets.js';
import { labelMapSelectorString, scaleSubresourceFor } from './apps/scale.js';
import { generationLifecycle } from './spec-status.js';
import type { ResourceInfo, Strategy } from './strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './table-columns.js';

/** Discovery facts of core/v1 replicationcontrollers. */
export const replicationControllerInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'replicationcontrollers',
  singular: 'replicationcontroller',
  kind: 'ReplicationController',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status', 'scale'],
};

/** Whether every `selector` pair is among `labels` (labels.SelectorFromSet(selector).Matches(labels)). */
function mapMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * ValidatePodTemplateSpecForRC: the template is required, its labels matched by a non-empty selector, its metadata
 * and pod spec valid, restartPolicy Always, no activeDeadlineSeconds.
 */
function validateTemplateForRC(template: PodTemplateSpec | undefined, selector: Record<string, string>, path: string): FieldError[] {
  if (!template) return [field.required(path)];
  const errs: FieldError[] = [];
  const labels = template.metadata?.labels;
  if (Object.keys(selector).length > 0 && !mapMatches(selector, labels)) {
    errs.push(field.invalid(`${path}.metadata.labels`, new field.GoValue(formatLabelMap(labels)), '`selector` does not match template `labels`'));
  }
  errs.push(...validateReplicaTemplate(template, path, 'ReplicationController'));
  return errs;
}

/** ValidateReplicationControllerSpec at `spec`: non-negative counts, a non-empty selector, a valid template. */
function validateSpec(rc: ReplicationController): FieldError[] {
  const spec = rc.spec;
  if (!spec) return [field.required('spec.selector'), field.required('spec.template')];
  const selector = spec.selector ?? {};
  const errs = validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds');
  if (Object.keys(selector).length === 0) errs.push(field.required('spec.selector'));
  else errs.push(...validateLabels(selector, 'spec.selector'));
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateTemplateForRC(spec.template, selector, 'spec.template'));
  return errs;
}

/** ValidateReplicationController. */
export function validateReplicationController(rc: ReplicationController): FieldError[] {
  return [...validateObjectMeta(rc.metadata, true, nameIsDNSSubdomain), ...validateSpec(rc)];
}

/** ValidateReplicationControllerUpdate: metadata update rules and the spec rules (the selector may change). */
export function validateReplicationControllerUpdate(rc: ReplicationController, old: ReplicationController): FieldError[] {
  return [...validateObjectMetaUpdate(rc.metadata, old.metadata), ...validateSpec(rc)];
}

/**
 * SetDefaults_ReplicationController: with template labels, an empty selector and empty object labels default to
 * them; replicas defaults to 1; the template gets the pod-spec defaults.
 */
export function defaultReplicationController(rc: ReplicationController): void {
  rc.spec ??= {};
  const labels = rc.spec.template?.metadata?.labels;
  if (labels) {
    if (Object.keys(rc.spec.selector ?? {}).length === 0) rc.spec.selector = { ...labels };
    if (Object.keys(rc.metadata.labels ?? {}).length === 0) rc.metadata.labels = { ...labels };
  }
  rc.spec.replicas ??= 1;
  defaultPodTemplate(rc.spec.template);
}

/** The core/v1 replicationcontrollers Strategy. */
export const replicationControllerStrategy: Strategy<ReplicationController> = {
  info: replicationControllerInfo,
  subresources: { scale: scaleSubresourceFor(labelMapSelectorString) },
  ...generationLifecycle<ReplicationController>({ defaults: defaultReplicationController, initialStatus: () => ({ replicas: 0 }) }),
  validate: validateReplicationController,
  validateUpdate: validateReplicationControllerUpdate,
  // ValidateReplicationControllerStatus has ValidateReplicaSetStatus's rules and messages.
  validateStatusUpdate: (rc, old) => validateReplicaSetStatusUpdate(rc as unknown as ReplicaSet, old as unknown as ReplicaSet),
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Desired', 'integer', 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller'),
      column('Current', 'integer', 'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller'),
      column('Ready', 'integer', 'The number of ready replicas for this replication controller.'),
      AGE_COLUMN,
      column('Containers', 'string', 'Names of each container in the template.', 1),
      column('Images', 'string', 'Images referenced by each container in the template.', 1),
      column('Selector', 'string', 'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', 1),
    ],
    cells: (rc, now) => [
      rc.metadata.name ?? '',
      rc.spec?.replicas ?? 0,
      rc.status?.replicas ?? 0,
      rc.status?.readyReplicas ?? 0,
      translateTimestampSince(rc.metadata.creationTimestamp, now),
      ...containerCells(rc.spec?.template),
      formatLabels(rc.spec?.selector),
    ],
  },
};

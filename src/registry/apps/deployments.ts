/**
 * The apps/v1 deployments strategy: defaulting, generation, validation, status/spec separation, the scale
 * subresource, and the NAME READY UP-TO-DATE AVAILABLE AGE table.
 *
 * Mirrors `pkg/registry/apps/deployment/strategy.go`, `pkg/apis/apps/v1/defaults.go` SetDefaults_Deployment,
 * `pkg/apis/apps/validation` ValidateDeployment / ValidateDeploymentUpdate / ValidateDeploymentStatus and
 * `pkg/printers/internalversion/printers.go` printDeployment.
 */
import { translateTimestampSince } from '../../api/duration.js';
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta.js';
import type { IntOrString } from '../../api/types.js';
import type { Deployment, DeploymentStrategy } from '../../api/workloads.js';
import { generationLifecycle } from '../spec-status.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';
import { defaultPodTemplate, formatSelector, templateCells, validateSelectorAndTemplate } from './pod-template.js';
import { validateNonNegative } from './replicasets.js';
import { scaleSubresource } from './scale.js';

/** Discovery facts of apps/v1 deployments. */
export const deploymentInfo: ResourceInfo = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  singular: 'deployment',
  kind: 'Deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status', 'scale'],
};

/** SetDefaults_Deployment: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600. */
export function defaultDeployment(d: Deployment): void {
  d.spec ??= {} as Deployment['spec'];
  const spec = d.spec;
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ||= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

const PERCENT = /^[0-9]+%$/;

/** The IntOrString value of maxSurge/maxUnavailable as a number or percent; undefined when it is not valid. */
function intOrPercent(v: IntOrString): { n: number; percent: boolean } | undefined {
  if (typeof v === 'number') return { n: v, percent: false };
  if (!PERCENT.test(v)) return undefined;
  return { n: Number(v.slice(0, -1)), percent: true };
}

/** ValidatePositiveIntOrPercent + IsNotMoreThan100Percent of one rollingUpdate field. */
function validateIntOrPercent(v: IntOrString | undefined, path: string, max100: boolean): FieldError[] {
  if (v === undefined) return [];
  const parsed = intOrPercent(v);
  if (!parsed) {
    return [field.invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  }
  if (parsed.n < 0) return [field.invalid(path, v, 'must be greater than or equal to 0')];
  if (max100 && parsed.percent && parsed.n > 100) return [field.invalid(path, v, 'must not be greater than 100%')];
  return [];
}

function isZero(v: IntOrString | undefined): boolean {
  if (v === undefined) return false;
  const p = intOrPercent(v);
  return p !== undefined && p.n === 0;
}

/** ValidateDeploymentStrategy. */
function validateStrategy(s: DeploymentStrategy | undefined, path: string): FieldError[] {
  if (!s) return [];
  const errs: FieldError[] = [];
  switch (s.type) {
    case 'Recreate':
      if (s.rollingUpdate) errs.push(field.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!ru) {
        errs.push(field.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil'));
        break;
      }
      const p = `${path}.rollingUpdate`;
      errs.push(...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`, true));
      errs.push(...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`, false));
      if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
        errs.push(field.invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      break;
    }
    default:
      errs.push(field.notSupported(`${path}.type`, s.type ?? '', ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

/** ValidateDeployment. */
export function validateDeployment(d: Deployment): FieldError[] {
  const errs = validateObjectMeta(d.metadata, true, nameIsDNSSubdomain);
  const spec = d.spec;
  if (!spec) return [...errs, field.required('spec.selector')];
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelectorAndTemplate(spec.selector, spec.template, 'deployment', 'spec'));
  errs.push(...validateStrategy(spec.strategy, 'spec.strategy'));
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...validateNonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(field.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

/** ValidateDeploymentUpdate: the selector is immutable in apps/v1. */
export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  const errs = validateObjectMetaUpdate(d.metadata, old.metadata);
  errs.push(...validateDeployment(d).filter((e) => !e.field.startsWith('metadata.')));
  if (JSON.stringify(d.spec?.selector ?? null) !== JSON.stringify(old.spec?.selector ?? null)) {
    errs.push(field.invalid('spec.selector', new field.GoValue(formatSelector(d.spec?.selector)), 'field is immutable'));
  }
  return errs;
}

/** ValidateDeploymentStatus: counts non-negative and consistent. */
export function validateDeploymentStatusUpdate(d: Deployment, old: Deployment): FieldError[] {
  const errs = validateObjectMetaUpdate(d.metadata, old.metadata);
  const st = d.status ?? {};
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'] as const) {
    errs.push(...validateNonNegative(st[k], `status.${k}`));
  }
  const replicas = st.replicas ?? 0;
  if ((st.updatedReplicas ?? 0) > replicas) errs.push(field.invalid('status.updatedReplicas', st.updatedReplicas, 'cannot be greater than status.replicas'));
  if ((st.readyReplicas ?? 0) > replicas) errs.push(field.invalid('status.readyReplicas', st.readyReplicas, 'cannot be greater than status.replicas'));
  if ((st.availableReplicas ?? 0) > replicas) errs.push(field.invalid('status.availableReplicas', st.availableReplicas, 'cannot be greater than status.replicas'));
  if ((st.availableReplicas ?? 0) > (st.readyReplicas ?? 0)) errs.push(field.invalid('status.availableReplicas', st.availableReplicas, 'cannot be greater than readyReplicas'));
  return errs;
}

/** The apps/v1 deployments Strategy. */
export const deploymentStrategy: Strategy<Deployment> = {
  info: deploymentInfo,
  subresources: { scale: scaleSubresource },
  // A change of the spec is a new generation (strategy.go PrepareForUpdate).
  ...generationLifecycle<Deployment>({ defaults: defaultDeployment, initialStatus: () => ({}) }),
  validate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
  validateStatusUpdate: validateDeploymentStatusUpdate,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Ready', 'string', 'Number of the pod with ready state'),
      column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE_COLUMN,
      column('Containers', 'string', 'Names of each container in the template.', 1),
      column('Images', 'string', 'Images referenced by each container in the template.', 1),
      column('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
    ],
    cells: (d, now) => [
      d.metadata.name ?? '',
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      translateTimestampSince(d.metadata.creationTimestamp, now),
      ...templateCells(d.spec?.template, d.spec?.selector),
    ],
  },
};

/**
 * The multi-container lint's entry points: every check over one pod spec, and the pod specs of any object
 * (a Pod, or the pod template of a Deployment, ReplicaSet and the other workload kinds). Pure: no I/O, api-only.
 */
import { checkBlockingInitContainers, checkSidecarOrder } from './init-containers.js';
import { checkOverlappingMounts } from './mounts.js';
import { podModel } from './pod-model.js';
import { checkPortConflicts } from './ports.js';
import { checkReadOnlyEmptyDirs, checkReadOnlyWrites, checkUnmountedVolumes, checkWritersWithoutMount } from './volumes.js';
import { formatWarning, warningFieldPath, type LintWarning } from './warning.js';

export { formatWarning, LINT_CODES, warningFieldPath, type LintCode, type LintWarning } from './warning.js';

/**
 * Every multi-container warning of `spec` (a core/v1 PodSpec, or any value: malformed parts read as empty), each
 * field path starting with `fieldPath` (`spec` for a Pod, `spec.template.spec` for a Deployment's template). In a
 * fixed order: ports, volumes, mounts, init containers; `[]` for a spec without mistakes. Never throws.
 */
export function lintPodSpec(spec: unknown, fieldPath = 'spec'): LintWarning[] {
  const pod = podModel(spec, fieldPath);
  return [
    ...checkPortConflicts(pod),
    ...checkUnmountedVolumes(pod),
    ...checkWritersWithoutMount(pod),
    ...checkReadOnlyWrites(pod),
    ...checkReadOnlyEmptyDirs(pod),
    ...checkOverlappingMounts(pod),
    ...checkBlockingInitContainers(pod),
    ...checkSidecarOrder(pod),
  ];
}

/**
 * lintPodSpec's warnings as one-line texts (formatWarning): what the API server sends as `Warning` headers. The
 * shape of the registry's `podSpecWarnings` hook, which cli/server.ts sets to this.
 */
export function podSpecWarningTexts(spec: unknown, fieldPath: string): string[] {
  return lintPodSpec(spec, fieldPath).map(formatWarning);
}

/** The reason of the Warning events that carry the lint's warnings on a pod. */
export const LINT_EVENT_REASON = 'MultiContainerLint';

/**
 * The Warning events a pod's lint warnings become: reason MultiContainerLint, the warning's one-line text as the
 * message, and the container it is about as `fieldPath` (`spec.containers{app2}`). The shape of the kubelet's
 * `podWarnings` hook, which cli/server.ts sets to this.
 */
export function podLintEvents(pod: { spec?: unknown }): { reason: string; message: string; fieldPath?: string }[] {
  return lintPodSpec(pod.spec, 'spec').map((w) => {
    const fieldPath = warningFieldPath(w);
    return { reason: LINT_EVENT_REASON, message: formatWarning(w), ...(fieldPath ? { fieldPath } : {}) };
  });
}

/** Kinds whose pod template is at `spec.template` (apps/v1, batch/v1 Job, core/v1 ReplicationController). */
const TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController']);

const record = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/**
 * The pod specs inside `obj` with their field paths: a Pod's `spec`; `spec.template.spec` of Deployments,
 * ReplicaSets, StatefulSets, DaemonSets, Jobs and ReplicationControllers; a PodTemplate's `template.spec`; a
 * CronJob's `spec.jobTemplate.spec.template.spec`. `[]` for other kinds (Lists: see lintObject).
 */
export function podSpecsOf(obj: unknown): { fieldPath: string; spec: unknown }[] {
  const o = record(obj);
  const kind = o?.['kind'];
  const spec = record(o?.['spec']);
  const at = (value: unknown, fieldPath: string) => (record(value) ? [{ fieldPath, spec: value }] : []);
  if (kind === 'Pod') return at(spec, 'spec');
  if (typeof kind === 'string' && TEMPLATE_KINDS.has(kind)) return at(record(spec?.['template'])?.['spec'], 'spec.template.spec');
  if (kind === 'PodTemplate') return at(record(o?.['template'])?.['spec'], 'template.spec');
  if (kind === 'CronJob') return at(record(record(record(spec?.['jobTemplate'])?.['spec'])?.['template'])?.['spec'], 'spec.jobTemplate.spec.template.spec');
  return [];
}

/** Every warning of every pod spec in `obj`; a `List`'s items are linted in turn (field paths `items[i].…`). */
export function lintObject(obj: unknown): LintWarning[] {
  const o = record(obj);
  if (o?.['kind'] === 'List' || (typeof o?.['kind'] === 'string' && o['kind'].endsWith('List') && Array.isArray(o['items']))) {
    return (o['items'] as unknown[]).flatMap((item, i) => lintObject(item).map((w) => ({ ...w, field: `items[${i}].${w.field}` })));
  }
  return podSpecsOf(obj).flatMap(({ fieldPath, spec }) => lintPodSpec(spec, fieldPath));
}

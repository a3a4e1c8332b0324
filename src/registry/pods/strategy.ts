/**
 * The pods strategy: defaulting, create/update/status preparation, validation, graceful delete, printing.
 *
 * Mirrors `pkg/registry/core/pod/strategy.go` (podStrategy, podStatusStrategy, CheckGracefulDelete,
 * ToSelectableFields, applySchedulingGatedCondition) on top of the v1 defaulters and admission defaults.
 */
import { rfc3339 } from '../../api/meta.js';
import type { DeleteOptions, Pod } from '../../api/types.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { applyCreateAdmissionDefaults, applyPodDefaults, applyUpdateAdmissionDefaults } from './defaults.js';
import { podTable } from './printer.js';
import { ephemeralContainersSubresource } from './ephemeral-containers.js';
import { podProxy } from './proxy.js';
import { podSubresources } from './subresources.js';
import { computePodQOS } from './qos.js';
import { validatePodCreate, validatePodStatusUpdate, validatePodUpdate } from './validation.js';

/** Discovery facts of core/v1 pods. */
export const podInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'pods',
  singular: 'pod',
  kind: 'Pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status', 'log', 'exec', 'binding', 'attach', 'portforward', 'proxy', 'ephemeralcontainers'],
};

/**
 * CheckGracefulDelete: the grace period in seconds for deleting `pod` — options.gracePeriodSeconds,
 * else spec.terminationGracePeriodSeconds (0 when unset); 0 when unscheduled or already terminal;
 * negative values become 1.
 */
export function podGracePeriod(pod: Pod, options: DeleteOptions): number {
  let period = options.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
  if (!pod.spec?.nodeName) period = 0;
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') period = 0;
  if (period < 0) period = 1;
  return period;
}

/** ToSelectableFields of a pod (field selectors supported on pods). */
export function podSelectableFields(pod: Pod): Record<string, string> {
  return {
    'metadata.name': pod.metadata.name ?? '',
    'metadata.namespace': pod.metadata.namespace ?? '',
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(pod.spec?.hostNetwork === true),
    'status.phase': pod.status?.phase ?? '',
    'status.podIP': pod.status?.podIPs?.[0]?.ip ?? '',
    'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
  };
}

/**
 * podStrategy.PrepareForCreate (after defaulting and create-time admission): status reset to
 * {phase: Pending, qosClass}, a SchedulingGated PodScheduled condition when gates exist, and a
 * negative terminationGracePeriodSeconds raised to 1.
 */
export function preparePodForCreate(pod: Pod, now: Date = new Date()): void {
  applyPodDefaults(pod);
  applyCreateAdmissionDefaults(pod);
  if ((pod.spec.terminationGracePeriodSeconds ?? 0) < 0) pod.spec.terminationGracePeriodSeconds = 1;
  pod.status = { phase: 'Pending', qosClass: computePodQOS(pod) };
  if ((pod.spec.schedulingGates ?? []).length > 0) {
    pod.status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
        lastProbeTime: null,
        lastTransitionTime: rfc3339(now),
      },
    ];
  }
}

/**
 * podStatusStrategy.PrepareForUpdate: spec, ownerReferences and deletion fields come from `old`; a
 * missing qosClass is backfilled from `old`.
 */
export function preparePodForStatusUpdate(pod: Pod, old: Pod): void {
  pod.spec = old.spec;
  const meta = pod.metadata;
  const setOrDelete = <K extends 'ownerReferences' | 'deletionTimestamp' | 'deletionGracePeriodSeconds'>(k: K): void => {
    if (old.metadata[k] === undefined) delete meta[k];
    else meta[k] = old.metadata[k];
  };
  setOrDelete('ownerReferences');
  setOrDelete('deletionTimestamp');
  setOrDelete('deletionGracePeriodSeconds');
  pod.status ??= {};
  if (!pod.status.qosClass && old.status?.qosClass) pod.status.qosClass = old.status.qosClass;
}

/** The core/v1 pods Strategy. */
export const podStrategy: Strategy<Pod> = {
  info: podInfo,
  returnDeletedObject: true,
  subresources: { ...podSubresources, proxy: podProxy, ephemeralcontainers: ephemeralContainersSubresource },
  prepareForCreate: (pod) => preparePodForCreate(pod),
  prepareForUpdate(pod, old) {
    applyPodDefaults(pod);
    applyUpdateAdmissionDefaults(pod, old);
    if (old.status === undefined) delete pod.status;
    else pod.status = old.status;
  },
  validate: validatePodCreate,
  validateUpdate: validatePodUpdate,
  prepareForStatusUpdate: preparePodForStatusUpdate,
  validateStatusUpdate: validatePodStatusUpdate,
  table: podTable,
  selectableFields: podSelectableFields,
  gracePeriod: podGracePeriod,
};

// A ReplicaSet's (or ReplicationController's) status from its pods, and the status write (replica_set_utils.go).

import { rfc3339 } from '../../api/meta.js';
import type { Pod } from '../../api/types.js';
import type { WorkloadCondition } from '../../api/services.js';
import type { ReplicaSet, ReplicaSetStatus } from '../../api/workloads.js';
import type { ApiClient } from '../../client/types.js';
import { isPodAvailable, isPodReady } from './active-pods.js';
import { REPLICASET, type ReplicaKind } from './kind.js';
import { resourcePath } from '../../api/paths.js';

/** spec.replicas with its default (1). */
export function specReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

function labelsCover(want: Record<string, string> | undefined, have: Record<string, string> | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);
}

/**
 * `calculateStatus`: replicas (the claimed active pods), fullyLabeledReplicas (pods carrying every template
 * label), readyReplicas, availableReplicas (ready for more than minReadySeconds at `nowMs`), and the
 * ReplicaFailure condition: set (FailedCreate/FailedDelete, the error's message) when managing replicas failed
 * and it is not already there, removed once managing succeeds. observedGeneration is left as it was.
 */
export function calculateStatus(rs: ReplicaSet, pods: Pod[], manageError: unknown, nowMs: number): ReplicaSetStatus {
  const minReady = rs.spec.minReadySeconds ?? 0;
  const templateLabels = rs.spec.template?.metadata?.labels;
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (labelsCover(templateLabels, pod.metadata.labels)) fully++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
    }
  }
  let conditions: WorkloadCondition[] | undefined = rs.status?.conditions ? structuredClone(rs.status.conditions) : undefined;
  const failure = conditions?.find((c) => c.type === 'ReplicaFailure');
  if (manageError !== undefined && !failure) {
    const diff = pods.length - specReplicas(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: WorkloadCondition = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(new Date(nowMs)), reason, message: (manageError as Error).message ?? String(manageError) };
    conditions = [...(conditions ?? []), cond];
  } else if (manageError === undefined && failure) {
    conditions = conditions?.filter((c) => c.type !== 'ReplicaFailure');
  }
  return omitZero({ replicas: pods.length, fullyLabeledReplicas: fully, readyReplicas: ready, availableReplicas: available, observedGeneration: rs.status?.observedGeneration ?? 0, conditions: conditions ?? [] });
}

/** Drops zero `omitempty` fields, as Go's JSON encoding of ReplicaSetStatus does (`replicas` always stays). */
function omitZero(s: Required<ReplicaSetStatus>): ReplicaSetStatus {
  const out: ReplicaSetStatus = { replicas: s.replicas };
  if (s.fullyLabeledReplicas) out.fullyLabeledReplicas = s.fullyLabeledReplicas;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.conditions.length > 0) out.conditions = s.conditions;
  return out;
}

function sameStatus(rs: ReplicaSet, s: ReplicaSetStatus): boolean {
  const cur = rs.status;
  return (
    (cur?.replicas ?? 0) === s.replicas &&
    (cur?.fullyLabeledReplicas ?? 0) === (s.fullyLabeledReplicas ?? 0) &&
    (cur?.readyReplicas ?? 0) === (s.readyReplicas ?? 0) &&
    (cur?.availableReplicas ?? 0) === (s.availableReplicas ?? 0) &&
    (rs.metadata.generation ?? 0) === (cur?.observedGeneration ?? 0) &&
    JSON.stringify(cur?.conditions ?? []) === JSON.stringify(s.conditions ?? [])
  );
}

/**
 * `updateReplicaSetStatus`: nothing to do when counts, conditions and observedGeneration (= generation) already
 * hold; otherwise PUTs `/status` with observedGeneration = metadata.generation, and on failure GETs the
 * ReplicaSet once and tries again (statusUpdateRetries = 1). Returns the ReplicaSet as written (or as it was);
 * throws the last API error. `kind` says where the object lives and converts it for the write (ReplicationControllers).
 */
export async function updateReplicaSetStatus(client: ApiClient, rs: ReplicaSet, status: ReplicaSetStatus, kind: ReplicaKind = REPLICASET): Promise<ReplicaSet> {
  if (sameStatus(rs, status)) return rs;
  const next: ReplicaSetStatus = { ...status };
  if (rs.metadata.generation) next.observedGeneration = rs.metadata.generation;
  else delete next.observedGeneration;
  const path = resourcePath(kind.resource, { namespace: rs.metadata.namespace ?? '', name: rs.metadata.name ?? '' });
  let cur = rs;
  for (let i = 0; ; i++) {
    try {
      return kind.toReplicaSet(await client.update(`${path}/status`, kind.fromReplicaSet({ ...cur, status: next })));
    } catch (err) {
      if (i >= 1) throw err;
      cur = kind.toReplicaSet(await client.get(path));
    }
  }
}

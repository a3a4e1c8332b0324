// Rollout status and the Progressing condition: progress, completion, deadline, and the requeue that checks it (progress.go).

import { parseTime } from '../../api/meta.js';
import type { WorkloadCondition } from '../../api/services.js';
import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import { calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut, getCondition, hasProgressDeadline, newCondition, REASONS, removeCondition, sameStatus, setCondition } from './conditions.js';
import { updateStatus, type DeploymentContext } from './sync.js';

/** `ReplicaSetToDeploymentCondition`. */
function fromReplicaSetCondition(c: WorkloadCondition): WorkloadCondition {
  const out: WorkloadCondition = { type: c.type, status: c.status };
  if (c.lastTransitionTime) {
    out.lastUpdateTime = c.lastTransitionTime;
    out.lastTransitionTime = c.lastTransitionTime;
  }
  if (c.reason !== undefined) out.reason = c.reason;
  if (c.message !== undefined) out.message = c.message;
  return out;
}

/** `getReplicaFailures`: ReplicaFailure conditions of the new ReplicaSet, else of any ReplicaSet. */
function replicaFailures(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): WorkloadCondition[] {
  const of = (rs: ReplicaSet | undefined): WorkloadCondition[] => (rs?.status?.conditions ?? []).filter((c) => c.type === 'ReplicaFailure').map(fromReplicaSetCondition);
  const fromNew = of(newRS);
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(of);
}

/**
 * `requeueStuckDeployment`: a rollout that made no progress is synced again when its deadline
 * (Progressing.lastUpdateTime + progressDeadlineSeconds) passes, plus a second; when under a second remains, once
 * that time is up (upstream requeues rate-limited, every few milliseconds).
 */
function requeueStuck(ctx: DeploymentContext, d: Deployment, status: Deployment['status']): void {
  const cond = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return;
  if (deploymentComplete(d, status ?? {}) || cond.reason === REASONS.timedOut) return;
  const after = (parseTime(cond.lastUpdateTime) ?? 0) + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - ctx.clock.now();
  ctx.enqueueAfter(d, after < 1000 ? Math.max(0, after) + 10 : after + 1000);
}

/**
 * `syncRolloutStatus`: the status of a rollout in progress. Without a deadline there is no Progressing
 * condition. Unless the rollout already completed (all replicas updated and NewReplicaSetAvailable), Progressing
 * becomes True NewReplicaSetAvailable (`ReplicaSet "X" has successfully progressed.`) when complete, True
 * ReplicaSetUpdated (`ReplicaSet "X" is progressing.`, lastUpdateTime refreshed) on progress, or False
 * ProgressDeadlineExceeded (`ReplicaSet "X" has timed out progressing.`) past the deadline. ReplicaFailure
 * conditions of ReplicaSets are carried over. Unchanged status: no write, but a requeue for the deadline.
 */
export async function syncRolloutStatus(ctx: DeploymentContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const now = ctx.clock.now();
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const isComplete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === REASONS.newRSAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const subject = newRS ? `ReplicaSet ${JSON.stringify(newRS.metadata.name ?? '')}` : `Deployment ${JSON.stringify(d.metadata.name ?? '')}`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', REASONS.newRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      const cond = newCondition('Progressing', 'True', REASONS.replicaSetUpdated, `${subject} is progressing.`, now);
      if (current) {
        if (current.status === 'True' && current.lastTransitionTime) cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition('Progressing', 'False', REASONS.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length > 0) setCondition(status, failures[0]!);
  else removeCondition(status, 'ReplicaFailure');
  if (sameStatus(d.status, status)) {
    requeueStuck(ctx, d, status);
    return;
  }
  d.status = status;
  await updateStatus(ctx, d);
}

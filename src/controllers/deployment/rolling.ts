// The RollingUpdate strategy: grow the new ReplicaSet within maxSurge, shrink old ones within maxUnavailable (rolling.go).

import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import { deploymentComplete } from './conditions.js';
import { syncRolloutStatus } from './progress.js';
import { availableReplicaCount, maxUnavailable, newRSNewReplicas, replicasOf, specReplicaCount } from './replica-math.js';
import { activeReplicaSets, byCreation } from './replica-sets.js';
import { allReplicaSets, cleanupDeployment, scaleReplicaSetAndRecordEvent, type DeploymentContext } from './sync.js';

/** `reconcileNewReplicaSet`: scales the new ReplicaSet toward spec.replicas as far as maxSurge allows (down if above). */
async function reconcileNewReplicaSet(ctx: DeploymentContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (replicasOf(newRS) === replicasOf(d)) return false;
  if (replicasOf(newRS) > replicasOf(d)) return (await scaleReplicaSetAndRecordEvent(ctx, newRS, replicasOf(d), d))[0];
  return (await scaleReplicaSetAndRecordEvent(ctx, newRS, newRSNewReplicas(d, allRSs, newRS), d))[0];
}

/** `cleanupUnhealthyReplicas`: scales old ReplicaSets down by their unavailable replicas first, oldest first, at most `max`. */
async function cleanupUnhealthyReplicas(ctx: DeploymentContext, oldRSs: ReplicaSet[], d: Deployment, max: number): Promise<[ReplicaSet[], number]> {
  oldRSs.sort(byCreation);
  let total = 0;
  for (const [i, rs] of oldRSs.entries()) {
    if (total >= max) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
    const down = Math.min(max - total, replicasOf(rs) - available);
    const [, updated] = await scaleReplicaSetAndRecordEvent(ctx, rs, replicasOf(rs) - down, d);
    total += down;
    oldRSs[i] = updated;
  }
  return [oldRSs, total];
}

/** `scaleDownOldReplicaSetsForRollingUpdate`: takes available replicas above spec.replicas - maxUnavailable from old ReplicaSets, oldest first. */
async function scaleDownOld(ctx: DeploymentContext, allRSs: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  oldRSs.sort(byCreation);
  const want = available - minAvailable;
  let total = 0;
  for (const rs of oldRSs) {
    if (total >= want) break;
    if (replicasOf(rs) === 0) continue;
    const down = Math.min(replicasOf(rs), want - total);
    await scaleReplicaSetAndRecordEvent(ctx, rs, replicasOf(rs) - down, d);
    total += down;
  }
  return total;
}

/**
 * `reconcileOldReplicaSets`: old ReplicaSets may shrink by all pods - minAvailable - the new ReplicaSet's
 * unavailable pods; unhealthy replicas go first, then available ones while availability stays at spec.replicas
 * - maxUnavailable. Failures of these scale-downs are not reported (upstream returns false, nil).
 */
async function reconcileOldReplicaSets(ctx: DeploymentContext, allRSs: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (specReplicaCount(oldRSs) === 0) return false;
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicaCount(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  try {
    const [cleaned, cleanupCount] = await cleanupUnhealthyReplicas(ctx, oldRSs, d, maxScaledDown);
    const scaledDown = await scaleDownOld(ctx, [...cleaned, newRS], cleaned, d);
    return cleanupCount + scaledDown > 0;
  } catch {
    return false;
  }
}

/**
 * `rolloutRolling`: creates the new ReplicaSet if needed, then in one step either scales it up, or scales old
 * ones down, or (rollout complete) trims history; the rollout status is written after each.
 */
export async function rolloutRolling(ctx: DeploymentContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await allReplicaSets(ctx, d, rsList, true);
  const allRSs = [...oldRSs, newRS];
  if (!newRS) return;
  if (await reconcileNewReplicaSet(ctx, allRSs, newRS, d)) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(ctx, allRSs, activeReplicaSets(oldRSs), newRS, d)) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, oldRSs, d);
  await syncRolloutStatus(ctx, allRSs, newRS, d);
}

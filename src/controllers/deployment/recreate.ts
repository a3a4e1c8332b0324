// The Recreate strategy: scale every old ReplicaSet to zero, wait until no old pod runs, then scale up the new one (recreate.go).

import type { Pod } from '../../api/types.js';
import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import { deploymentComplete } from './conditions.js';
import { syncRolloutStatus } from './progress.js';
import { actualReplicaCount, replicasOf } from './replica-math.js';
import { activeReplicaSets } from './replica-sets.js';
import { allReplicaSets, cleanupDeployment, scaleReplicaSetAndRecordEvent, type DeploymentContext } from './sync.js';

/**
 * `oldPodsRunning`: an old ReplicaSet still reports replicas, or a pod of one (by controllerRef) is not
 * Succeeded or Failed (Unknown counts as running).
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: Map<string, Pod[]>): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

/**
 * `rolloutRecreate`: old ReplicaSets go to 0 first (the status is written and the sync ends there); while an
 * old pod runs nothing else happens; then the new ReplicaSet is created if needed and scaled to spec.replicas,
 * history is trimmed once complete, and the rollout status is written.
 */
export async function rolloutRecreate(ctx: DeploymentContext, d: Deployment, rsList: ReplicaSet[], podMap: Map<string, Pod[]>): Promise<void> {
  let { newRS, oldRSs } = await allReplicaSets(ctx, d, rsList, false);
  let allRSs: (ReplicaSet | undefined)[] = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    const [scaled] = await scaleReplicaSetAndRecordEvent(ctx, rs, 0, d);
    scaledDown ||= scaled;
  }
  if (scaledDown || oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await allReplicaSets(ctx, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) await scaleReplicaSetAndRecordEvent(ctx, newRS, replicasOf(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, oldRSs, d);
  await syncRolloutStatus(ctx, allRSs, newRS, d);
}

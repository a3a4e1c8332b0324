// Replica arithmetic of Deployments: maxSurge/maxUnavailable, the new ReplicaSet's size, proportional scaling (deployment_util.go).

import type { IntOrString } from '../../api/types.js';
import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import { maxReplicasAnnotation } from './revisions.js';

/** spec.replicas of a Deployment or ReplicaSet (default 1). */
export function replicasOf(obj: Deployment | ReplicaSet): number {
  return obj.spec.replicas ?? 1;
}

/** `IsRollingUpdate`. */
export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/**
 * intstr `GetScaledValueFromIntOrPercent`: an int as is, `N%` of `total` rounded up or down. Throws
 * `invalid value for IntOrString: ...` for other strings.
 */
export function scaledValue(v: IntOrString, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw new Error('invalid value for IntOrString: invalid type: string is not a percentage');
  const digits = v.slice(0, -1);
  if (!/^[+-]?\d+$/.test(digits)) throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}: strconv.Atoi: parsing ${JSON.stringify(digits)}: invalid syntax`);
  const x = (Number(digits) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/**
 * `ResolveFenceposts`: maxSurge rounded up and maxUnavailable rounded down against `desired` (absent values
 * count as 0); when both resolve to 0, maxUnavailable becomes 1.
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): [surge: number, unavailable: number] {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

/** `MaxUnavailable`: 0 unless rolling with replicas; never more than spec.replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  const [, unavailable] = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas);
  return Math.min(unavailable, replicas);
}

/** `MaxSurge`: 0 unless rolling. */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d))[0];
}

type MaybeRS = ReplicaSet | undefined;

/** `GetReplicaCountForReplicaSets`: the sum of spec.replicas. */
export function specReplicaCount(rss: MaybeRS[]): number {
  return rss.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0);
}

/** `GetActualReplicaCountForReplicaSets`: the sum of status.replicas. */
export function actualReplicaCount(rss: MaybeRS[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
}

/** `GetReadyReplicaCountForReplicaSets`. */
export function readyReplicaCount(rss: MaybeRS[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
}

/** `GetAvailableReplicaCountForReplicaSets`. */
export function availableReplicaCount(rss: MaybeRS[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);
}

/**
 * `NewRSNewReplicas`: for RollingUpdate, the new ReplicaSet grows by what maxSurge leaves above the sum of all
 * ReplicaSets' spec.replicas, never past spec.replicas; for Recreate it gets spec.replicas at once.
 */
export function newRSNewReplicas(d: Deployment, allRSs: MaybeRS[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge ?? 0, replicasOf(d), true);
  const current = specReplicaCount(allRSs);
  const maxTotal = replicasOf(d) + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  const up = Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
  return replicasOf(newRS) + up;
}

/** `IsSaturated`: the ReplicaSet has, wants (desired-replicas annotation) and has available all of spec.replicas. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'];
  if (desired === undefined || !/^[+-]?\d+$/.test(desired)) return false;
  const want = replicasOf(d);
  return replicasOf(rs) === want && Number(desired) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** `getReplicaSetFraction`: this ReplicaSet's share of a scaling event, from its max-replicas annotation. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  const size = (replicasOf(rs) * deploymentReplicas) / annotated;
  return roundHalfAway(size) - replicasOf(rs);
}

/**
 * `GetProportion`: how many replicas `rs` gains (or loses) in a proportional scale of `toAdd` replicas of
 * which `added` were handed out already; bounded by what is left.
 */
export function proportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

// Which pods count for a ReplicaSet (active, ready, available) and which to delete first when scaling down.

import { parseTime } from '../../api/meta.js';
import type { Pod, PodCondition } from '../../api/types.js';

/** `controller.IsPodActive`: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** The pod's Ready condition, if any. */
export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** `podutil.IsPodReady`: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * `podutil.IsPodAvailable`: ready, and (minReadySeconds 0, or ready since strictly more than minReadySeconds
 * before `nowMs`, by the Ready condition's lastTransitionTime).
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = parseTime(podReadyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < nowMs;
}

/** The `controller.kubernetes.io/pod-deletion-cost` annotation (0 when absent or not an int32). */
export function podDeletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'];
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) return 0;
  const n = Number(v.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** Restart counts of regular containers and of restartable (sidecar) init containers, highest of each. */
function maxRestarts(pod: Pod): [regular: number, sidecar: number] {
  const regular = Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
  const sidecars = new Set((pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const sidecar = Math.max(0, ...(pod.status?.initContainerStatuses ?? []).filter((c) => sidecars.has(c.name)).map((c) => c.restartCount ?? 0));
  return [regular, sidecar];
}

/** `afterOrZero`: t1 after t2, a zero (undefined) time counting as after any other. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** `logarithmicRankDiff`: difference of floor(log2(age in ns)) of two timestamps (ms), -1 for non-positive ages. */
function logRankDiff(t1: number, t2: number, nowMs: number): number {
  const rank = (t: number): number => {
    const ns = (nowMs - t) * 1e6;
    return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
  };
  return rank(t1) - rank(t2);
}

function readyTime(pod: Pod): number | undefined {
  const c = podReadyCondition(pod);
  return c?.status === 'True' ? parseTime(c.lastTransitionTime) : undefined;
}

/**
 * `ActivePodsWithRanks.Less` (LogarithmicScaleDown and PodDeletionCost on, their defaults since 1.22): true when
 * `a` should be deleted before `b`. In order: unassigned before assigned; Pending < Unknown < Running; not ready
 * before ready; lower pod-deletion-cost first; more pods of the same owner on its node first (`rank`); ready
 * more recently first (by log2 buckets of age, ties by uid); more restarts first (regular, then sidecar);
 * newer first (log2 buckets, ties by uid).
 */
export function deleteBefore(a: Pod, rankA: number, b: Pod, rankB: number, nowMs: number): boolean {
  const na = a.spec.nodeName ?? '';
  const nb = b.spec.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const pa = PHASE_ORDINAL[a.status?.phase ?? ''] ?? 0;
  const pb = PHASE_ORDINAL[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  const ca = podDeletionCost(a);
  const cb = podDeletionCost(b);
  if (ca !== cb) return ca < cb;
  if (rankA !== rankB) return rankA > rankB;
  const uidLess = (): boolean => (a.metadata.uid ?? '') < (b.metadata.uid ?? '');
  if (ra && rb) {
    const ta = readyTime(a);
    const tb = readyTime(b);
    if (ta !== tb) {
      if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
      const d = logRankDiff(ta, tb, nowMs);
      return d === 0 ? uidLess() : d < 0;
    }
  }
  const [rega, sidea] = maxRestarts(a);
  const [regb, sideb] = maxRestarts(b);
  if (rega !== regb) return rega > regb;
  if (sidea !== sideb) return sidea > sideb;
  const ta = parseTime(a.metadata.creationTimestamp);
  const tb = parseTime(b.metadata.creationTimestamp);
  if (ta !== tb) {
    if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
    const d = logRankDiff(ta, tb, nowMs);
    return d === 0 ? uidLess() : d < 0;
  }
  return false;
}

/**
 * `getPodsToDelete`: the first `diff` of `pods` in deletion order. Each pod's rank is the number of active
 * `related` pods (those of every ReplicaSet with the same controller) on its node, so doubled-up nodes shed
 * pods first. All pods are returned unsorted when all must go.
 */
export function podsToDelete(pods: Pod[], related: Pod[], diff: number, nowMs: number): Pod[] {
  if (diff >= pods.length) return pods.slice(0, diff);
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec.nodeName ?? '', (onNode.get(p.spec.nodeName ?? '') ?? 0) + 1);
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec.nodeName ?? '') ?? 0 }));
  ranked.sort((x, y) => (deleteBefore(x.pod, x.rank, y.pod, y.rank, nowMs) ? -1 : deleteBefore(y.pod, y.rank, x.pod, x.rank, nowMs) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.pod);
}

// Sorting and picking a Deployment's ReplicaSets: the new one (same template), old ones, active ones (controller_utils.go, deployment_util.go).

import { parseTime } from '../../api/meta.js';
import type { Deployment, LabelSelector, ReplicaSet } from '../../api/workloads.js';
import { equalIgnoreHash } from './hash.js';
import { replicasOf } from './replica-math.js';
import { revisionOf } from './revisions.js';

/** `ReplicaSetsByCreationTimestamp`: older first, then by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = parseTime(a.metadata.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** `ReplicaSetsBySizeOlder`: larger first, then older first. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(a) === replicasOf(b) ? byCreation(a, b) : replicasOf(b) - replicasOf(a);
}

/** `ReplicaSetsBySizeNewer`: larger first, then newer first. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(a) === replicasOf(b) ? byCreation(b, a) : replicasOf(b) - replicasOf(a);
}

/** `ReplicaSetsByRevision`: lower revision first; unparsable or equal revisions by creation. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  let ra: bigint;
  let rb: bigint;
  try {
    ra = revisionOf(a);
    rb = revisionOf(b);
  } catch {
    return byCreation(a, b);
  }
  return ra === rb ? byCreation(a, b) : ra < rb ? -1 : 1;
}

/** `FilterActiveReplicaSets`: those with spec.replicas > 0. */
export function activeReplicaSets(rss: (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0);
}

/** `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's, pod-template-hash aside. Sorts `rsList` in place. */
export function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  rsList.sort(byCreation);
  return rsList.find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** `FindOldReplicaSets`: [old ones with replicas, all old ones]. */
export function findOldReplicaSets(d: Deployment, rsList: ReplicaSet[]): [ReplicaSet[], ReplicaSet[]] {
  const newRS = findNewReplicaSet(d, rsList);
  const all = rsList.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
  return [all.filter((rs) => replicasOf(rs) !== 0), all];
}

/**
 * `FindActiveOrLatest`: the only ReplicaSet with replicas, or the newest one when none has any; undefined when
 * several have replicas (they scale proportionally). Sorts `oldRSs` newest first, in place, as upstream.
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  oldRSs.sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...oldRSs, newRS]);
  if (active.length === 0) return newRS ?? oldRSs[0];
  return active.length === 1 ? active[0] : undefined;
}

/** `CloneSelectorAndAddLabel`. */
export function selectorWithLabel(sel: LabelSelector, key: string, value: string): LabelSelector {
  const out = structuredClone(sel);
  out.matchLabels = { ...(out.matchLabels ?? {}), [key]: value };
  return out;
}

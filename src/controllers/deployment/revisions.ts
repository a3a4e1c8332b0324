// Revision and replica annotations of Deployments and their ReplicaSets (deployment_util.go).

import type { KubeObject } from '../../api/types.js';
import type { Deployment, ReplicaSet } from '../../api/workloads.js';

/** The rollout sequence number of a ReplicaSet, copied to its Deployment. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Earlier revisions a ReplicaSet served (set when a rollback makes an old ReplicaSet new again). */
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
/** spec.replicas of the Deployment when the ReplicaSet was last scaled. */
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** spec.replicas + maxSurge of the Deployment when the ReplicaSet was last scaled. */
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** The annotation that round-trips extensions/v1beta1 `spec.rollbackTo.revision`. */
export const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Upstream keeps at most this many characters of revision history (maxRevHistoryLengthInChars). */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** Annotations a Deployment does not pass on to its ReplicaSets (`annotationsToSkip`). */
const SKIPPED = new Set([LAST_APPLIED, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, DEPRECATED_ROLLBACK_TO]);

/** `skipCopyAnnotation`. */
export function skipCopyAnnotation(key: string): boolean {
  return SKIPPED.has(key);
}

/** strconv.ParseInt(s, 10, 64) for the values these annotations hold; undefined when not an integer. */
function parseInt64(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** The int64 range of strconv.ParseInt. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * strconv.ParseInt(s, 10, 64) exactly, as a bigint: revisions are int64 and may exceed 2^53 (the e2e suite adopts a
 * ReplicaSet at revision 3546343826724306000 and expects the next one to be ...001); undefined when not an integer
 * or out of range.
 */
function parseRevision(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** `Revision`: the revision annotation (0 when absent), an int64; throws for one that is not an integer. */
export function revisionOf(obj: KubeObject): bigint {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0n;
  const n = parseRevision(v);
  if (n === undefined) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return n;
}

function revisions(rss: (ReplicaSet | undefined)[]): bigint[] {
  const out: bigint[] = [];
  for (const rs of rss) {
    if (!rs) continue;
    try {
      out.push(revisionOf(rs));
    } catch {
      // Upstream skips ReplicaSets whose revision does not parse.
    }
  }
  return out;
}

/** `MaxRevision` (0 without ReplicaSets). */
export function maxRevision(rss: (ReplicaSet | undefined)[]): bigint {
  return revisions(rss).reduce((max, v) => (v > max ? v : max), 0n);
}

/** `LastRevision`: the second highest revision (what `rollout undo` goes back to). */
export function lastRevision(rss: (ReplicaSet | undefined)[]): bigint {
  let max = 0n;
  let second = 0n;
  for (const v of revisions(rss)) {
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) second = v;
  }
  return second;
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v === undefined ? undefined : parseInt64(v);
}

/** `GetDesiredReplicasAnnotation`. */
export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

/** `getMaxReplicasAnnotation`. */
export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}

/** `SetReplicasAnnotations`: sets desired-replicas and max-replicas on `rs`; true when either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let updated = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    updated = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    updated = true;
  }
  return updated;
}

/** `ReplicasAnnotationsNeedUpdate`. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations;
  return !a || a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** `copyDeploymentAnnotationsToReplicaSet`: the Deployment's annotations but the skipped ones; true when any changed. */
function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || (Object.hasOwn(a, k) && a[k] === v)) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * `SetNewReplicaSetAnnotations`: copies the Deployment's annotations (but the skipped ones) onto `rs`, raises
 * its revision to `newRevision` when lower (keeping the old one in revision-history, trimmed from the front to
 * `limitChars`), and, for a ReplicaSet about to be created, sets desired/max replicas. Returns true when an
 * annotation changed; false, as upstream, when the existing revision is not an integer.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean, limitChars: number, maxReplicas: number): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const hadRevision = Object.hasOwn(a, REVISION_ANNOTATION);
  const oldRevision = a[REVISION_ANNOTATION] ?? '';
  let oldInt = parseRevision(oldRevision);
  if (oldInt === undefined) {
    if (oldRevision !== '') return false;
    oldInt = 0n;
  }
  const newInt = parseRevision(newRevision);
  if (newInt === undefined) return false;
  if (oldInt < newInt) {
    a[REVISION_ANNOTATION] = newRevision;
    changed = true;
  }
  if (hadRevision && oldInt < newInt) {
    const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
    const old = history.split(',');
    if (old[0]!.length === 0) a[REVISION_HISTORY_ANNOTATION] = oldRevision;
    else {
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > limitChars && start < old.length) {
        total -= old[start]!.length + 1;
        start++;
      }
      if (total <= limitChars) a[REVISION_HISTORY_ANNOTATION] = [...old.slice(start), oldRevision].join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOrDefault(d), maxReplicas)) changed = true;
  return changed;
}

function replicasOrDefault(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

/** `SetDeploymentRevision`: true when the Deployment's revision annotation changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = (d.metadata.annotations ??= {});
  if (a[REVISION_ANNOTATION] === revision) return false;
  a[REVISION_ANNOTATION] = revision;
  return true;
}

/** `SetDeploymentAnnotationsTo`: the Deployment keeps its skipped annotations and takes the rest from `rs` (rollback). */
export function setDeploymentAnnotationsTo(d: Deployment, rs: ReplicaSet): void {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (skipCopyAnnotation(k)) kept[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!skipCopyAnnotation(k)) kept[k] = v;
  d.metadata.annotations = kept;
}

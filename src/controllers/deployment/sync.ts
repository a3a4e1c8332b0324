// The Deployment sync steps shared by every strategy: the new ReplicaSet and revisions, scaling, history cleanup, status (sync.go).

import { isAlreadyExists, isNotFound, notFound } from '../../api/errors.js';
import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { ApiClient } from '../../client/types.js';
import type { Clock } from '../../api/clock.js';
import { controllerOf, isNamespaceTerminating, newControllerRef } from '../controller-ref.js';
import { calculateStatus, encodeStatus, getCondition, hasProgressDeadline, hasRevisionHistoryLimit, newCondition, REASONS, sameStatus, setCondition } from './conditions.js';
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from './hash.js';
import { isRollingUpdate, isSaturated, maxSurge, newRSNewReplicas, proportion, replicasOf, specReplicaCount } from './replica-math.js';
import { activeReplicaSets, byRevision, bySizeNewer, bySizeOlder, findActiveOrLatest, findNewReplicaSet, findOldReplicaSets, selectorWithLabel } from './replica-sets.js';
import { DEPRECATED_ROLLBACK_TO, desiredReplicasAnnotation, MAX_REV_HISTORY_LENGTH_IN_CHARS, maxRevision, replicasAnnotationsNeedUpdate, setDeploymentRevision, setNewReplicaSetAnnotations, setReplicasAnnotations } from './revisions.js';
import { resourcePath, RESOURCES } from '../../api/paths.js';

/** apps/v1 Deployment as a controller kind. */
export const DEPLOYMENT_KIND = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

/** What the Deployment sync steps use: the API, the events, the clock, the ReplicaSet cache, the queue. */
export interface DeploymentContext {
  client: ApiClient;
  recorder: EventRecorder;
  clock: Clock;
  /** The cached ReplicaSet `name` of `namespace` (upstream's lister). */
  cachedReplicaSet(namespace: string, name: string): ReplicaSet | undefined;
  /** Queues the Deployment again after `ms`. */
  enqueueAfter(d: Deployment, ms: number): void;
}

/** The collection path of ReplicaSets in `namespace`. */
export function replicaSetsPath(namespace: string): string {
  return resourcePath(RESOURCES.replicasets, { namespace });
}

/** The path of ReplicaSet `rs`. */
export function replicaSetPath(rs: ReplicaSet): string {
  return resourcePath(RESOURCES.replicasets, { namespace: rs.metadata.namespace ?? '', name: rs.metadata.name ?? '' });
}

/** The path of Deployment `d`. */
export function deploymentPath(d: Deployment): string {
  return resourcePath(RESOURCES.deployments, { namespace: d.metadata.namespace ?? '', name: d.metadata.name ?? '' });
}

/**
 * `UpdateStatus(d)`: PUTs the whole Deployment to `/status` (the status strategy keeps spec and labels and
 * takes the rest, so the revision annotation travels this way too). `d` takes the new resourceVersion.
 */
export async function updateStatus(ctx: DeploymentContext, d: Deployment): Promise<void> {
  const body: Deployment = { ...d, status: encodeStatus(d.status ?? {}) };
  const out = await ctx.client.update<Deployment>(`${deploymentPath(d)}/status`, body);
  if (out.metadata.resourceVersion) d.metadata.resourceVersion = out.metadata.resourceVersion;
}

/** `Update(rs)` of the main resource; returns the written ReplicaSet. */
async function updateReplicaSet(ctx: DeploymentContext, rs: ReplicaSet): Promise<ReplicaSet> {
  return ctx.client.update<ReplicaSet>(replicaSetPath(rs), rs);
}

/** spec.replicas + maxSurge: the max-replicas annotation. */
function maxReplicas(d: Deployment): number {
  return replicasOf(d) + maxSurge(d);
}

/**
 * `getNewReplicaSet`: the ReplicaSet whose template is the Deployment's, with its annotations synced (revision
 * raised past every old one, Deployment annotations copied, minReadySeconds), and the Deployment's revision
 * annotation and FoundNewReplicaSet condition brought up to date. When none exists and `create` is set, creates
 * `<name>-<pod-template-hash>` (hash of the template and collisionCount; the label on selector, template and
 * ReplicaSet) sized by {@link newRSNewReplicas}, records `Scaled up replica set NAME from 0 to N` and
 * NewReplicaSetCreated. A name taken by a ReplicaSet that is not this Deployment's bumps status.collisionCount;
 * other create failures set Progressing False ReplicaSetCreateError. Mutates `d`; throws API errors.
 */
export async function getNewReplicaSet(ctx: DeploymentContext, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
  const now = ctx.clock.now();
  d.status ??= {};
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1n);
  if (existing) {
    const rs = structuredClone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, rs, newRevision, true, MAX_REV_HISTORY_LENGTH_IN_CHARS, maxReplicas(d));
    if (annotationsUpdated || (rs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
      if (d.spec.minReadySeconds) rs.spec.minReadySeconds = d.spec.minReadySeconds;
      else delete rs.spec.minReadySeconds;
      return updateReplicaSet(ctx, rs);
    }
    let needsUpdate = setDeploymentRevision(d, rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '');
    if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
      setCondition(d.status, newCondition('Progressing', 'True', REASONS.foundNewRS, `Found new replica set ${JSON.stringify(rs.metadata.name ?? '')}`, now));
      needsUpdate = true;
    }
    if (needsUpdate) await updateStatus(ctx, d);
    return rs;
  }
  if (!create) return undefined;

  const template = structuredClone(d.spec.template);
  const hash = computeHash(template, d.status.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const name = `${d.metadata.name ?? ''}-${hash}`;
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: d.metadata.namespace ?? '', ownerReferences: [newControllerRef(d, DEPLOYMENT_KIND)], labels: { ...template.metadata.labels } },
    spec: { replicas: 0, selector: selectorWithLabel(d.spec.selector, POD_TEMPLATE_HASH_LABEL, hash), template },
  };
  if (d.spec.minReadySeconds) newRS.spec.minReadySeconds = d.spec.minReadySeconds;
  const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec.replicas = count;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false, MAX_REV_HISTORY_LENGTH_IN_CHARS, maxReplicas(d));

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await ctx.client.create<ReplicaSet>(replicaSetsPath(d.metadata.namespace ?? ''), newRS);
  } catch (err) {
    if (isAlreadyExists(err)) {
      const rs = ctx.cachedReplicaSet(d.metadata.namespace ?? '', name);
      if (!rs) throw notFound({ group: 'apps', resource: 'replicaset' }, name);
      if (controllerOf(rs)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, rs.spec.template)) {
        created = rs;
        alreadyExists = true;
      } else {
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        await updateStatus(ctx, d).catch(() => {});
        throw err;
      }
    } else if (isNamespaceTerminating(err)) {
      throw err;
    } else {
      const msg = `Failed to create new replica set ${JSON.stringify(name)}: ${(err as Error).message}`;
      if (hasProgressDeadline(d)) {
        setCondition(d.status, newCondition('Progressing', 'False', REASONS.failedRSCreate, msg, now));
        await updateStatus(ctx, d).catch(() => {});
      }
      ctx.recorder.event(d, 'Warning', REASONS.failedRSCreate, msg);
      throw err;
    }
  }
  if (!alreadyExists && count > 0) ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name ?? ''} from 0 to ${count}`);
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExists && hasProgressDeadline(d)) {
    setCondition(d.status, newCondition('Progressing', 'True', REASONS.newReplicaSet, `Created new replica set ${JSON.stringify(created.metadata.name ?? '')}`, now));
    needsUpdate = true;
  }
  if (needsUpdate) await updateStatus(ctx, d);
  return created;
}

/** `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet (created when `create`) and every old one. */
export async function allReplicaSets(ctx: DeploymentContext, d: Deployment, rsList: ReplicaSet[], create: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
  const [, oldRSs] = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(ctx, d, rsList, oldRSs, create);
  return { newRS, oldRSs };
}

/**
 * `scaleReplicaSet`: writes spec.replicas = `newScale` and the desired/max-replicas annotations when either is
 * off, recording `Scaled up|down replica set NAME from A to B` when the size changed. Returns [scaled, rs].
 */
export async function scaleReplicaSet(ctx: DeploymentContext, rs: ReplicaSet, newScale: number, d: Deployment): Promise<[boolean, ReplicaSet]> {
  const oldScale = replicasOf(rs);
  const sizeNeedsUpdate = oldScale !== newScale;
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, replicasOf(d), maxReplicas(d))) return [false, rs];
  const copy = structuredClone(rs);
  copy.spec.replicas = newScale;
  setReplicasAnnotations(copy, replicasOf(d), maxReplicas(d));
  const out = await updateReplicaSet(ctx, copy);
  if (sizeNeedsUpdate) {
    const op = oldScale < newScale ? 'up' : 'down';
    ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${out.metadata.name ?? ''} from ${oldScale} to ${newScale}`);
  }
  return [sizeNeedsUpdate, out];
}

/** `scaleReplicaSetAndRecordEvent`: {@link scaleReplicaSet} unless the size is already `newScale`. */
export async function scaleReplicaSetAndRecordEvent(ctx: DeploymentContext, rs: ReplicaSet, newScale: number, d: Deployment): Promise<[boolean, ReplicaSet]> {
  if (replicasOf(rs) === newScale) return [false, rs];
  return scaleReplicaSet(ctx, rs, newScale, d);
}

/**
 * `scale`: a scaling event (or a paused Deployment). The only active (or newest) ReplicaSet takes all of
 * spec.replicas; a saturated new ReplicaSet scales old ones to 0; otherwise, for RollingUpdate, the difference
 * to spec.replicas + maxSurge is shared proportionally (by the max-replicas annotation), larger ReplicaSets
 * first (newer first when growing, older first when shrinking), leftovers to the first.
 */
export async function scale(ctx: DeploymentContext, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) === replicasOf(d)) return;
    await scaleReplicaSetAndRecordEvent(ctx, activeOrLatest, replicasOf(d), d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(ctx, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicaCount(all);
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name ?? '', replicasOf(rs) + p);
      added += p;
    } else sizes.set(rs.metadata.name ?? '', replicasOf(rs));
  }
  for (const [i, rs] of all.entries()) {
    let size = sizes.get(rs.metadata.name ?? '') ?? 0;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await scaleReplicaSet(ctx, rs, size, d);
  }
}

/**
 * `cleanupDeployment`: deletes the oldest old ReplicaSets (by revision) beyond revisionHistoryLimit, skipping
 * any that still have or want pods, has an unobserved generation, or is being deleted.
 */
export async function cleanupDeployment(ctx: DeploymentContext, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - (d.spec.revisionHistoryLimit ?? 0);
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
    try {
      await ctx.client.delete(replicaSetPath(rs));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** `syncDeploymentStatus`: writes {@link calculateStatus} when it differs from the current status. */
export async function syncDeploymentStatus(ctx: DeploymentContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, ctx.clock.now());
  if (sameStatus(d.status, status)) return;
  d.status = status;
  await updateStatus(ctx, d);
}

/** `getRollbackTo`: the revision of the deprecated rollback annotation, if it holds an integer. */
export function rollbackTo(d: Deployment): bigint | undefined {
  const v = d.metadata.annotations?.[DEPRECATED_ROLLBACK_TO];
  return v && /^[+-]?\d+$/.test(v) ? BigInt(v) : undefined;
}

/** `sync`: scaling events and paused Deployments: scale, clean up history when paused, write status. */
export async function syncScaling(ctx: DeploymentContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await allReplicaSets(ctx, d, rsList, false);
  await scale(ctx, d, newRS, oldRSs);
  if (d.spec.paused && rollbackTo(d) === undefined) await cleanupDeployment(ctx, oldRSs, d);
  await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
}

/** `syncStatusOnly`: a Deployment being deleted only gets its status written. */
export async function syncStatusOnly(ctx: DeploymentContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await allReplicaSets(ctx, d, rsList, false);
  await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
}

/**
 * `checkPausedConditions`: with a progress deadline, pausing sets Progressing Unknown DeploymentPaused
 * ("Deployment is paused") and resuming DeploymentResumed ("Deployment is resumed"), unless the rollout
 * already timed out.
 */
export async function checkPausedConditions(ctx: DeploymentContext, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, 'Progressing');
  if (cond?.reason === REASONS.timedOut) return;
  const pausedCond = cond?.reason === REASONS.paused;
  const now = ctx.clock.now();
  d.status ??= {};
  if (d.spec.paused && !pausedCond) setCondition(d.status, newCondition('Progressing', 'Unknown', REASONS.paused, 'Deployment is paused', now));
  else if (!d.spec.paused && pausedCond) setCondition(d.status, newCondition('Progressing', 'Unknown', REASONS.resumed, 'Deployment is resumed', now));
  else return;
  await updateStatus(ctx, d);
}

/** `isScalingEvent`: an active ReplicaSet's desired-replicas annotation differs from spec.replicas. */
export async function isScalingEvent(ctx: DeploymentContext, d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await allReplicaSets(ctx, d, rsList, false);
  return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== replicasOf(d);
  });
}

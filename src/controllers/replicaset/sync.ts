// syncReplicaSet: claim the pods, create or delete pods to match spec.replicas, write status (replica_set.go); for
// ReplicaSets and, through ctx.kind's conversion, ReplicationControllers.

import { isNotFound } from '../../api/errors.js';
import { labelSelectorFromSpec, type LabelSelector } from '../../api/labels.js';
import type { Pod } from '../../api/types.js';
import type { ReplicaSet } from '../../api/workloads.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { ApiClient } from '../../client/types.js';
import type { Clock } from '../../api/clock.js';
import { adoptPatch, claimObjects, controllerOf, isNamespaceTerminating, recheckDeletionTimestamp, releasePatch } from '../controller-ref.js';
import type { Expectations } from '../expectations.js';
import { isPodActive, podsToDelete } from './active-pods.js';
import type { ReplicaKind } from './kind.js';
import { createPod, deletePod } from './pod-control.js';
import { calculateStatus, specReplicas, updateReplicaSetStatus } from './status.js';
import { resourcePath, RESOURCES } from '../../api/paths.js';

/** Upstream BurstReplicas: at most this many pods are created or deleted in one sync. */
export const BURST_REPLICAS = 500;

/** What a sync reads and writes: the API, the informers' caches and the controller's bookkeeping. */
export interface SyncContext {
  client: ApiClient;
  /** The kind synced (ReplicaSet, or ReplicationController seen as a ReplicaSet). */
  kind: ReplicaKind;
  recorder: EventRecorder;
  expectations: Expectations;
  clock: Clock;
  /** The cached ReplicaSet `ns/name`, if any. */
  replicaSet(key: string): ReplicaSet | undefined;
  /** Cached ReplicaSets of a namespace. */
  replicaSets(namespace: string): ReplicaSet[];
  /** Cached pods of a namespace. */
  pods(namespace: string): Pod[];
  /** Queues `key` again after `ms`. */
  enqueueAfter(key: string, ms: number): void;
}

/** `ns/name` of an object. */
export function keyOf(obj: { metadata: { namespace?: string; name?: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/**
 * `slowStartBatch`: calls `fn` `count` times in batches of 1, 2, 4, ... run concurrently; stops after the first
 * batch with a failure. Returns how many calls succeeded and the first error.
 */
export async function slowStartBatch(count: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, 1); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failed.length;
    if (failed.length > 0) return { successes, error: failed[0]!.reason };
    remaining -= size;
  }
  return { successes };
}

/** `getIndirectlyRelatedPods`: pods of every ReplicaSet with the same controller as `rs` (for node ranks). */
function relatedPods(ctx: SyncContext, rs: ReplicaSet): Pod[] {
  const ref = controllerOf(rs);
  if (!ref) return [];
  const ns = rs.metadata.namespace ?? '';
  const seen = new Set<string>();
  const out: Pod[] = [];
  for (const other of ctx.replicaSets(ns)) {
    if (controllerOf(other)?.uid !== ref.uid) continue;
    let sel: LabelSelector;
    try {
      sel = labelSelectorFromSpec(other.spec.selector);
    } catch {
      continue;
    }
    for (const pod of ctx.pods(ns)) {
      if (!sel.matches(pod.metadata.labels) || seen.has(pod.metadata.uid ?? '')) continue;
      seen.add(pod.metadata.uid ?? '');
      out.push(pod);
    }
  }
  return out;
}

/**
 * `manageReplicas`: creates (slow start, expectations raised first, skipped ones taken back) or deletes (the
 * pods ranked first by {@link podsToDelete}, deletions expected by pod key) the difference between the claimed
 * pods and spec.replicas, at most {@link BURST_REPLICAS}. Throws the first failure; creates refused because
 * the namespace is terminating count as done.
 */
async function manageReplicas(ctx: SyncContext, rs: ReplicaSet, pods: Pod[]): Promise<void> {
  const key = keyOf(rs);
  const diff = pods.length - specReplicas(rs);
  if (diff < 0) {
    const n = Math.min(-diff, BURST_REPLICAS);
    ctx.expectations.expectCreations(key, n);
    const { successes, error } = await slowStartBatch(n, async () => {
      try {
        await createPod(ctx.client, ctx.recorder, rs, ctx.kind.ref);
      } catch (err) {
        if (!isNamespaceTerminating(err)) throw err;
      }
    });
    for (let i = successes; i < n; i++) ctx.expectations.creationObserved(key);
    if (error !== undefined) throw error;
  } else if (diff > 0) {
    const n = Math.min(diff, BURST_REPLICAS);
    const victims = podsToDelete(pods, relatedPods(ctx, rs), n, ctx.clock.now());
    ctx.expectations.expectDeletions(key, victims.map(keyOf));
    const results = await Promise.all(
      victims.map(async (pod) => {
        try {
          await deletePod(ctx.client, ctx.recorder, rs, pod.metadata.name ?? '');
          return undefined;
        } catch (err) {
          ctx.expectations.deletionObserved(key, keyOf(pod));
          return isNotFound(err) ? undefined : err;
        }
      }),
    );
    const error = results.find((e) => e !== undefined);
    if (error !== undefined) throw error;
  }
}

/** `claimPods`: adopts matching orphans and releases owned pods that no longer match; throws the first failure. */
async function claimPods(ctx: SyncContext, rs: ReplicaSet, selector: LabelSelector, pods: Pod[]): Promise<Pod[]> {
  const path = resourcePath(ctx.kind.resource, { namespace: rs.metadata.namespace ?? '', name: rs.metadata.name ?? '' });
  const podPath = (pod: Pod): string => resourcePath(RESOURCES.pods, { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' });
  const { claimed, errors } = await claimObjects(pods, {
    controller: rs,
    selector,
    canAdopt: async () => recheckDeletionTimestamp(ctx.kind.ref.kind, rs, ctx.kind.toReplicaSet(await ctx.client.get(path))),
    adopt: async (pod) => {
      await ctx.client.patch(podPath(pod), adoptPatch(rs, ctx.kind.ref, pod), 'strategic');
    },
    release: async (pod) => {
      try {
        await ctx.client.patch(podPath(pod), releasePatch(rs, pod), 'strategic');
      } catch (err) {
        // Invalid: the pod has no such owner or was re-created under another uid; nothing to release.
        if ((err as { reason?: string }).reason !== 'Invalid') throw err;
      }
    },
  });
  if (errors.length > 0) throw errors[0];
  return claimed;
}

/**
 * `syncReplicaSet` for `key` (`ns/name`): a ReplicaSet gone from the cache drops its expectations. Otherwise the
 * namespace's active pods (not Succeeded/Failed/being deleted) are claimed, replicas are managed when the
 * expectations are satisfied and the ReplicaSet is not being deleted, and the status is written whenever it
 * changed. A ReplicaSet whose pods are all ready but not yet available is queued again after minReadySeconds.
 * Throws on failure (the queue retries).
 */
export async function syncReplicaSet(ctx: SyncContext, key: string): Promise<void> {
  const cached = ctx.replicaSet(key);
  if (!cached) {
    ctx.expectations.forget(key);
    return;
  }
  const rs = structuredClone(cached);
  const needsSync = ctx.expectations.satisfied(key);
  let selector: LabelSelector;
  try {
    selector = labelSelectorFromSpec(rs.spec.selector);
  } catch (err) {
    throw new Error(`error converting pod selector to selector for rs ${key}: ${(err as Error).message}`, { cause: err });
  }
  const active = ctx.pods(rs.metadata.namespace ?? '').filter(isPodActive);
  const pods = await claimPods(ctx, rs, selector, active);
  let manageError: unknown;
  if (needsSync && !rs.metadata.deletionTimestamp) {
    try {
      await manageReplicas(ctx, rs, pods);
    } catch (err) {
      manageError = err;
    }
  }
  const status = calculateStatus(rs, pods, manageError, ctx.clock.now());
  const updated = await updateReplicaSetStatus(ctx.client, rs, status, ctx.kind);
  const minReady = updated.spec.minReadySeconds ?? 0;
  const replicas = specReplicas(updated);
  if (manageError === undefined && minReady > 0 && (updated.status?.readyReplicas ?? 0) === replicas && (updated.status?.availableReplicas ?? 0) !== replicas) {
    ctx.enqueueAfter(key, minReady * 1000);
  }
  if (manageError !== undefined) throw manageError;
}

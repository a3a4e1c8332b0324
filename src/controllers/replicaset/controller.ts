/**
 * The ReplicaSet controller: keeps spec.replicas pods of each apps/v1 ReplicaSet, as kube-controller-manager's
 * `replicaset-controller` does (`pkg/controller/replicaset/replica_set.go`). It is an API client: informers on
 * ReplicaSets and pods feed a work queue of `ns/name` keys (level-triggered, no polling); each sync claims
 * pods by selector, creates or deletes pods, and writes the status subresource. With `kind` REPLICATION_CONTROLLER the
 * same logic is the replication manager (`pkg/controller/replication`) over core/v1 ReplicationControllers.
 */
import type { KubeObject, Pod } from '../../api/types.js';
import type { ReplicaSet } from '../../api/workloads.js';
import { createEventRecorder } from '../../client/event-recorder.js';
import { runInformer } from '../../client/informer.js';
import type { ApiClient } from '../../client/types.js';
import { createSyncGate } from '../cache-sync.js';
import { realClock, type Clock } from '../../api/clock.js';
import { controllerOf, selectingControllers } from '../controller-ref.js';
import { Expectations } from '../expectations.js';
import { ItemBackoff } from '../item-backoff.js';
import { NamespacedCache } from '../object-cache.js';
import { createWorkQueue } from '../workqueue.js';
import { isPodReady } from './active-pods.js';
import { REPLICASET, type ReplicaKind } from './kind.js';
import { keyOf, syncReplicaSet, type SyncContext } from './sync.js';
import { resourcePath, RESOURCES } from '../../api/paths.js';

/** Options of {@link startReplicaSetController}. */
export interface ReplicaSetControllerOptions {
  client: ApiClient;
  /** Errors the controller survives (failed syncs are retried; watch errors re-list). */
  onError?: (err: unknown) => void;
  /** Time for availability (minReadySeconds), expectations and delayed requeues (default: the wall clock). */
  clock?: Clock;
  /** Longest wait before a failed sync is retried, ms (default 1000); retries start at 5 ms and double. */
  retryDelayMs?: number;
  /** The kind managed (default apps/v1 ReplicaSet; REPLICATION_CONTROLLER for the replication manager). */
  kind?: ReplicaKind;
}

/** A running controller. */
export interface ReplicaSetController {
  /** Ends the watches and the queue; resolves when the sync in progress finished and events were written. */
  stop(): Promise<void>;
}

/**
 * Starts the controller. Syncs wait until both informers listed once. Event routing follows upstream: a pod
 * with a controllerRef wakes only the ReplicaSet it names (same name and uid); an orphan wakes every ReplicaSet
 * of its namespace whose non-empty selector matches it; a pod's creation, deletion or deletionTimestamp counts
 * against the owner's expectations; a pod turning ready wakes its owner again after minReadySeconds + 1 s.
 */
export function startReplicaSetController(options: ReplicaSetControllerOptions): ReplicaSetController {
  const { client } = options;
  const kind = options.kind ?? REPLICASET;
  const onError = options.onError ?? (() => {});
  const clock = options.clock ?? realClock;
  const abort = new AbortController();
  const rsCache = new NamespacedCache<ReplicaSet>();
  const podCache = new NamespacedCache<Pod>();
  const expectations = new Expectations(clock);
  const recorder = createEventRecorder({ client, component: kind.component, clock, onError, kind: kind.ref });

  const ctx: SyncContext = {
    client,
    kind,
    recorder,
    expectations,
    clock,
    replicaSet: (key) => rsCache.byKey(key),
    replicaSets: (ns) => rsCache.list(ns),
    pods: (ns) => podCache.list(ns),
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
  };
  const backoff = new ItemBackoff(options.retryDelayMs ?? 1000);
  const queue = createWorkQueue({
    retryDelayMs: options.retryDelayMs ?? 1000,
    onError,
    clock,
    sync: async (key) => {
      try {
        await syncReplicaSet(ctx, key);
        backoff.forget(key);
        return true;
      } catch (err) {
        // processNextWorkItem: report, then AddRateLimited.
        onError(err);
        return backoff.next(key);
      }
    },
  });
  const gate = createSyncGate(['replicasets', 'pods'], queue);
  const enqueue = (key: string): void => gate.add(key);

  /** `resolveControllerRef`: the cached ReplicaSet a pod's controllerRef names, if kind, name and uid match. */
  const ownerOf = (pod: Pod): ReplicaSet | undefined => {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== kind.ref.kind) return undefined;
    const rs = rsCache.byName(pod.metadata.namespace ?? '', ref.name);
    return rs?.metadata.uid === ref.uid ? rs : undefined;
  };
  /** `getPodReplicaSets`: ReplicaSets whose (non-empty, valid) selector matches a labelled pod. */
  const matching = (pod: Pod): ReplicaSet[] => selectingControllers(rsCache.list(pod.metadata.namespace ?? ''), pod);
  const podDeleted = (pod: Pod): void => {
    const rs = ownerOf(pod);
    if (!rs) return;
    expectations.deletionObserved(keyOf(rs), keyOf(pod));
    enqueue(keyOf(rs));
  };
  const podAdded = (pod: Pod): void => {
    if (pod.metadata.deletionTimestamp) return podDeleted(pod);
    if (controllerOf(pod)) {
      const rs = ownerOf(pod);
      if (!rs) return;
      expectations.creationObserved(keyOf(rs));
      enqueue(keyOf(rs));
      return;
    }
    for (const rs of matching(pod)) enqueue(keyOf(rs));
  };
  const podUpdated = (cur: Pod, old: Pod): void => {
    if (cur.metadata.resourceVersion === old.metadata.resourceVersion) return;
    const labelChanged = JSON.stringify(cur.metadata.labels ?? {}) !== JSON.stringify(old.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      podDeleted(cur);
      if (labelChanged) podDeleted(old);
      return;
    }
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef) {
      const prev = ownerOf(old);
      if (prev) enqueue(keyOf(prev));
    }
    if (curRef) {
      const rs = ownerOf(cur);
      if (!rs) return;
      enqueue(keyOf(rs));
      const minReady = rs.spec.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) queue.addAfter(keyOf(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelChanged || refChanged) for (const rs of matching(cur)) enqueue(keyOf(rs));
  };

  const replicaSets = runInformer<KubeObject>({
    client,
    path: resourcePath(kind.resource),
    signal: abort.signal,
    handlers: {
      onEvent(type, obj, prev) {
        const rs = kind.toReplicaSet(obj);
        const old = prev && kind.toReplicaSet(prev);
        if (type === 'DELETED') {
          rsCache.delete(rs);
          expectations.forget(keyOf(rs));
        } else {
          if (old && old.metadata.uid !== rs.metadata.uid) {
            rsCache.delete(old);
            expectations.forget(keyOf(old));
          }
          rsCache.set(rs);
        }
        enqueue(keyOf(rs));
      },
      onSynced: () => gate.synced('replicasets'),
      onError,
    },
  });
  const pods = runInformer<Pod>({
    client,
    path: resourcePath(RESOURCES.pods),
    signal: abort.signal,
    store: podCache,
    handlers: {
      onAdd: podAdded,
      onUpdate: podUpdated,
      onDelete: podDeleted,
      onSynced: () => gate.synced('pods'),
      onError,
    },
  });

  return {
    async stop() {
      abort.abort();
      await Promise.all([replicaSets.done, pods.done, queue.shutDown()]);
      await recorder.flush();
    },
  };
}

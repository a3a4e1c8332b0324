/**
 * The garbage collector: watches every deletable resource, keeps the ownerReference graph, and deletes
 * dependents whose owners are all gone (background), deletes an owner's dependents before it (foreground,
 * finalizer `foregroundDeletion`) or strips their references to it (orphan, finalizer `orphan`).
 *
 * Mirrors kube-controller-manager `pkg/controller/garbagecollector/garbagecollector.go` (attemptToDeleteItem,
 * classifyReferences, isDangling, processDeletingDependentsItem, attemptToOrphanWorker) and the behaviour
 * documented in https://kubernetes.io/docs/concepts/architecture/garbage-collection/. It is an API client: an
 * informer a resource (re-discovered periodically), two serial work queues keyed by uid, writes through the API.
 */
import { FINALIZER_DELETE_DEPENDENTS, FINALIZER_ORPHAN_DEPENDENTS, type KubeObject, type OwnerReference } from '../../api/types.js';
import { runInformer, type Informer } from '../../client/informer.js';
import type { ApiClient } from '../../client/types.js';
import { createWorkQueue } from '../workqueue.js';
import { collectionPath, discoverResources, type ApiResource, type ResourceMap } from './discovery.js';
import { blockingDependents, DependencyGraph, type GraphNode } from './graph.js';
import { GcOperations, UnknownKindError } from './operations.js';

/** Options of {@link startGarbageCollector}. */
export interface GarbageCollectorOptions {
  client: ApiClient;
  /** Called with errors the collector survives (logging). */
  onError?: (err: unknown) => void;
  /** Wait before an item that failed or waits for its informer is looked at again, ms (default 1000). */
  retryDelayMs?: number;
  /** How often discovery is read again to watch new resources, ms (default 30000, upstream's resync period). */
  discoveryIntervalMs?: number;
}

/** A running collector. */
export interface GarbageCollector {
  /** Resolves once discovery succeeded and every informer has listed once (upstream's "caches synced"). */
  readonly synced: Promise<void>;
  /** Ends the watches and waits for the items in progress. */
  stop(): Promise<void>;
}

/** Result of one attempt to delete an item. */
type AttemptResult = 'done' | 'virtual-deleted' | 'invalid';

function resourceKey(r: ApiResource): string {
  return `${r.group}/${r.resource}`;
}

/** Starts the collector (GarbageCollector.Run + GraphBuilder.Run). */
export function startGarbageCollector(options: GarbageCollectorOptions): GarbageCollector {
  const { client } = options;
  const report = options.onError ?? (() => {});
  // An unknown owner kind is retried quietly (upstream logs restMappingError at V(5) only).
  const onError = (err: unknown): void => {
    if (!(err instanceof UnknownKindError)) report(err);
  };
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const discoveryIntervalMs = options.discoveryIntervalMs ?? 30000;
  const abort = new AbortController();
  let resources: ResourceMap = { deletable: [], lookup: () => undefined };
  const ops = new GcOperations(client, () => resources);

  // Items wait here until every informer has listed once, so a half-built graph never decides.
  let ready = false;
  const pendingDelete = new Set<string>();
  const pendingOrphan = new Set<string>();
  const graph = new DependencyGraph({
    attemptToDelete: (n) => (ready ? deleteQueue.add(n.identity.uid) : pendingDelete.add(n.identity.uid)),
    attemptToOrphan: (n) => (ready ? orphanQueue.add(n.identity.uid) : pendingOrphan.add(n.identity.uid)),
  });

  /** isDangling: 'dangling', 'invalid' (cluster-scoped dependent, namespaced owner), or the live owner. */
  async function lookupOwner(ref: OwnerReference, item: GraphNode): Promise<'dangling' | 'invalid' | KubeObject> {
    const ns = item.identity.namespace;
    if (graph.isAbsent(ref.uid, ns)) return 'dangling';
    const r = ops.resourceOf({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: ns, name: ref.name, uid: ref.uid });
    if (r.namespaced && ns === '') return 'invalid';
    const owner = await ops.getObject({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: ns, name: ref.name, uid: ref.uid }, r);
    if (!owner || owner.metadata.uid !== ref.uid) {
      graph.markAbsent(ref.uid, r.namespaced ? ns : '');
      return 'dangling';
    }
    return owner;
  }

  /** processDeletingDependentsItem: remove foregroundDeletion once no blocking dependent is left. */
  async function processDeletingDependents(item: GraphNode): Promise<void> {
    const blocking = blockingDependents(item);
    if (blocking.length === 0) {
      await ops.removeFinalizer(item.identity, item.resource, FINALIZER_DELETE_DEPENDENTS);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) deleteQueue.add(dep.identity.uid);
  }

  /** attemptToDeleteItem: deletes `item` when none of its owners is solid, as its finalizers and its owners ask. */
  async function attemptToDeleteItem(item: GraphNode): Promise<AttemptResult> {
    // Being deleted is a one-way trip: wait for the final deletion, then look at the dependents.
    if (item.beingDeleted && !item.deletingDependents) return 'done';
    const latest = await ops.getObject(item.identity, item.resource);
    if (!latest || latest.metadata.uid !== item.identity.uid) {
      graph.virtualDelete(item);
      return 'virtual-deleted';
    }
    if (item.deletingDependents) {
      await processDeletingDependents(item);
      return 'done';
    }
    const refs = latest.metadata.ownerReferences ?? [];
    if (refs.length === 0) return 'done';
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await lookupOwner(ref, item);
      if (owner === 'invalid') return 'invalid';
      if (owner === 'dangling') dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FINALIZER_DELETE_DEPENDENTS)) waiting.push(ref);
      else solid.push(ref);
    }
    if (solid.length > 0) {
      // A live owner keeps the item; references to gone owners and to owners deleting their dependents go.
      if (dangling.length + waiting.length > 0) await ops.removeOwnerReferences(item.identity, item.resource, [...dangling, ...waiting].map((r) => r.uid));
      return 'done';
    }
    if (waiting.length > 0 && item.dependents.size > 0) {
      // An owner waits for this item, which has dependents of its own: delete it in the foreground too,
      // unblocking its references first when a dependent also waits (cycle guard).
      if ([...item.dependents].some((d) => d.deletingDependents)) await ops.unblockOwnerReferences(item.identity, item.resource);
      await ops.deleteObject(item.identity, item.resource, 'Foreground');
      return 'done';
    }
    const finalizers = latest.metadata.finalizers ?? [];
    const policy = finalizers.includes(FINALIZER_ORPHAN_DEPENDENTS) ? 'Orphan' : finalizers.includes(FINALIZER_DELETE_DEPENDENTS) ? 'Foreground' : 'Background';
    await ops.deleteObject(item.identity, item.resource, policy);
    return 'done';
  }

  const deleteQueue = createWorkQueue({
    retryDelayMs,
    onError,
    async sync(uid) {
      const item = graph.get(uid);
      if (!item) return true;
      const result = await attemptToDeleteItem(item);
      if (result !== 'done') return true;
      // A virtual node whose object exists waits for its informer (upstream issue 56121).
      return graph.get(uid)?.observed !== false;
    },
  });

  const orphanQueue = createWorkQueue({
    retryDelayMs,
    onError,
    async sync(uid) {
      const owner = graph.get(uid);
      if (!owner) return true;
      for (const dep of [...owner.dependents]) await ops.removeOwnerReferences(dep.identity, dep.resource, [uid]);
      await ops.removeFinalizer(owner.identity, owner.resource, FINALIZER_ORPHAN_DEPENDENTS);
      return true;
    },
  });

  // One informer a deletable resource; `synced` holds those that have listed once.
  const informers = new Map<string, { informer: Informer<KubeObject>; abort: AbortController }>();
  const synced = new Set<string>();
  let resolveSynced: () => void = () => {};
  const syncedPromise = new Promise<void>((r) => (resolveSynced = r));

  function checkReady(): void {
    if (informers.size === 0 || [...informers.keys()].some((k) => !synced.has(k))) return;
    if (!ready) {
      ready = true;
      for (const uid of pendingDelete) deleteQueue.add(uid);
      for (const uid of pendingOrphan) orphanQueue.add(uid);
      pendingDelete.clear();
      pendingOrphan.clear();
    }
    resolveSynced();
  }

  function watchResource(r: ApiResource): void {
    const key = resourceKey(r);
    const own = new AbortController();
    abort.signal.addEventListener('abort', () => own.abort(), { once: true });
    const informer = runInformer<KubeObject>({
      client,
      path: collectionPath(r),
      signal: own.signal,
      retryDelayMs,
      handlers: {
        onEvent: (type, obj, old) => graph.observe(type, obj, old, r),
        onSynced: () => {
          synced.add(key);
          checkReady();
        },
        onError,
      },
    });
    informers.set(key, { informer, abort: own });
  }

  /** One discovery pass: watch resources that appeared, stop those that went away (GarbageCollector.Sync). */
  async function resync(): Promise<void> {
    const next = await discoverResources(client);
    resources = next;
    const wanted = new Set(next.deletable.map(resourceKey));
    for (const [key, entry] of informers) {
      if (wanted.has(key)) continue;
      entry.abort.abort();
      informers.delete(key);
      synced.delete(key);
    }
    const added = next.deletable.filter((r) => !informers.has(resourceKey(r)));
    if (added.length > 0) ready = false; // pause decisions until the new informers have listed
    for (const r of added) watchResource(r);
    checkReady();
  }

  const discovery = (async () => {
    while (!abort.signal.aborted) {
      try {
        await resync();
      } catch (err) {
        if (!abort.signal.aborted) onError(err);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, informers.size > 0 ? discoveryIntervalMs : retryDelayMs);
        function done(): void {
          clearTimeout(t);
          abort.signal.removeEventListener('abort', done);
          resolve();
        }
        abort.signal.addEventListener('abort', done, { once: true });
      });
    }
  })();

  return {
    synced: syncedPromise,
    async stop() {
      abort.abort();
      await discovery;
      await Promise.all([...[...informers.values()].map((e) => e.informer.done), deleteQueue.shutDown(), orphanQueue.shutDown()]);
    },
  };
}

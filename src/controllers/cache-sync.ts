// Holds a controller's work until each of its informers has listed once (client-go's WaitForCacheSync role).

import type { GroupVersionResource } from '../api/paths.js';
import { resourcePath } from '../api/paths.js';
import type { KubeObject } from '../api/types.js';
import { runInformer, type Informer, type InformerHandlers, type InformerStore } from '../client/informer.js';
import type { ApiClient } from '../client/types.js';
import type { WorkQueue } from './workqueue.js';

/** A gate in front of a work queue. */
export interface SyncGate {
  /** Queues `key`, or keeps it until every informer has synced. */
  add(key: string): void;
  /** Marks informer `name` as having listed once; when the last one does, the kept keys are queued and `onReady` runs. */
  synced(name: string): void;
  readonly ready: boolean;
}

/**
 * A gate for the informers `names` in front of `queue`: a controller that acted on half-filled caches would
 * write wrong objects (an Endpoints without the pods not listed yet). `onReady` runs once.
 */
export function createSyncGate(names: readonly string[], queue: WorkQueue, onReady?: () => void): SyncGate {
  const waiting = new Set(names);
  const kept = new Set<string>();
  let ready = waiting.size === 0;
  return {
    add(key) {
      if (ready) queue.add(key);
      else kept.add(key);
    },
    synced(name) {
      waiting.delete(name);
      if (ready || waiting.size > 0) return;
      ready = true;
      for (const key of kept) queue.add(key);
      kept.clear();
      onReady?.();
    },
    get ready() {
      return ready;
    },
  };
}

/** Options of {@link runGatedInformer}. */
export interface GatedInformerOptions<T extends KubeObject> {
  client: ApiClient;
  /** The resource watched across all namespaces; its plural name is the informer's name at the gate. */
  resource: GroupVersionResource;
  signal: AbortSignal;
  /** Wait before re-listing after an error, ms (the informer's default when omitted). */
  retryDelayMs?: number;
  gate: SyncGate;
  /** The controller's cache of the resource, kept in step by the informer. */
  store?: InformerStore<T>;
  /** The controller's reactions to changes (what to queue); the first list is reported to `gate`. */
  handlers?: Omit<InformerHandlers<T>, 'onSynced' | 'onError'>;
  onError: (err: unknown) => void;
}

/**
 * The informer wiring controllers repeat per resource: list+watch `resource`, feed `store`, run `handlers`, and
 * tell `gate` when the first list is in (`gate.synced(resource.resource)`), as client-go's shared informer and
 * `cache.WaitForCacheSync` do together.
 */
export function runGatedInformer<T extends KubeObject>(options: GatedInformerOptions<T>): Informer<T> {
  const { gate, resource } = options;
  return runInformer<T>({
    client: options.client,
    path: resourcePath(resource),
    signal: options.signal,
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.store ? { store: options.store } : {}),
    handlers: { ...options.handlers, onSynced: () => gate.synced(resource.resource), onError: options.onError },
  });
}

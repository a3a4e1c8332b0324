// Holds a controller's work until each of its informers has listed once (client-go's WaitForCacheSync role).

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

// A serial, de-duplicating work queue with retry after a delay: client-go's `util/workqueue` role for the controllers.

/** Options of {@link createWorkQueue}. */
export interface WorkQueueOptions {
  /** Handles one key; resolves true when done, false to be queued again after `retryDelayMs`. */
  sync(key: string): Promise<boolean>;
  /** Wait before a key that returned false or threw is queued again, ms. */
  retryDelayMs: number;
  /** Called with the error of a sync that threw (the key is retried). */
  onError?: (err: unknown) => void;
}

/** A running queue. */
export interface WorkQueue {
  /** Queues `key` unless it is already waiting (a key being synced may be queued once more). */
  add(key: string): void;
  /** Stops taking keys, cancels pending retries and resolves when the sync in progress ends. */
  shutDown(): Promise<void>;
}

/**
 * Creates a queue that syncs one key at a time, in arrival order; a key added while it waits is not
 * added twice. A failed or unfinished key comes back after `retryDelayMs` (client-go's AddAfter).
 */
export function createWorkQueue(options: WorkQueueOptions): WorkQueue {
  const queued = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();

  const later = (key: string): void => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      add(key);
    }, options.retryDelayMs);
    timers.add(timer);
  };
  const add = (key: string): void => {
    if (stopped || queued.has(key)) return;
    queued.add(key);
    chain = chain.then(async () => {
      queued.delete(key);
      if (stopped) return;
      try {
        if (!(await options.sync(key))) later(key);
      } catch (err) {
        options.onError?.(err);
        later(key);
      }
    });
  };
  return {
    add,
    async shutDown() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await chain;
    },
  };
}

// A serial, de-duplicating work queue with retry after a delay: client-go's `util/workqueue` role for the controllers.

import { realClock, type Clock } from '../api/clock.js';

/** Options of {@link createWorkQueue}. */
export interface WorkQueueOptions {
  /**
   * Handles one key; resolves true when done, false to be queued again after `retryDelayMs`, or a number of ms
   * to be queued again after that long (a rate-limited retry, on real timers).
   */
  sync(key: string): Promise<boolean | number>;
  /** Wait before a key that returned false or threw is queued again, ms. */
  retryDelayMs: number;
  /** Called with the error of a sync that threw (the key is retried). */
  onError?: (err: unknown) => void;
  /** Timers of {@link WorkQueue.addAfter} (default: real timers); tests pass a fake clock. */
  clock?: Pick<Clock, 'schedule' | 'cancel'>;
}

/** A running queue. */
export interface WorkQueue {
  /** Queues `key` unless it is already waiting (a key being synced may be queued once more). */
  add(key: string): void;
  /** Queues `key` after `delayMs` on the queue's clock (client-go's AddAfter); cancelled by shutDown. */
  addAfter(key: string, delayMs: number): void;
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
  const clock = options.clock ?? realClock;
  const delayed = new Set<unknown>();
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();

  const later = (key: string, delayMs = options.retryDelayMs): void => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      add(key);
    }, delayMs);
    timers.add(timer);
  };
  const add = (key: string): void => {
    if (stopped || queued.has(key)) return;
    queued.add(key);
    chain = chain.then(async () => {
      queued.delete(key);
      if (stopped) return;
      try {
        const done = await options.sync(key);
        if (typeof done === 'number') later(key, done);
        else if (!done) later(key);
      } catch (err) {
        options.onError?.(err);
        later(key);
      }
    });
  };
  const addAfter = (key: string, delayMs: number): void => {
    if (stopped) return;
    if (delayMs <= 0) return add(key);
    const handle = clock.schedule(() => {
      delayed.delete(handle);
      add(key);
    }, delayMs);
    delayed.add(handle);
  };
  return {
    add,
    addAfter,
    async shutDown() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const h of delayed) clock.cancel(h);
      delayed.clear();
      await chain;
    },
  };
}

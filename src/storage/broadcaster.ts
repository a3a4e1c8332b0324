/**
 * Broadcaster: one in-process fan-out of store events to many watch subscriptions, each with its own queue.
 *
 * Mirrors kine's `pkg/broadcaster`: writers publish once, every subscriber whose filter matches gets
 * the event appended to its queue; a subscriber reads its queue at its own pace through `next()`.
 */

/** One subscriber's view: an async queue of events. */
export interface Subscription<T> {
  /** Resolves with the next event, or done when the subscription was closed or its signal aborted. */
  next(): Promise<IteratorResult<T>>;
  /** Puts events (a replay from the log) ahead of anything queued so far. */
  prepend(events: T[]): void;
  /** Stops delivery and ends a pending `next()`. */
  close(): void;
}

interface Subscriber<T> {
  filter: (event: T) => boolean;
  queue: T[];
  waiter: ((r: IteratorResult<T>) => void) | undefined;
  closed: boolean;
}

/** Fans events out to subscribers; publishing is synchronous and never blocks on slow readers. */
export class Broadcaster<T> {
  private readonly subscribers = new Set<Subscriber<T>>();

  /** Number of live subscriptions (for tests and metrics). */
  get size(): number {
    return this.subscribers.size;
  }

  /** Delivers `event` to every matching subscriber. */
  publish(event: T): void {
    for (const s of this.subscribers) {
      if (!s.filter(event)) continue;
      if (s.waiter) {
        const w = s.waiter;
        s.waiter = undefined;
        w({ done: false, value: event });
      } else {
        s.queue.push(event);
      }
    }
  }

  /** Registers a subscriber that receives the events `filter` accepts until closed or `signal` aborts. */
  subscribe(filter: (event: T) => boolean, signal?: AbortSignal): Subscription<T> {
    const s: Subscriber<T> = { filter, queue: [], waiter: undefined, closed: false };
    const close = (): void => {
      if (s.closed) return;
      s.closed = true;
      this.subscribers.delete(s);
      signal?.removeEventListener('abort', close);
      const w = s.waiter;
      s.waiter = undefined;
      w?.({ done: true, value: undefined });
    };
    if (signal?.aborted) {
      s.closed = true;
    } else {
      this.subscribers.add(s);
      signal?.addEventListener('abort', close, { once: true });
    }
    return {
      next: () => {
        const e = s.queue.shift();
        if (e !== undefined) return Promise.resolve({ done: false, value: e });
        if (s.closed) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => {
          s.waiter = resolve;
        });
      },
      prepend: (events) => {
        s.queue.unshift(...events);
      },
      close,
    };
  }

  /** Closes every subscription (store shutdown). */
  closeAll(): void {
    for (const s of [...this.subscribers]) {
      s.closed = true;
      this.subscribers.delete(s);
      const w = s.waiter;
      s.waiter = undefined;
      w?.({ done: true, value: undefined });
    }
  }
}

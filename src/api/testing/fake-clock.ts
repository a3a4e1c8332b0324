// A clock tests move by hand (k8s.io/utils/clock/testing `FakeClock`); only tests import it.

import type { Clock } from '../clock.js';

interface Pending {
  at: number;
  fn: () => void;
}

/**
 * A {@link Clock} whose time stands still until {@link FakeClock.advance}; timers and sleeps fire during
 * `advance`, in due order, each at its own time. Starts at 2025-01-01T00:00:00Z unless told otherwise.
 * Callbacks run synchronously inside `advance`: code that awaits between timers needs the test to yield
 * (e.g. `await new Promise(setImmediate)`) between small steps.
 */
export class FakeClock implements Clock {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  constructor(private t = Date.parse('2025-01-01T00:00:00Z')) {}
  now(): number {
    return this.t;
  }
  /** Moves time forward by `ms`, running every timer that falls due on the way at its own time. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let due: [number, Pending] | undefined;
      for (const e of this.pending) if (e[1].at <= end && (!due || e[1].at < due[1].at)) due = e;
      if (!due) break;
      this.pending.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
  }
  schedule(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }
  cancel(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        this.cancel(id);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const id = this.schedule(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
  /** Number of timers (and sleeps) not yet run. */
  pendingTimers(): number {
    return this.pending.size;
  }
}

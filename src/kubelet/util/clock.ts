// The injectable clock the kubelet reads for back-off, grace periods and timestamps (tests drive it by hand).

import { goDuration as apiGoDuration } from '../../api/duration.js';
import { rfc3339 as apiRfc3339 } from '../../api/meta.js';

/** A source of time in ms since the epoch. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const realClock: Clock = { now: () => Date.now() };

/** Schedules callbacks on a clock (setTimeout/clearTimeout); the kubelet's pod workers use it for requeues. */
export interface Timers extends Clock {
  /** Runs `fn` once after `ms`; returns a handle for {@link Timers.cancel}. Real timers do not keep the process alive. */
  schedule(fn: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

/** Timers on the wall clock. */
export const realTimers: Timers = {
  now: () => Date.now(),
  schedule(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  cancel(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** A clock tests move by hand; its timers fire (in due order) during {@link FakeClock.advance}. */
export class FakeClock implements Timers {
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  constructor(private t = Date.parse('2025-01-01T00:00:00Z')) {}
  now(): number {
    return this.t;
  }
  /** Moves time forward by `ms`, running every timer that falls due on the way at its own time. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
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
  /** Number of timers not yet run. */
  pendingTimers(): number {
    return this.pending.size;
  }
}

/** RFC 3339 with second precision, as meta/v1 Time serializes (`2025-01-01T00:00:00Z`), of epoch `ms`. */
export function rfc3339(ms: number): string {
  return apiRfc3339(new Date(ms));
}

/** Formats a duration the way Go's time.Duration.String does for whole seconds: `10s`, `1m20s`, `5m0s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  return apiGoDuration(Math.round(ms / 1000));
}

// The injectable clock controllers read for timestamps and delayed requeues (tests drive it by hand).

/**
 * A source of time (ms since the epoch) that can also run a callback later. Structurally the same as the
 * kubelet's `Timers`, so its `FakeClock` drives controllers in tests.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms`; returns a handle for {@link Clock.cancel}. Real timers do not keep the process alive. */
  schedule(fn: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

/** The wall clock. */
export const realClock: Clock = {
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

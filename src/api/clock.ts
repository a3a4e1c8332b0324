// The one injectable clock every component reads time and schedules timers on (k8s.io/utils/clock), and the wall clock.

/** Reads time only (k8s.io/utils/clock `PassiveClock`): for timestamps, ages and deadlines. */
export interface PassiveClock {
  /** ms since the epoch. */
  now(): number;
}

/**
 * A source of time that also runs code later (k8s.io/utils/clock `Clock` with `AfterFunc` and `Sleep`).
 * Components take one in their options (default {@link realClock}); tests pass the fake clock of
 * api/testing/fake-clock.ts and move it by hand, so minutes of back-off or probe periods run in milliseconds.
 */
export interface Clock extends PassiveClock {
  /**
   * Runs `fn` once after `ms` (negative = 0); returns a handle for {@link Clock.cancel}. On the wall clock
   * the timer does not keep the process alive (Node's `unref`): whoever schedules must also stop.
   */
  schedule(fn: () => void, ms: number): unknown;
  /** Cancels a timer of {@link Clock.schedule}; an unknown, fired or undefined handle is ignored. */
  cancel(handle: unknown): void;
  /**
   * Resolves after `ms`, or at once when `signal` is (or becomes) aborted; never rejects. On the wall clock
   * a pending sleep keeps the process alive, as an awaited `setTimeout` does.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock: `Date.now()` and the host's timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  schedule(fn, ms) {
    const t: unknown = setTimeout(fn, ms);
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  cancel(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout> | undefined);
  },
  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/**
 * Runs the proxy's sync at a bounded frequency, the idea of kube-proxy's BoundedFrequencyRunner
 * (`pkg/util/async/bounded_frequency_runner.go`): requests coalesce, two runs start at least
 * `minIntervalMs` apart, a run happens at least every `maxIntervalMs`, and a failed run is retried.
 */
import { realClock, type Clock } from '../api/clock.js';

/** Options of {@link createSyncRunner}. */
export interface SyncRunnerOptions {
  /** The work; a rejection counts as failure. */
  sync(): Promise<void>;
  /** Least time between the starts of two runs, ms. */
  minIntervalMs: number;
  /** Most time between the starts of two runs, ms (the periodic resync). */
  maxIntervalMs: number;
  /** Wait before retrying a failed run, ms. */
  retryDelayMs: number;
  onError?: (err: unknown) => void;
  /** Clock the runner schedules on (default the wall clock). */
  timers?: Clock;
}

/** A started runner. */
export interface SyncRunner {
  /** Asks for a run as soon as the minimum interval allows; requests made meanwhile coalesce into one. */
  run(): void;
  /** Cancels timers and resolves when the run in progress (if any) ends; no run starts afterwards. */
  stop(): Promise<void>;
}

/** Creates a runner; nothing runs until {@link SyncRunner.run} or the first `maxIntervalMs` passes. */
export function createSyncRunner(options: SyncRunnerOptions): SyncRunner {
  const timers = options.timers ?? realClock;
  let lastStart = -Infinity;
  let running: Promise<void> | undefined;
  let pending = false;
  let stopped = false;
  let timer: { handle: unknown; at: number } | undefined;

  const arm = (at: number): void => {
    if (stopped) return;
    if (timer && timer.at <= at) return;
    if (timer) timers.cancel(timer.handle);
    timer = { at, handle: timers.schedule(fire, Math.max(0, at - timers.now())) };
  };
  function fire(): void {
    timer = undefined;
    if (stopped) return;
    if (running) {
      pending = true;
      return;
    }
    pending = false;
    lastStart = timers.now();
    running = options
      .sync()
      .then(
        () => arm(lastStart + options.maxIntervalMs),
        (err: unknown) => {
          options.onError?.(err);
          arm(timers.now() + options.retryDelayMs);
        },
      )
      .finally(() => {
        running = undefined;
        if (pending) arm(lastStart + options.minIntervalMs);
      });
  }
  arm(timers.now() + options.maxIntervalMs);

  return {
    run() {
      if (stopped) return;
      if (running) {
        pending = true;
        return;
      }
      arm(Math.max(timers.now(), lastStart + options.minIntervalMs));
    },
    async stop() {
      stopped = true;
      if (timer) timers.cancel(timer.handle);
      timer = undefined;
      await running;
    },
  };
}

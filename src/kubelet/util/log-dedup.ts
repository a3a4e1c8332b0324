// Folds repeated identical log lines into one line and a count (a dead runtime must not log every second).

import type { Clock } from '../../api/clock.js';
import { goDuration } from './clock.js';

/** Options of {@link dedupingLog}. */
export interface DedupingLogOptions {
  timers: Clock;
  /** A message seen again within this long is counted, not printed, ms (default 60 s). */
  windowMs?: number;
}

/** A log function that folds repeats, and `flush()` to print pending counts (called on stop). */
export interface DedupingLog {
  (msg: string): void;
  flush(): void;
}

/**
 * Wraps `log`: the first occurrence of a message is printed at once; identical messages within `windowMs` of
 * that print are only counted, and at the end of the window one line `<msg> (repeated N times in the last 1m0s)`
 * reports them (nothing when there were none). A message that keeps coming thus prints once a window.
 * Like client-go's event correlator aggregates repeated events, for log lines.
 */
export function dedupingLog(log: (msg: string) => void, options: DedupingLogOptions): DedupingLog {
  const windowMs = options.windowMs ?? 60_000;
  const seen = new Map<string, { count: number; handle: unknown }>();
  const suffix = goDuration(windowMs);
  const close = (msg: string): void => {
    const entry = seen.get(msg);
    if (!entry) return;
    seen.delete(msg);
    if (entry.count > 0) log(`${msg} (repeated ${entry.count} times in the last ${suffix})`);
  };
  const fn = ((msg: string) => {
    const entry = seen.get(msg);
    if (entry) {
      entry.count++;
      return;
    }
    log(msg);
    seen.set(msg, { count: 0, handle: options.timers.schedule(() => close(msg), windowMs) });
  }) as DedupingLog;
  fn.flush = () => {
    for (const [msg, entry] of [...seen]) {
      options.timers.cancel(entry.handle);
      close(msg);
    }
  };
  return fn;
}

// Per-key exponential back-off (client-go flowcontrol.Backoff with the kubelet's 10-minute reset rule).

import type { Clock } from '../../api/clock.js';

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

/** Kubelet constants (`pkg/kubelet/kubelet.go`): 10 s initial, 300 s cap, reset after 600 s. */
export const CRASH_LOOP_INITIAL_MS = 10_000;
export const CRASH_LOOP_MAX_MS = 300_000;
export const BACKOFF_RESET_MS = 600_000;

/**
 * Back-off windows keyed by a stable container or image key. `isInBackOffSince(key, eventTime)` answers whether
 * a restart would still be inside the window that started at `eventTime` (e.g. the container's finishedAt);
 * `next(key, eventTime)` opens the next, doubled, window. An entry whose last update is more than 10 minutes
 * before `eventTime` is treated as expired (the delay starts over at 10 s).
 */
export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly initialMs = CRASH_LOOP_INITIAL_MS,
    private readonly maxMs = CRASH_LOOP_MAX_MS,
    private readonly resetMs = BACKOFF_RESET_MS,
  ) {}

  private expired(eventTime: number, e: Entry): boolean {
    return eventTime - e.lastUpdate > this.resetMs;
  }

  /** Current window of `key` in ms (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** True when `now - eventTime` is still inside the current window of `key`. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) return false;
    return this.clock.now() - eventTime < e.backoffMs;
  }

  /** True while less than the current window has passed since the last `next` (image pull back-off). */
  isInBackOffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    if (!e || this.clock.now() - e.lastUpdate > this.resetMs) return false;
    return this.clock.now() - e.lastUpdate < e.backoffMs;
  }

  /** Remaining ms of the window opened at `eventTime` (0 when not backing off). */
  remaining(key: string, eventTime: number): number {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) return 0;
    return Math.max(0, eventTime + e.backoffMs - this.clock.now());
  }

  /** Opens the next window: initial when new or expired, else doubled up to the cap. */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.clock.now() });
      return;
    }
    e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    e.lastUpdate = this.clock.now();
  }

  /** Forgets `key`. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key starting with `prefix` (a pod's containers when the pod goes away). */
  resetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

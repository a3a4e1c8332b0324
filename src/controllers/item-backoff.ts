// Per-key retry delays of a failing sync: client-go's ItemExponentialFailureRateLimiter (5 ms doubling), capped.

/**
 * Counts consecutive failures per key. {@link next} returns the delay before the next attempt, `baseMs * 2^n` for
 * the n-th failure in a row (first 5 ms by default, as `workqueue.DefaultTypedControllerRateLimiter`), at most
 * `maxMs`; {@link forget} resets a key after a success.
 */
export class ItemBackoff {
  private readonly failures = new Map<string, number>();
  constructor(
    private readonly maxMs: number,
    private readonly baseMs = 5,
  ) {}

  /** Records a failure of `key`; returns the delay before retrying it, ms. */
  next(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  /** Consecutive failures of `key` so far (`NumRequeues`). */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}

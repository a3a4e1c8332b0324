/**
 * How far V8 lets the server's heap grow between full garbage collections.
 *
 * V8 raises its old-generation limit after each full collection by a factor it picks between 1.1 and 4 from the
 * collector's and the program's speeds; under pod churn it picks near 4, so a 50 MB live heap was allowed to reach
 * about 200 MB of garbage before the next collection, and the server's resident memory drifted from 190 to 370 MiB
 * over 30 minutes at 110 pods. The Go components k1s stands in for (kube-apiserver, the kubelet) run with Go's
 * default GOGC=100: the next collection when the heap has doubled. `k1s server` asks V8 for the same target
 * (`--heap-growing-percent=100`); measured at 110 pods with churn, peak RSS 357 → 251 MiB at the same CPU.
 */
import { setFlagsFromString } from 'node:v8';

/** The percentage the heap may grow above its live size before the next full collection (GOGC's meaning). */
export const SERVER_HEAP_GROWING_PERCENT = 100;

/**
 * The V8 flag `k1s server` sets, or undefined when node was started with its own `--heap-growing-percent`
 * (`node --heap-growing-percent=N bin/k1s server` keeps N). `execArgv` is node's own options (process.execArgv).
 */
export function heapGrowingFlag(execArgv: readonly string[]): string | undefined {
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) return undefined;
  return `--heap-growing-percent=${SERVER_HEAP_GROWING_PERCENT}`;
}

/** Applies {@link heapGrowingFlag} to this process (V8 reads it at every heap-limit computation). */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  const flag = heapGrowingFlag(execArgv);
  if (flag) setFlagsFromString(flag);
}

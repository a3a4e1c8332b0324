/**
 * Ordered, bounded shutdown of `k1s server`: stop steps run in reverse order of start, each within its own
 * budget, the whole within one deadline, so SIGTERM stops the server in bounded time whatever load it is
 * under (a stuck step is logged and skipped, never waited for). Mirrors the role of kube-apiserver's
 * `--shutdown-delay-duration`/graceful termination and k3s's bounded stop: the process exits either way.
 */

/** One step of the shutdown: a name for the log and the function that stops a component. */
export interface ShutdownStep {
  name: string;
  stop: () => Promise<void> | void;
  /** Budget of this step in ms (default: the plan's `stepTimeoutMs`). */
  timeoutMs?: number;
}

/** What {@link runShutdown} did: the steps that failed or overran their budget, and the time it took (ms). */
export interface ShutdownReport {
  failed: string[];
  timedOut: string[];
  elapsedMs: number;
}

/**
 * Runs `steps` last-registered first. A step that throws is logged and the next one runs; a step that
 * overruns its budget (default `stepTimeoutMs`, 3000 ms) or the overall `deadlineMs` (default 9000 ms) is
 * abandoned. Never throws.
 */
export async function runShutdown(
  steps: readonly ShutdownStep[],
  options: { stepTimeoutMs?: number; deadlineMs?: number; now?: () => number; log?: (msg: string, err?: unknown) => void } = {},
): Promise<ShutdownReport> {
  const now = options.now ?? Date.now;
  const start = now();
  const deadline = start + (options.deadlineMs ?? 9_000);
  const report: ShutdownReport = { failed: [], timedOut: [], elapsedMs: 0 };
  for (const step of [...steps].reverse()) {
    const budget = Math.min(step.timeoutMs ?? options.stepTimeoutMs ?? 3_000, Math.max(0, deadline - now()));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), budget);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(step.stop).then(() => 'done' as const), expired]);
      if (outcome === 'timeout') {
        report.timedOut.push(step.name);
        options.log?.(`shutdown: ${step.name} did not stop within ${budget} ms; going on`);
      }
    } catch (err) {
      report.failed.push(step.name);
      options.log?.(`shutdown: ${step.name} failed`, err);
    } finally {
      clearTimeout(timer);
    }
  }
  report.elapsedMs = now() - start;
  return report;
}

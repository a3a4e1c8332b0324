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

/**
 * A last-resort exit that does not depend on the main event loop: a worker thread (its own loop, so a
 * saturated or blocked main thread cannot delay it) that, `deadlineMs` after it starts, sends SIGKILL to
 * each pid of `children()` (read when armed: containerd) and then to this process. Call it from the
 * signal handler; {@link runShutdown} normally finishes long before. Resolves once the worker runs, with a
 * function that disarms it.
 */
export async function armShutdownWatchdog(deadlineMs: number, childPids: readonly number[]): Promise<() => void> {
  const { Worker } = await import('node:worker_threads');
  const code = `
    const { workerData } = require('node:worker_threads');
    setTimeout(() => {
      for (const pid of workerData.children) { try { process.kill(pid, 'SIGKILL'); } catch {} }
      // fs.writeSync, not process.stderr: a worker's stdio goes through the (blocked) main thread.
      try { require('node:fs').writeSync(2, 'k1s: shutdown did not finish within ' + workerData.deadlineMs + ' ms: killing the server\\n'); } catch {}
      process.kill(workerData.self, 'SIGKILL');
    }, workerData.deadlineMs);`;
  const worker = new Worker(code, { eval: true, execArgv: [], workerData: { deadlineMs, children: [...childPids], self: process.pid } });
  // Its start-up needs this thread; from 'online' on its timer runs on its own (and may be unref'd:
  // an unref'd worker that is not yet online never comes up).
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  worker.unref();
  return () => void worker.terminate();
}

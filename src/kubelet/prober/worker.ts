// One probe of one container instance, run periodically on the clock until stopped (pkg/kubelet/prober/worker.go).

import type { Clock } from '../../api/clock.js';
import type { Container, Pod, Probe } from '../../api/types.js';
import type { Result, ResultsManager } from './results/results-manager.js';

/** Which probe a worker runs. */
export type ProbeType = 'startup' | 'liveness' | 'readiness';

const LABEL: Record<ProbeType, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

/** The result a worker caches before its first verdict: readiness failure, liveness success, startup unknown. */
export function initialResult(type: ProbeType): Result | undefined {
  return type === 'readiness' ? 'failure' : type === 'liveness' ? 'success' : undefined;
}

/** What a {@link ProbeWorker} probes and whom it tells. */
export interface ProbeWorkerOptions {
  type: ProbeType;
  pod: Pod;
  container: Container;
  probe: Probe;
  /** The running container instance. */
  containerId: string;
  /** When the instance started, ms since the epoch: the first probe waits until `initialDelaySeconds` after it. */
  startedAt: number;
  clock: Clock;
  /** This probe type's results; the worker is the only writer of `containerId` there. */
  results: ResultsManager;
  /** The startup results: liveness and readiness wait while a startup probe exists and has not succeeded. */
  startupResults: ResultsManager;
  /** Runs the probe once (prober.ts `runProbe` bound to the runtime and pod IP). */
  run(): Promise<[Result, string]>;
  /** Records Warning `Unhealthy` `<Type> probe failed: <output>` after every failed run. */
  unhealthy(message: string): void;
  /** Called when the cached result changed (the pod worker re-syncs). */
  onChange(): void;
}

/**
 * The per-container loop: caches the initial result, waits until `startedAt + initialDelaySeconds`, then probes
 * every `periodSeconds` (default 10). The result turns `failure` after `failureThreshold` (default 3)
 * consecutive failures and `success` after `successThreshold` (default 1) consecutive successes; a run that
 * breaks neither streak keeps the previous result. Rounds are skipped (the period still ticks) while a startup
 * probe gates liveness/readiness, once a startup probe has a result (it has done its job, or the container is
 * being killed), and once liveness failed (the container is being restarted; a new instance gets a new worker).
 */
export class ProbeWorker {
  private timer: unknown;
  private stopped = false;
  private successes = 0;
  private failures = 0;

  constructor(private readonly o: ProbeWorkerOptions) {}

  /** Caches the initial result (without `onChange`) and schedules the first run. */
  start(): void {
    this.o.results.set(this.o.containerId, initialResult(this.o.type));
    const delay = Math.max(0, this.o.startedAt + (this.o.probe.initialDelaySeconds ?? 0) * 1000 - this.o.clock.now());
    this.timer = this.o.clock.schedule(() => void this.tick(), delay);
  }

  /** Cancels the next run and drops the cached result; a run in flight finishes without effect. */
  stop(): void {
    this.stopped = true;
    this.o.clock.cancel(this.timer);
    this.o.results.remove(this.o.containerId);
  }

  private skipRound(result: Result | undefined): boolean {
    const { type, container, containerId } = this.o;
    if (type !== 'startup' && container.startupProbe && this.o.startupResults.get(containerId) !== 'success') return true;
    if (type === 'startup' && result !== undefined) return true;
    return type === 'liveness' && result === 'failure';
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const { type, probe, containerId, results } = this.o;
    if (!this.skipRound(results.get(containerId))) {
      const [r, out] = await this.o.run();
      if (this.stopped) return;
      if (r === 'failure') {
        this.failures++;
        this.successes = 0;
        this.o.unhealthy(`${LABEL[type]} probe failed: ${out.trim()}`);
      } else {
        this.successes++;
        this.failures = 0;
      }
      const current = results.get(containerId);
      const next = this.failures >= (probe.failureThreshold ?? 3) ? 'failure' : this.successes >= (probe.successThreshold ?? 1) ? 'success' : current;
      if (results.set(containerId, next)) this.o.onChange();
    }
    this.timer = this.o.clock.schedule(() => void this.tick(), (probe.periodSeconds ?? 10) * 1000);
  }
}

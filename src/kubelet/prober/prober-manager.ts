// Keeps a probe worker per running container and probe type, and answers probe results to the pod worker and status (pkg/kubelet/prober/prober_manager.go).

import { realClock, type Clock } from '../../api/clock.js';
import type { Container, Pod, Probe } from '../../api/types.js';
import { containerFieldPath, type EventRecorder } from '../events/recorder.js';
import type { ProbeResults } from '../kuberuntime/compute-pod-actions.js';
import type { RuntimePodStatus } from '../container/runtime.js';
import type { ProbeStatus } from '../status/generate.js';
import { runProbe, type ProbeRuntime } from './prober.js';
import { ResultsManager, type Result } from './results/results-manager.js';
import { ProbeWorker, type ProbeType } from './worker.js';

/**
 * Keeps one worker per (container instance, probe type) while the container runs. Results change only after
 * failureThreshold / successThreshold consecutive outcomes; every failed round emits Warning `Unhealthy`.
 * Initial results: readiness failure, liveness success, startup unknown; liveness and readiness wait for the
 * startup probe. `onChange(uid)` wakes the pod worker. Probe timers run on `clock` (default the wall clock).
 */
export class ProberManager implements ProbeResults, ProbeStatus {
  private readonly workers = new Map<string, ProbeWorker>();
  private readonly byPod = new Map<string, Set<string>>();
  private readonly results: Record<ProbeType, ResultsManager> = { startup: new ResultsManager(), liveness: new ResultsManager(), readiness: new ResultsManager() };

  constructor(
    private readonly runtime: ProbeRuntime,
    private readonly recorder: EventRecorder,
    private readonly onChange: (uid: string) => void,
    private readonly clock: Clock = realClock,
  ) {}

  liveness(id: string): Result | undefined {
    return this.results.liveness.get(id) ?? 'success';
  }

  startup(id: string): Result | undefined {
    return this.results.startup.get(id);
  }

  ready(id: string, c: Container): boolean | undefined {
    if (!c.readinessProbe) return undefined;
    return this.results.readiness.get(id) === 'success';
  }

  started(id: string, c: Container): boolean | undefined {
    if (!c.startupProbe) return undefined;
    return this.results.startup.get(id) === 'success';
  }

  /** Starts workers for running containers of `pod` and stops those of instances that are gone or stopped. */
  sync(pod: Pod, status: RuntimePodStatus): void {
    const uid = pod.metadata.uid ?? '';
    const want = new Set<string>();
    const specs = [...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...pod.spec.containers];
    const podIP = status.sandboxes[0]?.ip ?? '';
    for (const c of specs) {
      const inst = status.containers.find((x) => x.name === c.name);
      if (!inst || inst.state !== 'running') continue;
      const probes: [ProbeType, Probe | undefined][] = [['startup', c.startupProbe], ['liveness', c.livenessProbe], ['readiness', c.readinessProbe]];
      for (const [type, probe] of probes) {
        if (!probe) continue;
        const key = `${inst.id}/${type}`;
        want.add(key);
        if (this.workers.has(key)) continue;
        const worker = new ProbeWorker({
          type,
          pod,
          container: c,
          probe,
          containerId: inst.id,
          startedAt: inst.startedAt,
          clock: this.clock,
          results: this.results[type],
          startupResults: this.results.startup,
          run: () => runProbe(this.runtime, inst.id, c, probe, podIP),
          unhealthy: (message) => this.recorder.event(pod, 'Warning', 'Unhealthy', message, containerFieldPath(pod, c.name)),
          onChange: () => this.onChange(uid),
        });
        this.workers.set(key, worker);
        worker.start();
      }
    }
    for (const key of this.byPod.get(uid) ?? []) {
      if (!want.has(key)) this.drop(key);
    }
    this.byPod.set(uid, want);
  }

  private drop(key: string): void {
    this.workers.get(key)?.stop();
    this.workers.delete(key);
  }

  /** Stops the workers of pod `uid`. */
  forget(uid: string): void {
    for (const key of this.byPod.get(uid) ?? []) this.drop(key);
    this.byPod.delete(uid);
  }

  /** Stops every worker. */
  stop(): void {
    for (const w of this.workers.values()) w.stop();
    this.workers.clear();
    for (const r of Object.values(this.results)) r.clear();
  }
}

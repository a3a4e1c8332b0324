// Startup, liveness and readiness probes per running container (pkg/kubelet/prober/{worker.go,prober_manager.go}), spec §7.

import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Container, Pod, Probe } from '../../api/types.js';
import type { RuntimeService } from '../../cri/types.js';
import { containerFieldPath, type EventRecorder } from '../events/recorder.js';
import type { ProbeResults } from '../kuberuntime/compute-pod-actions.js';
import type { RuntimePodStatus } from '../kuberuntime/runtime-pod.js';
import type { ProbeStatus } from '../status/generate.js';

type ProbeType = 'startup' | 'liveness' | 'readiness';
type Result = 'success' | 'failure';

interface Worker {
  timer: NodeJS.Timeout | undefined;
  result: Result | undefined;
  successes: number;
  failures: number;
  stopped: boolean;
}

const LABEL: Record<ProbeType, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

function resolvePort(port: number | string, c: Container): number {
  if (typeof port === 'number') return port;
  return c.ports?.find((p) => p.name === port)?.containerPort ?? Number.parseInt(port, 10);
}

/** Runs one probe; resolves [result, output]. */
export async function runProbe(runtime: RuntimeService, containerId: string, c: Container, probe: Probe, podIP: string): Promise<[Result, string]> {
  const timeout = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec?.command) {
    try {
      const r = await runtime.execSync(containerId, probe.exec.command, probe.timeoutSeconds ?? 1);
      return [r.exitCode === 0 ? 'success' : 'failure', Buffer.concat([r.stdout, r.stderr]).toString()];
    } catch (err) {
      return ['failure', (err as { details?: string }).details ?? (err as Error).message];
    }
  }
  if (probe.httpGet) {
    const g = probe.httpGet;
    const port = resolvePort(g.port, c);
    const host = g.host || podIP;
    const path = g.path || '/';
    const scheme = g.scheme === 'HTTPS' ? https : http;
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32' };
    for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
    return new Promise((resolve) => {
      const req = scheme.get({ host, port, path, headers, timeout, rejectUnauthorized: false }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? ['success', ''] : ['failure', `HTTP probe failed with statuscode: ${code}`]);
      });
      req.on('timeout', () => req.destroy(new Error(`context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
      req.on('error', (err) => resolve(['failure', `Get "${g.scheme === 'HTTPS' ? 'https' : 'http'}://${host}:${port}${path}": ${err.message}`]));
    });
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, c);
    const host = probe.tcpSocket.host || podIP;
    return new Promise((resolve) => {
      const sock = net.connect({ host, port, timeout });
      sock.on('connect', () => {
        sock.destroy();
        resolve(['success', '']);
      });
      sock.on('timeout', () => {
        sock.destroy();
        resolve(['failure', `dial tcp ${host}:${port}: i/o timeout`]);
      });
      sock.on('error', (err) => resolve(['failure', `dial tcp ${host}:${port}: ${err.message}`]));
    });
  }
  return ['success', ''];
}

/**
 * Keeps one worker per (container instance, probe type) while the container runs. Results change only after
 * failureThreshold / successThreshold consecutive outcomes; every failed round emits Warning `Unhealthy`.
 * Initial results: readiness failure, liveness success, startup unknown; liveness and readiness wait for the
 * startup probe. `onChange(uid)` wakes the pod worker.
 */
export class ProberManager implements ProbeResults, ProbeStatus {
  private readonly workers = new Map<string, Worker>();
  private readonly byPod = new Map<string, Set<string>>();

  constructor(
    private readonly runtime: RuntimeService,
    private readonly recorder: EventRecorder,
    private readonly onChange: (uid: string) => void,
  ) {}

  private get(id: string, type: ProbeType): Result | undefined {
    return this.workers.get(`${id}/${type}`)?.result;
  }

  liveness(id: string): Result | undefined {
    return this.get(id, 'liveness') ?? 'success';
  }

  startup(id: string): Result | undefined {
    return this.get(id, 'startup');
  }

  ready(id: string, c: Container): boolean | undefined {
    if (!c.readinessProbe) return undefined;
    return this.get(id, 'readiness') === 'success';
  }

  started(id: string, c: Container): boolean | undefined {
    if (!c.startupProbe) return undefined;
    return this.get(id, 'startup') === 'success';
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
        const w: Worker = { timer: undefined, result: type === 'readiness' ? 'failure' : type === 'liveness' ? 'success' : undefined, successes: 0, failures: 0, stopped: false };
        this.workers.set(key, w);
        const delay = Math.max(0, inst.startedAt + (probe.initialDelaySeconds ?? 0) * 1000 - Date.now());
        const tick = async (): Promise<void> => {
          if (w.stopped) return;
          const gated = type !== 'startup' && c.startupProbe && this.get(inst.id, 'startup') !== 'success';
          const paused = type === 'startup' && w.result !== undefined;
          if (!gated && !paused && !(type === 'liveness' && w.result === 'failure')) {
            const [r, out] = await runProbe(this.runtime, inst.id, c, probe, podIP);
            if (w.stopped) return;
            if (r === 'failure') {
              w.failures++;
              w.successes = 0;
              this.recorder.event(pod, 'Warning', 'Unhealthy', `${LABEL[type]} probe failed: ${out.trim()}`, containerFieldPath(pod, c.name));
            } else {
              w.successes++;
              w.failures = 0;
            }
            const next: Result | undefined =
              w.failures >= (probe.failureThreshold ?? 3) ? 'failure' : w.successes >= (probe.successThreshold ?? 1) ? 'success' : w.result;
            if (next !== w.result) {
              w.result = next;
              this.onChange(uid);
            }
          }
          w.timer = setTimeout(() => void tick(), (probe.periodSeconds ?? 10) * 1000);
          w.timer.unref?.();
        };
        w.timer = setTimeout(() => void tick(), delay);
        w.timer.unref?.();
      }
    }
    for (const key of this.byPod.get(uid) ?? []) {
      if (!want.has(key)) this.drop(key);
    }
    this.byPod.set(uid, want);
  }

  private drop(key: string): void {
    const w = this.workers.get(key);
    if (!w) return;
    w.stopped = true;
    clearTimeout(w.timer);
    this.workers.delete(key);
  }

  /** Stops the workers of pod `uid`. */
  forget(uid: string): void {
    for (const key of this.byPod.get(uid) ?? []) this.drop(key);
    this.byPod.delete(uid);
  }

  /** Stops every worker. */
  stop(): void {
    for (const w of this.workers.values()) {
      w.stopped = true;
      clearTimeout(w.timer);
    }
    this.workers.clear();
  }
}

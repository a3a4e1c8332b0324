/**
 * The floor: how long containerd itself needs to start a pod, driven by direct CRI calls from the benchmark
 * (RunPodSandbox, CreateContainer and StartContainer of each init container, waiting for it to exit 0, then of
 * every app container), against the cluster's own containerd; and k1s's create → Ready through the API and a
 * watch for the same pods, serially and 20 at once, printed as ratios (k1s / floor).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Container, Pod } from '../../src/api/types.js';
import { runtimePaths } from '../../src/containerd/paths.js';
import { createCriClient, type CriClient } from '../../src/cri/client.js';
import type { ContainerConfig, Mount, PodSandboxConfig } from '../../src/cri/types.js';
import { createApiClient, type RestClient } from '../../src/client/rest-client.js';
import { ensurePki } from '../../src/pki/pki.js';
import type { Cluster } from '../e2e/harness.js';
import { fullImageRef } from '../e2e/seed-manifests.js';
import { repoRoot } from '../e2e/paths.js';

type Record_ = (what: string, value: string) => void;

/** Label on the floor's own sandboxes (no pod uid label, so the kubelet never adopts or removes them). */
const FLOOR_LABEL = 'k1s-bench-floor';

/**
 * Seed 000's "Multi-Container Pod Template" (init + nginx + busybox sidecar sharing an emptyDir), with
 * `imagePullPolicy: IfNotPresent` so that neither side pulls: the images are present after the warm-up round.
 */
const MULTI_POD_TEMPLATE = `apiVersion: v1
kind: Pod
metadata:
  name: multi-pod
spec:
  volumes:
  - name: shared
    emptyDir: {}
  initContainers:
  - name: init
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ['sh', '-c', 'echo init']
  containers:
  - name: main
    image: nginx
    imagePullPolicy: IfNotPresent
    volumeMounts:
    - name: shared
      mountPath: /data
  - name: sidecar
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ['sh', '-c', 'sleep 3600']
    volumeMounts:
    - name: shared
      mountPath: /data
`;

/** One workload measured against its floor. */
interface Workload {
  what: string;
  pod: Pod;
}

async function workloads(): Promise<Workload[]> {
  const sidecar = parse(await readFile(join(repoRoot, 'examples', 'sidecar-pod.yaml'), 'utf8')) as Pod;
  return [
    { what: 'seed 004 sidecar pod (2 containers, emptyDir)', pod: sidecar },
    { what: 'seed 000 multi-pod template (init + 2 containers, emptyDir)', pod: parse(MULTI_POD_TEMPLATE) as Pod },
  ];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function p50p95(ms: number[]): { p50: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95) };
}

/** What the floor created for one pod, to remove afterwards. */
interface FloorPod {
  sandboxId: string;
}

/**
 * Starts `pod` by direct CRI calls, as the kubelet must: the sandbox (CNI set up by containerd), each init
 * container created, started and awaited to exit 0 (ContainerStatus polled every 5 ms), then every app
 * container created and started in order. Resolves when the last StartContainer returns.
 */
async function floorStart(cri: CriClient, pod: Pod, dir: string, name: string): Promise<FloorPod> {
  const uid = randomUUID();
  const podDir = join(dir, uid);
  const logDirectory = join(podDir, 'logs');
  await mkdir(logDirectory, { recursive: true });
  const volumes = new Map<string, string>();
  for (const v of pod.spec.volumes ?? []) {
    const path = join(podDir, 'volumes', v.name);
    await mkdir(path, { recursive: true });
    volumes.set(v.name, path);
  }
  const namespaceOptions = { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } as const;
  const sandboxConfig: PodSandboxConfig = {
    metadata: { name, namespace: 'k1s-floor', uid, attempt: 0 },
    hostname: name,
    logDirectory,
    labels: { [FLOOR_LABEL]: 'true' },
    linux: { securityContext: { namespaceOptions } },
  };
  const sandboxId = await cri.runtime.runPodSandbox(sandboxConfig);
  const config = (c: Container): ContainerConfig => {
    const mounts: Mount[] = (c.volumeMounts ?? []).map((m) => ({ containerPath: m.mountPath, hostPath: volumes.get(m.name) ?? '', readonly: false }));
    return {
      metadata: { name: c.name, attempt: 0 },
      image: { image: fullImageRef(c.image ?? '') },
      ...(c.command ? { command: c.command } : {}),
      ...(c.args ? { args: c.args } : {}),
      mounts,
      labels: { [FLOOR_LABEL]: 'true' },
      logPath: `${c.name}/0.log`,
      linux: { securityContext: { namespaceOptions } },
    };
  };
  for (const c of pod.spec.initContainers ?? []) {
    const id = await cri.runtime.createContainer(sandboxId, config(c), sandboxConfig);
    await cri.runtime.startContainer(id);
    for (;;) {
      const st = await cri.runtime.containerStatus(id);
      if (st.state === 'CONTAINER_EXITED') {
        if (st.exitCode !== 0) throw new Error(`floor: init container "${c.name}" exited ${st.exitCode}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  for (const c of pod.spec.containers) {
    const id = await cri.runtime.createContainer(sandboxId, config(c), sandboxConfig);
    await cri.runtime.startContainer(id);
  }
  return { sandboxId };
}

/** StopPodSandbox (kills its containers) and RemovePodSandbox (removes them) of every floor pod. */
async function floorCleanup(cri: CriClient, pods: FloorPod[]): Promise<void> {
  await Promise.all(
    pods.map(async (p) => {
      await cri.runtime.stopPodSandbox(p.sandboxId);
      await cri.runtime.removePodSandbox(p.sandboxId);
    }),
  );
}

/** A pod named `name` from `base`, in namespace default, labelled for this run. */
function named(base: Pod, name: string, run: string): Pod {
  return { ...base, metadata: { name, namespace: 'default', labels: { ...(base.metadata.labels ?? {}), 'k1s-bench': run } } };
}

function readyPod(p: Pod): boolean {
  const st = p.status;
  return st?.phase === 'Running' && (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Creates `pods` through the API at once and resolves with the ms from the first create until each is Ready (seen by one watch). */
async function k1sStart(c: RestClient, pods: Pod[], run: string): Promise<number[]> {
  const list = await c.list<Pod>('/api/v1/namespaces/default/pods', { labelSelector: `k1s-bench=${run}` });
  const ac = new AbortController();
  const pending = new Set(pods.map((p) => p.metadata.name ?? ''));
  const times: number[] = [];
  let t0 = 0;
  const watch = (async () => {
    for await (const ev of c.watch<Pod>('/api/v1/namespaces/default/pods', { resourceVersion: list.metadata.resourceVersion ?? '0', labelSelector: `k1s-bench=${run}` }, ac.signal)) {
      const name = ev.object.metadata.name ?? '';
      if (pending.has(name) && readyPod(ev.object)) {
        pending.delete(name);
        times.push(performance.now() - t0);
        if (pending.size === 0) return;
      }
    }
  })();
  t0 = performance.now();
  await Promise.all(pods.map((p) => c.create('/api/v1/namespaces/default/pods', p)));
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`pods not Ready after 120 s: ${[...pending].join(', ')}`)), 120_000).unref());
  await Promise.race([watch, timeout]);
  ac.abort();
  return times;
}

/** Deletes the pods labelled `run` (grace 0 → the kubelet's 2 s minimum) and waits until they are gone. */
async function k1sCleanup(c: RestClient, run: string): Promise<void> {
  const list = await c.list<Pod>('/api/v1/namespaces/default/pods', { labelSelector: `k1s-bench=${run}` });
  await Promise.all(list.items.map((p) => c.delete(`/api/v1/namespaces/default/pods/${p.metadata.name}`, { gracePeriodSeconds: 0 }).catch(() => undefined)));
  const deadline = Date.now() + 120_000;
  while ((await c.list<Pod>('/api/v1/namespaces/default/pods', { labelSelector: `k1s-bench=${run}` })).items.length > 0) {
    if (Date.now() > deadline) throw new Error(`pods of run ${run} not gone after 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An admin API client for the cluster. */
export async function adminClient(cluster: Cluster): Promise<RestClient> {
  const pki = await ensurePki(join(cluster.dataDir, 'tls'), cluster.nodeName);
  return createApiClient({ server: `https://127.0.0.1:${cluster.port}`, caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
}

/**
 * For each workload: a warm-up (pulls nginx, not measured), then `rounds` alternating rounds of k1s (create →
 * Ready through the API and a watch) and the floor (direct CRI), each pod removed before the next round; then
 * `concurrent` pods at once, on each side, the wall time until all are Ready. Records p50/p95 and the ratios.
 */
export async function benchFloor(cluster: Cluster, record: Record_, rounds: number, concurrent: number): Promise<void> {
  const c = await adminClient(cluster);
  const cri = createCriClient(runtimePaths(cluster.dataDir).socket);
  const dir = await mkdtemp(join(tmpdir(), 'k1s-floor-'));
  let run = 0;
  const nextRun = () => `r${++run}`;
  try {
    for (const w of await workloads()) {
      const warm = nextRun();
      await k1sStart(c, [named(w.pod, `warm-${warm}`, warm)], warm);
      await k1sCleanup(c, warm);
      await floorCleanup(cri, [await floorStart(cri, w.pod, dir, 'floor-warm')]);

      const k1s: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const r = nextRun();
        k1s.push(...(await k1sStart(c, [named(w.pod, `bench-${r}`, r)], r)));
        await k1sCleanup(c, r);
        const t0 = performance.now();
        const fp = await floorStart(cri, w.pod, dir, `floor-${r}`);
        floor.push(performance.now() - t0);
        await floorCleanup(cri, [fp]);
      }
      const k = p50p95(k1s);
      const f = p50p95(floor);
      record(`floor: ${w.what}, create → Ready, serial (n=${rounds})`, `k1s p50 ${k.p50.toFixed(0)} ms, p95 ${k.p95.toFixed(0)} ms; floor (direct CRI) p50 ${f.p50.toFixed(0)} ms, p95 ${f.p95.toFixed(0)} ms; ratio p50 ${(k.p50 / f.p50).toFixed(2)}, p95 ${(k.p95 / f.p95).toFixed(2)}`);
      console.log(`# ${w.what}: k1s samples (ms, in order) ${k1s.map((x) => x.toFixed(0)).join(' ')}; floor ${floor.map((x) => x.toFixed(0)).join(' ')}`);

      const r = nextRun();
      const pods = Array.from({ length: concurrent }, (_, i) => named(w.pod, `bench-${r}-${i}`, r));
      const times = await k1sStart(c, pods, r);
      const k1sWall = Math.max(...times);
      await k1sCleanup(c, r);
      const t0 = performance.now();
      const fps = await Promise.all(pods.map((_, i) => floorStart(cri, w.pod, dir, `floor-${r}-${i}`)));
      const floorWall = performance.now() - t0;
      await floorCleanup(cri, fps);
      record(`floor: ${w.what}, ${concurrent} at once → all Ready`, `k1s ${k1sWall.toFixed(0)} ms; floor (direct CRI) ${floorWall.toFixed(0)} ms; ratio ${(k1sWall / floorWall).toFixed(2)}`);
    }
  } finally {
    const left = await cri.runtime.listPodSandbox({ labelSelector: { [FLOOR_LABEL]: 'true' } }).catch(() => []);
    await floorCleanup(cri, left.map((s) => ({ sandboxId: s.id }))).catch((err: unknown) => console.error(`floor cleanup: ${String(err)}`));
    cri.close();
    c.close();
    await rm(dir, { recursive: true, force: true });
  }
}

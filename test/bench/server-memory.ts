/**
 * `k1s server` cold start (fresh data dir → ready file → node Ready, polled every 20 ms) and the server's
 * resident memory: idle, with 50 and with 110 pods (the kubelet's default maxPods), and sampled every 30 s over a
 * soak at 110 pods with churn (K1S_SOAK_MINUTES, default 30).
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from '../../src/api/types.js';
import type { RestClient } from '../../src/client/rest-client.js';
import { freeLocalPort } from '../../src/containerd/supervisor.js';
import { run, type Cluster } from '../e2e/harness.js';
import { k1sBin } from '../e2e/paths.js';
import { adminClient } from './floor.js';

type Record_ = (what: string, value: string) => void;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number, everyMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Starts `k1s server` on a fresh data dir (the images it builds at start, the pause image, included), and records
 * spawn → ready file and spawn → node Ready; then stops it (SIGTERM), runs `k1s killall` and removes the dir.
 * Run it with no other cluster up.
 */
export async function benchColdStart(record: Record_): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'k1s-bench-cold-'));
  const port = await freeLocalPort();
  const out = openSync(join(dataDir, 'server.log'), 'a');
  const cidr = `10.${100 + Math.floor(Math.random() * 100)}.0.0/16`;
  const t0 = performance.now();
  const server = spawn(process.execPath, [k1sBin, 'server', '--data-dir', dataDir, '--https-listen-port', String(port), '--node-name', 'k1s-cold', '--cluster-cidr', cidr, '--disable-default-registry-endpoint'], { stdio: ['ignore', out, out] });
  const exited = new Promise((r) => server.once('exit', r));
  try {
    await until('the ready file', async () => existsSync(join(dataDir, 'ready')), 120_000, 20);
    const readyMs = performance.now() - t0;
    const c = await adminClient({ dataDir, port, nodeName: 'k1s-cold' } as Cluster);
    await until(
      'node Ready',
      async () => ((await c.get<Node>('/api/v1/nodes/k1s-cold')).status?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True'),
      120_000,
      20,
    );
    const nodeReadyMs = performance.now() - t0;
    c.close();
    record('server: cold start (fresh data dir) → ready file / → node Ready', `${readyMs.toFixed(0)} ms / ${nodeReadyMs.toFixed(0)} ms`);
  } catch (err) {
    console.error(readFileSync(join(dataDir, 'server.log'), 'utf8').slice(-4000));
    throw err;
  } finally {
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
    const k = await run(process.execPath, [k1sBin, 'killall', '--data-dir', dataDir], { timeoutMs: 60_000 });
    if (k.code !== 0) console.error(`cold start: k1s killall failed: ${k.stderr}`);
    else await rm(dataDir, { recursive: true, force: true });
  }
}

/** Resident memory of the cluster's `k1s server` process (its pid file), MiB. */
export async function serverRssMiB(cluster: Cluster): Promise<number> {
  const pid = (await readFile(join(cluster.dataDir, 'k1s.pid'), 'utf8')).trim();
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** A one-container busybox pod that exits at once on SIGTERM (so churn deletes are quick). */
function smallPod(name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { 'k1s-bench': 'memory' } },
    spec: {
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'] }],
    },
  };
}

function isReady(p: Pod): boolean {
  return p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

async function readyCount(c: RestClient): Promise<{ total: number; ready: number }> {
  const list = await c.list<Pod>('/api/v1/namespaces/default/pods', { labelSelector: 'k1s-bench=memory' });
  return { total: list.items.length, ready: list.items.filter(isReady).length };
}

/** Creates pods mem-<from>..mem-<to-1>, 10 at a time, and waits until all `to` memory pods are Ready. */
async function scaleTo(c: RestClient, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, to - i) }, (_, k) => c.create('/api/v1/namespaces/default/pods', smallPod(`mem-${i + k}`))));
  }
  await until(`${to} pods Ready`, async () => (await readyCount(c)).ready === to, 600_000, 500);
}

async function deleteAndWait(c: RestClient, name: string): Promise<void> {
  await c.delete(`/api/v1/namespaces/default/pods/${name}`, { gracePeriodSeconds: 0 });
  await until(`pod ${name} gone`, async () => {
    try {
      await c.get(`/api/v1/namespaces/default/pods/${name}`);
      return false;
    } catch {
      return true;
    }
  }, 120_000, 100);
}

/**
 * Records the server's RSS idle (after `settleMs`), with 50 and with 110 ready pods, and over a soak of
 * `soakMinutes` at 110 pods with churn (one pod deleted and, once gone, a new one created and awaited Ready, over and
 * over), sampled every 30 s: first, last, max and whether it grew (the second half's mean more than 10 % above the
 * first half's).
 * Leaves the pods in place (cluster.stop() deletes them).
 */
export async function benchMemory(cluster: Cluster, record: Record_, soakMinutes: number, settleMs = 5_000): Promise<void> {
  const c = await adminClient(cluster);
  try {
    await sleep(settleMs);
    record('memory: k1s server RSS idle (no pods)', `${(await serverRssMiB(cluster)).toFixed(0)} MiB`);
    let t0 = performance.now();
    await scaleTo(c, 0, 50);
    const at50 = performance.now() - t0;
    await sleep(settleMs);
    record('memory: k1s server RSS with 50 pods', `${(await serverRssMiB(cluster)).toFixed(0)} MiB (50 pods created → Ready in ${(at50 / 1000).toFixed(1)} s)`);
    t0 = performance.now();
    await scaleTo(c, 50, 110);
    const at110 = performance.now() - t0;
    await sleep(settleMs);
    record('memory: k1s server RSS with 110 pods (maxPods)', `${(await serverRssMiB(cluster)).toFixed(0)} MiB (60 more pods → Ready in ${(at110 / 1000).toFixed(1)} s)`);
    if (soakMinutes <= 0) return;

    const samples: number[] = [await serverRssMiB(cluster)];
    const end = Date.now() + soakMinutes * 60_000;
    let nextSample = Date.now() + 30_000;
    let oldest = 0;
    let next = 110;
    let cycles = 0;
    while (Date.now() < end) {
      await deleteAndWait(c, `mem-${oldest++}`);
      const name = `mem-${next++}`;
      await c.create('/api/v1/namespaces/default/pods', smallPod(name));
      await until(`pod ${name} Ready`, async () => isReady(await c.get<Pod>(`/api/v1/namespaces/default/pods/${name}`)), 120_000, 100);
      cycles++;
      if (Date.now() >= nextSample) {
        samples.push(await serverRssMiB(cluster));
        nextSample += 30_000;
      }
    }
    samples.push(await serverRssMiB(cluster));
    const first = samples[0] ?? NaN;
    const last = samples[samples.length - 1] ?? NaN;
    const max = Math.max(...samples);
    // GC makes RSS a sawtooth: compare the halves' means, not two single samples
    const half = Math.floor(samples.length / 2);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = mean(samples.slice(0, half));
    const late = mean(samples.slice(half));
    const verdict = late > early * 1.1 ? `growing (mean ${early.toFixed(0)} → ${late.toFixed(0)} MiB)` : `flat (mean of first half ${early.toFixed(0)}, second half ${late.toFixed(0)} MiB)`;
    record(
      `memory: k1s server RSS over a ${soakMinutes} min soak at 110 pods with churn`,
      `first ${first.toFixed(0)} MiB, last ${last.toFixed(0)} MiB, max ${max.toFixed(0)} MiB: ${verdict} (${cycles} pods replaced, ${samples.length} samples: ${samples.map((s) => s.toFixed(0)).join(' ')})`,
    );
  } finally {
    c.close();
  }
}

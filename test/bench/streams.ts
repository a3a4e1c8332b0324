/**
 * Stream figures for `npm run bench` (issue 7): exec round trip (`kubectl exec POD -- true` as a user runs it,
 * and a WebSocket exec from @kubernetes/client-node without kubectl's process start), `kubectl logs -f`
 * throughput of a container that writes a burst of output, and `kubectl cp` of 100 MiB into the pod and back.
 * Printed, never asserted.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { applyAndWait, kubectlPath, type Cluster } from '../e2e/harness.js';

/** MiB the log pod writes to its stdout, and MiB `kubectl cp` moves. */
const LOG_MB = 64;
const CP_MB = 100;

const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: bench-streams
spec:
  containers:
  - name: shell
    image: busybox:1.36
    command: ['sleep', '3600']
  - name: burst
    image: busybox:1.36
    command: ['sh', '-c', 'sleep 2; yes 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde | head -c ${LOG_MB * 1024 * 1024}; sleep 3600']
`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function p50p99(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms (n=${s.length})`;
}

/** Runs kubectl with the cluster's kubeconfig; resolves with its exit code. */
function kubectl(cluster: Cluster, args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath!, [`--kubeconfig=${cluster.kubeconfig}`, ...args], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

/** One client-node exec of `true`, resolving with its round trip in ms. */
async function wsExec(kc: KubeConfig): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    new Exec(kc)
      .exec('default', 'bench-streams', 'shell', ['true'], sink, sink, null, false, (s: V1Status) => (s.status === 'Success' ? resolve() : reject(new Error(JSON.stringify(s)))))
      .catch(reject);
  });
  return performance.now() - t0;
}

/** Measures the stream figures on a running cluster and hands each to `record(what, value)`. */
export async function benchStreams(cluster: Cluster, record: (what: string, value: string) => void): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'k1s-bench-streams-'));
  try {
    await applyAndWait(cluster, MANIFEST, 'bench-streams', /^Running$/);
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const viaKubectl: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const code = await kubectl(cluster, ['exec', 'bench-streams', '-c', 'shell', '--', 'true']);
      if (code !== 0) throw new Error(`kubectl exec exited ${code}`);
      viaKubectl.push(performance.now() - t0);
    }
    record('streams: `kubectl exec POD -- true`, wall time incl. kubectl start', p50p99(viaKubectl));
    const viaWs: number[] = [];
    for (let i = 0; i < 50; i++) viaWs.push(await wsExec(kc));
    record('streams: exec round trip over WebSocket (client-node, `true`)', p50p99(viaWs));

    // The burst container has written its output (or is writing it): follow until all of it arrived.
    const want = LOG_MB * 1024 * 1024;
    const t0 = performance.now();
    const got = await new Promise<number>((resolve, reject) => {
      const child = spawn(kubectlPath!, [`--kubeconfig=${cluster.kubeconfig}`, 'logs', '-f', 'bench-streams', '-c', 'burst'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let n = 0;
      child.stdout.on('data', (d: Buffer) => {
        n += d.length;
        if (n >= want) {
          child.kill('SIGTERM');
          resolve(n);
        }
      });
      child.once('error', reject);
      child.once('exit', () => resolve(n));
    });
    const s = (performance.now() - t0) / 1000;
    record(`streams: \`kubectl logs -f\` of a ${LOG_MB} MiB burst`, `${(got / 1024 / 1024 / s).toFixed(0)} MB/s (${(got / 1024 / 1024).toFixed(0)} MiB in ${s.toFixed(2)} s, incl. the container still writing)`);

    const file = join(work, 'big.bin');
    writeFileSync(file, randomBytes(CP_MB * 1024 * 1024));
    const tIn = performance.now();
    if ((await kubectl(cluster, ['cp', file, 'bench-streams:/tmp/big.bin', '-c', 'shell'])) !== 0) throw new Error('kubectl cp in failed');
    const inS = (performance.now() - tIn) / 1000;
    const back = join(work, 'back.bin');
    const tOut = performance.now();
    if ((await kubectl(cluster, ['cp', 'bench-streams:/tmp/big.bin', back, '-c', 'shell'])) !== 0) throw new Error('kubectl cp out failed');
    const outS = (performance.now() - tOut) / 1000;
    if (statSync(back).size !== CP_MB * 1024 * 1024) throw new Error('kubectl cp out: wrong size');
    record(`streams: \`kubectl cp\` of ${CP_MB} MiB`, `into the pod ${(CP_MB / inS).toFixed(0)} MB/s, out of it ${(CP_MB / outS).toFixed(0)} MB/s`);
    await kubectl(cluster, ['delete', 'pod', 'bench-streams', '--grace-period=0', '--force']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

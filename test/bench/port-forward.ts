/**
 * Port-forward throughput: a large file served by nginx in a pod, fetched through `kubectl port-forward`
 * (kubectl 1.32 tunnels SPDY through a WebSocket; older kubectls speak SPDY/3.1) and directly from the pod IP
 * in the same run, so the ratio says what the forwarding path costs. Used by `npm run bench` and the
 * port-forward e2e suite; figures are printed, never asserted.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyAndWait, kubectlPath, type Cluster } from '../e2e/harness.js';
import { httpGet, startPortForward } from '../../src/kubelet/testing/kubectl-port-forward.js';

/** Size of the file the bench pod serves, MiB. */
export const BENCH_FILE_MB = 64;

/**
 * A pod whose nginx serves /data/big ({@link BENCH_FILE_MB} MiB of random bytes, written by an init container)
 * and whose sidecar's httpd listens on 127.0.0.1:9000 only (the pod's loopback), answering `sidecar-on-localhost`.
 */
export function benchPodManifest(name: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  initContainers:
  - name: fill
    image: busybox:1.36
    command: ['sh', '-c', 'dd if=/dev/urandom of=/data/big bs=1M count=${BENCH_FILE_MB} 2>/dev/null && echo sidecar-on-localhost > /www/index.html']
    volumeMounts: [{name: data, mountPath: /data}, {name: www, mountPath: /www}]
  containers:
  - name: web
    image: nginx
    ports: [{containerPort: 80, name: http}]
    volumeMounts: [{name: data, mountPath: /usr/share/nginx/html/data}]
  - name: local-only
    image: busybox:1.36
    command: ['httpd', '-f', '-p', '127.0.0.1:9000', '-h', '/www']
    volumeMounts: [{name: www, mountPath: /www}]
  volumes: [{name: data, emptyDir: {}}, {name: www, emptyDir: {}}]
`;
}

/** One measured path: what it is and its best rate over the rounds, MB/s (10^6 bytes a second). */
export interface ThroughputFigure {
  what: string;
  mbPerSecond: number;
}

/** Best rate of `rounds` downloads of `bytes` by `get`, MB/s; throws when a download comes back short. */
async function bestRate(bytes: number, rounds: number, get: () => Promise<{ body: Buffer }>): Promise<number> {
  let best = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const got = await get();
    const s = (performance.now() - t0) / 1000;
    if (got.body.length !== bytes) throw new Error(`download of ${bytes} bytes returned ${got.body.length}`);
    best = Math.max(best, bytes / 1e6 / s);
  }
  return best;
}

/**
 * Downloads the bench pod's /data/big `rounds` times directly from the pod IP and through `kubectl
 * port-forward` with each of `kubectls` (label and path); returns the best rate of each, direct first.
 */
export async function measurePortForward(cluster: Cluster, pod: string, kubectls: { label: string; path: string }[], rounds = 3): Promise<ThroughputFigure[]> {
  const bytes = BENCH_FILE_MB * 1024 * 1024;
  const podIP = (await cluster.kubectlOk(['get', 'pod', pod, '-o', 'jsonpath={.status.podIP}'])).trim();
  const figures: ThroughputFigure[] = [{ what: `direct to the pod IP`, mbPerSecond: await bestRate(bytes, rounds, () => httpGet(80, '/data/big', { host: podIP, timeoutMs: 120_000 })) }];
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
  for (const k of kubectls) {
    const pf = await startPortForward(k.path, [`--cache-dir=${join(cluster.dataDir, 'kube-cache')}`, 'port-forward', `pod/${pod}`, ':80'], env, [80]);
    try {
      const local = pf.local.get(80)!;
      figures.push({ what: `kubectl port-forward, ${k.label}`, mbPerSecond: await bestRate(bytes, rounds, () => httpGet(local, '/data/big', { timeoutMs: 120_000 })) });
    } finally {
      await pf.stop();
    }
  }
  return figures;
}

/** The figures as one line: each path's MB/s and its ratio to the direct connection. */
export function describeThroughput(figures: ThroughputFigure[]): string {
  const direct = figures[0]?.mbPerSecond ?? NaN;
  return figures.map((f, i) => `${f.what}: ${f.mbPerSecond.toFixed(0)} MB/s${i > 0 ? ` (${(f.mbPerSecond / direct).toFixed(2)} of direct)` : ''}`).join('; ');
}

/**
 * `npm run bench`'s port-forward figure: starts the bench pod on `cluster`, measures kubectl 1.32 (and 1.29 over
 * SPDY when present) against the direct connection, records one line and deletes the pod.
 */
export async function benchPortForward(cluster: Cluster, record: (what: string, value: string) => void): Promise<void> {
  if (!kubectlPath) return;
  await applyAndWait(cluster, benchPodManifest('pf-bench'), 'pf-bench', /^Running$/, 180_000);
  const old = '/usr/lib/google-cloud-sdk/bin/kubectl.1.29';
  const kubectls = [{ label: 'kubectl 1.32', path: kubectlPath }, ...(existsSync(old) ? [{ label: 'kubectl 1.29 (SPDY)', path: old }] : [])];
  record(`cluster: port-forward, ${BENCH_FILE_MB} MiB from nginx, best of 3`, describeThroughput(await measurePortForward(cluster, 'pf-bench', kubectls)));
  await cluster.kubectlOk(['delete', 'pod', 'pf-bench', '--grace-period=1', '--wait=false']);
}

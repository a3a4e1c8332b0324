/**
 * Benchmarks of the cluster around the pod (issue 6), on a running bench cluster: a Deployment of 20 replicas to all
 * Ready, a Service selector change until new connections reach the new backend, and cluster DNS round trips from
 * inside a pod's network namespace. Traffic goes only to cluster IPs (translated by the proxy) and pod IPs.
 */
import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cluster } from '../e2e/harness.js';

/** A figure for the benchmark table. */
export type Record = (what: string, value: string) => void;

function httpBody(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: 500 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(''));
  });
}

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The network namespace file holding `ip` (containerd keeps them under the data dir: netns_mounts_under_state_dir). */
function netnsOf(dataDir: string, ip: string): string {
  const files = execFileSync('find', [dataDir, '-path', '*/netns/*', '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const file of files) {
    const addrs = execFileSync('nsenter', [`--net=${file}`, 'ip', '-4', '-o', 'addr'], { encoding: 'utf8' });
    if (addrs.includes(` ${ip}/`)) return file;
  }
  throw new Error(`no network namespace under ${dataDir} has ${ip}`);
}

function percentiles(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  return `p50 ${at(50).toFixed(2)} ms, p99 ${at(99).toFixed(2)} ms (n=${s.length})`;
}

/** Runs the three measurements on `cluster` and records them. Cleans up what it created. */
export async function benchServices(cluster: Cluster, record: Record): Promise<void> {
  const k = (args: string[], input?: string) => cluster.kubectlOk(args, input === undefined ? {} : { input });
  // A Deployment of 20 replicas: create → all 20 Ready.
  const t0 = performance.now();
  await k(['create', 'deployment', 'bench20', '--image=nginx', '--replicas=20']);
  await until(async () => ((await k(['get', 'deployment', 'bench20', '-o', 'jsonpath={.status.readyReplicas}'])) === '20' ? true : undefined), 300_000, '20 replicas Ready');
  record('cluster: Deployment of 20 nginx replicas, create → all Ready', `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await k(['delete', 'deployment', 'bench20', '--wait=false']);

  // Service update → traffic follows: two busybox httpd backends answering "a" and "b".
  for (const v of ['a', 'b']) {
    await k(['run', `backend-${v}`, '--image=busybox:1.36', `--labels=app=backend,version=${v}`, '--restart=Never', '--', 'sh', '-c', `mkdir -p /w && echo ${v} > /w/index.html && httpd -f -p 80 -h /w`]);
  }
  await k(['wait', '--for=condition=Ready', 'pod/backend-a', 'pod/backend-b', '--timeout=120s']);
  await k(['create', 'service', 'clusterip', 'backend', '--tcp=80:80']);
  await k(['patch', 'service', 'backend', '-p', '{"spec":{"selector":{"app":"backend","version":"a"}}}']);
  const ip = await k(['get', 'svc', 'backend', '-o', 'jsonpath={.spec.clusterIP}']);
  await until(async () => ((await httpBody(`http://${ip}/`)).trim() === 'a' ? true : undefined), 30_000, 'backend a answers');
  const follow: number[] = [];
  for (let i = 0; i < 6; i++) {
    const to = i % 2 === 0 ? 'b' : 'a';
    const t1 = performance.now();
    await k(['patch', 'service', 'backend', '-p', `{"spec":{"selector":{"app":"backend","version":"${to}"}}}`]);
    await until(async () => ((await httpBody(`http://${ip}/`)).trim() === to ? true : undefined), 30_000, `backend ${to} answers`);
    follow.push(performance.now() - t1);
  }
  record('cluster: Service selector change (kubectl patch) → new connections reach the new backend', percentiles(follow));

  // DNS round trips from inside a pod's network namespace, through the kube-dns Service.
  const podIP = await k(['get', 'pod', 'backend-a', '-o', 'jsonpath={.status.podIP}']);
  const probe = join(fileURLToPath(new URL('.', import.meta.url)), 'dns-probe.js');
  const out = execFileSync('nsenter', [`--net=${netnsOf(cluster.dataDir, podIP)}`, process.execPath, probe, '10.43.0.10', 'backend.default.svc.cluster.local', '1000'], { encoding: 'utf8' });
  record('cluster: DNS A query from inside a pod (UDP, via the kube-dns Service)', percentiles(out.split('\n').filter(Boolean).map(Number)));
  await k(['delete', 'pod', 'backend-a', 'backend-b', '--grace-period=1']);
  await k(['delete', 'service', 'backend']);
}

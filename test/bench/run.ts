/**
 * `npm run bench`: measures k1s and prints a Markdown table of figures (recorded in the README, never asserted).
 *
 * 1. API server + SQLite, in process, over HTTPS with client certificates: create, get, list (JSON and Table)
 *    of N pods, and the time for a write to reach 50 watchers.
 *    Then the cost of authorization on the API path: get pod with AlwaysAllow against Node,RBAC, as system:masters (a
 *    client certificate) and as a ServiceAccount a RoleBinding lets read pods (bearer token checked, RBAC evaluated).
 * 2. A real cluster (bin/k1s server + containerd + runc + CNI): server start → ready, apply → Running of the
 *    seed 004 sidecar pod (observed through a watch), delete → gone, the server's resident memory, and
 *    port-forward throughput against a direct connection to the pod IP (port-forward.ts), and exec round trip,
 *    `kubectl logs -f` throughput and `kubectl cp` of 100 MiB (streams.ts).
 * 3. The floor (floor.ts): create → Ready of the seed 004 and seed 000 pods through k1s against the same work done by
 *    direct CRI calls to the cluster's containerd, serially and 20 at once, as ratios.
 * 4. `k1s server` cold start to node Ready, and the server's resident memory idle, with 50 and 110 pods and over a
 *    soak at 110 pods with churn (server-memory.ts; K1S_SOAK_MINUTES, default 30).
 *
 * K1S_BENCH selects sections (comma-separated: cold,api,authz,cluster,floor,memory; default all); K1S_FLOOR_ROUNDS the
 * serial rounds of each floor workload (default 20).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../src/api/types.js';
import { ServiceAccountTokens, startApiServer, type AuthorizationMode } from '../../src/apiserver/index.js';
import { createApiClient, type RestClient } from '../../src/client/rest-client.js';
import { ensurePki } from '../../src/pki/pki.js';
import { coreStrategies } from '../../src/registry/index.js';
import { SqliteStore } from '../../src/storage/sqlite.js';
import { canRunContainers, startCluster } from '../e2e/harness.js';
import { benchPortForward } from './port-forward.js';
import { repoRoot } from '../e2e/paths.js';
import { benchServices } from './services.js';
import { benchStreams } from './streams.js';
import { benchFloor } from './floor.js';
import { benchColdStart, benchMemory } from './server-memory.js';

interface Figure {
  what: string;
  value: string;
}
const figures: Figure[] = [];

function record(what: string, value: string): void {
  figures.push({ what, value });
  console.error(`${what}: ${value}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms, max ${(s[s.length - 1] ?? NaN).toFixed(1)} ms (n=${s.length})`;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

function pod(name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: 'api' } },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'] }, { name: 'sidecar', image: 'busybox:1.36' }] },
  };
}

async function benchApi(n: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'k1s-bench-'));
  const pki = await ensurePki(join(dir, 'tls'), 'bench');
  const store = new SqliteStore(join(dir, 'state.db'));
  const api = await startApiServer({
    store,
    strategies: coreStrategies(),
    port: 0,
    tls: { caPem: pki.caPem, certPem: pki.apiserver.certPem, keyPem: pki.apiserver.keyPem },
    kubeletClient: { caPem: pki.caPem, certPem: pki.apiserverKubeletClient.certPem, keyPem: pki.apiserverKubeletClient.keyPem },
  });
  const client = (): RestClient =>
    createApiClient({ server: `https://127.0.0.1:${api.port}`, caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  const c = client();
  try {
    const creates: number[] = [];
    const [, total] = await timed(async () => {
      for (let i = 0; i < n; i++) creates.push((await timed(() => c.create('/api/v1/namespaces/default/pods', pod(`p-${i}`))))[1]);
    });
    record(`API: create pod (sequential, ${n} pods)`, `${summary(creates)}; ${(n / (total / 1000)).toFixed(0)} creates/s`);
    const gets: number[] = [];
    for (let i = 0; i < 200; i++) gets.push((await timed(() => c.get(`/api/v1/namespaces/default/pods/p-${i % n}`)))[1]);
    record('API: get pod', summary(gets));
    const lists: number[] = [];
    for (let i = 0; i < 10; i++) lists.push((await timed(() => c.list('/api/v1/namespaces/default/pods')))[1]);
    record(`API: list ${n} pods (JSON)`, summary(lists));

    const watchers = 50;
    const aborts: AbortController[] = [];
    const arrivals: Promise<number>[] = [];
    const rv = (await c.list('/api/v1/namespaces/default/pods', { limit: 1 })).metadata.resourceVersion ?? '0';
    let sentAt = 0;
    for (let w = 0; w < watchers; w++) {
      const ac = new AbortController();
      aborts.push(ac);
      const wc = client();
      arrivals.push(
        (async () => {
          for await (const ev of wc.watch<Pod>('/api/v1/namespaces/default/pods', { resourceVersion: rv, fieldSelector: 'metadata.name=fan-out' }, ac.signal)) {
            if (ev.type === 'ADDED') return performance.now() - sentAt;
          }
          return NaN;
        })(),
      );
    }
    await new Promise((r) => setTimeout(r, 500));
    sentAt = performance.now();
    await c.create('/api/v1/namespaces/default/pods', pod('fan-out'));
    const latencies = await Promise.all(arrivals);
    for (const ac of aborts) ac.abort();
    record(`API: write → ${watchers} watchers (create to event received)`, summary(latencies));
    record('API server process RSS after the above', `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB (bench process, in-process server)`);
  } finally {
    await api.close();
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** p50/p99/max in ms with microsecond precision (for costs well under a millisecond). */
function summaryFine(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(3)} ms, p99 ${percentile(s, 99).toFixed(3)} ms, max ${(s[s.length - 1] ?? NaN).toFixed(3)} ms (n=${s.length})`;
}

/** An in-process API server under `mode` with a pod, and clients as the admin certificate and as a ServiceAccount token a RoleBinding lets read pods. */
async function authorizationServer(mode: AuthorizationMode): Promise<{ admin: RestClient; sa: RestClient; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'k1s-bench-authz-'));
  const pki = await ensurePki(join(dir, 'tls'), 'bench');
  const store = new SqliteStore(join(dir, 'state.db'));
  const tokens = new ServiceAccountTokens({ keyPem: pki.serviceAccount.keyPem, issuer: 'https://kubernetes.default.svc.cluster.local' });
  const api = await startApiServer({
    store,
    strategies: coreStrategies({ serviceCIDR: '10.43.0.0/16', serviceNodePortRange: '30000-32767', serviceAccountTokens: tokens }),
    port: 0,
    tls: { caPem: pki.caPem, certPem: pki.apiserver.certPem, keyPem: pki.apiserver.keyPem },
    kubeletClient: { caPem: pki.caPem, certPem: pki.apiserverKubeletClient.certPem, keyPem: pki.apiserverKubeletClient.keyPem },
    serviceAccountTokens: tokens,
    authorizationMode: mode,
  });
  const server = `https://127.0.0.1:${api.port}`;
  const admin = createApiClient({ server, caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  await admin.create('/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bench' } });
  await admin.create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'pod-reader' },
    rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }],
  });
  await admin.create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'bench-pod-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'bench', namespace: 'default' }],
  });
  await admin.create('/api/v1/namespaces/default/pods', pod('p-0'));
  const tr = await admin.create<{ metadata: object; status?: { token?: string } }>('/api/v1/namespaces/default/serviceaccounts/bench/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
  const sa = createApiClient({ server, caPem: pki.caPem, token: tr.status?.token ?? '' });
  return {
    admin,
    sa,
    async close() {
      sa.close();
      admin.close();
      await api.close();
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The cost of authorization on the API path: get pod with AlwaysAllow against Node,RBAC, as system:masters and as a
 * ServiceAccount token (which AlwaysAllow authenticates too), the four measured in alternating rounds.
 */
async function benchAuthorization(rounds: number, perRound: number): Promise<void> {
  const servers = { AlwaysAllow: await authorizationServer('AlwaysAllow'), 'Node,RBAC': await authorizationServer('Node,RBAC') };
  const cases = (Object.entries(servers) as [string, Awaited<ReturnType<typeof authorizationServer>>][]).flatMap(([mode, s]) => [
    { what: `API: get pod, ${mode}, system:masters certificate`, c: s.admin, ms: [] as number[] },
    { what: `API: get pod, ${mode}, ServiceAccount token (RoleBinding to a pod-reader Role)`, c: s.sa, ms: [] as number[] },
  ]);
  try {
    for (const k of cases) for (let i = 0; i < 100; i++) await k.c.get('/api/v1/namespaces/default/pods/p-0');
    for (let r = 0; r < rounds; r++) {
      for (const k of cases) for (let i = 0; i < perRound; i++) k.ms.push((await timed(() => k.c.get('/api/v1/namespaces/default/pods/p-0')))[1]);
    }
    for (const k of cases) record(k.what, summaryFine(k.ms));
  } finally {
    for (const s of Object.values(servers)) await s.close();
  }
}

async function rssOfServer(dataDir: string): Promise<string> {
  try {
    const pid = (await readFile(join(dataDir, 'k1s.pid'), 'utf8')).trim();
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return `${(kb / 1024).toFixed(0)} MiB`;
  } catch {
    return 'n/a';
  }
}

async function benchCluster(rounds: number): Promise<void> {
  const [cluster, startMs] = await timed(() => startCluster({ nodeName: 'k1s-bench' }));
  record('cluster: k1s server start → ready, images imported, node Ready', `${startMs.toFixed(0)} ms`);
  const pki = await ensurePki(join(cluster.dataDir, 'tls'), 'k1s-bench');
  const c = createApiClient({ server: `https://127.0.0.1:${cluster.port}`, caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  const manifest = await readFile(join(repoRoot, 'examples', 'sidecar-pod.yaml'), 'utf8');
  const { parse } = await import('yaml');
  const base = parse(manifest) as Pod;
  const running: number[] = [];
  const gone: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const p: Pod = { ...base, metadata: { ...base.metadata, name: `sidecar-${i}` } };
      const ac = new AbortController();
      const list = await c.list<Pod>('/api/v1/namespaces/default/pods');
      const t0 = performance.now();
      const watch = (async () => {
        for await (const ev of c.watch<Pod>('/api/v1/namespaces/default/pods', { resourceVersion: list.metadata.resourceVersion ?? '0', fieldSelector: `metadata.name=sidecar-${i}` }, ac.signal)) {
          const st = ev.object.status;
          if (st?.phase === 'Running' && (st.containerStatuses ?? []).every((s) => s.ready)) return performance.now() - t0;
        }
        return NaN;
      })();
      await c.create('/api/v1/namespaces/default/pods', p);
      running.push(await watch);
      ac.abort();
      const t1 = performance.now();
      await c.delete(`/api/v1/namespaces/default/pods/sidecar-${i}`, { gracePeriodSeconds: 1 });
      for (;;) {
        try {
          await c.get(`/api/v1/namespaces/default/pods/sidecar-${i}`);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      gone.push(performance.now() - t1);
    }
    record('cluster: create → Running 2/2 ready (seed 004 sidecar pod, watched)', summary(running));
    record('cluster: delete (grace 1 s; sh and tail ignore SIGTERM) → containers stopped, object gone', summary(gone));
    record('cluster: k1s server RSS (API server + kubelet + scheduler; containerd not included)', await rssOfServer(cluster.dataDir));
    await benchServices(cluster, record);
    await benchPortForward(cluster, record);
    await benchStreams(cluster, record);
  } finally {
    c.close();
    const left = await cluster.stop();
    if (left.length) console.error(`left behind: ${left.join(', ')}`);
  }
}

/** Runs `fn` on a cluster of its own, stopped afterwards. */
async function withCluster(nodeName: string, fn: (cluster: Awaited<ReturnType<typeof startCluster>>) => Promise<void>): Promise<void> {
  const cluster = await startCluster({ nodeName });
  try {
    await fn(cluster);
  } finally {
    const left = await cluster.stop();
    if (left.length) console.error(`left behind: ${left.join(', ')}`);
  }
}

const sections = new Set((process.env['K1S_BENCH'] ?? 'cold,api,authz,cluster,floor,memory').split(',').map((s) => s.trim()));
const soakMinutes = Number(process.env['K1S_SOAK_MINUTES'] ?? '30');
if (!canRunContainers) console.error('skipping the cluster benchmarks: needs root, containerd and runc');
if (canRunContainers && sections.has('cold')) await benchColdStart(record);
if (sections.has('api')) await benchApi(500);
if (sections.has('authz')) await benchAuthorization(20, 100);
if (canRunContainers && sections.has('cluster')) await benchCluster(10);
if (canRunContainers && sections.has('floor')) await withCluster('k1s-bench-floor', (cluster) => benchFloor(cluster, record, Number(process.env['K1S_FLOOR_ROUNDS'] ?? '20'), 20));
if (canRunContainers && sections.has('memory')) await withCluster('k1s-bench-memory', (cluster) => benchMemory(cluster, record, soakMinutes));
console.log('| measurement | result |\n|---|---|');
for (const f of figures) console.log(`| ${f.what} | ${f.value} |`);
process.exit(0);

/**
 * The metrics server installed in a real API server, read by the real kubectl: discovery of metrics.k8s.io,
 * `kubectl top pod` (--containers, -A, --sort-by, -l, a missing pod), `kubectl top node` with CPU% and MEMORY% of
 * the node's allocatable, `kubectl get podmetrics` through metrics-server's Table, and the objects' JSON. A
 * stand-in kubelet answers the scrapes with the kubelet's own exposition (kubelet/stats/resource-metrics.ts):
 * the first scrape at T0, the second 15.004 s later.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestServer, call, type TestServer } from '../apiserver/testing/test-server.js';
import { createApiClient } from '../client/rest-client.js';
import { renderResourceMetrics } from '../kubelet/stats/resource-metrics.js';
import type { PodStats } from '../kubelet/stats/summary.js';
import { createMetricsServer, type MetricsServer } from './metrics-server.js';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const WINDOW_MS = 15_004;

/** Usage rates (cores) and working sets (bytes) the stand-in kubelet reports. */
const USAGE: { ns: string; pod: string; containers: [string, number, number][] }[] = [
  { ns: 'default', pod: 'web', containers: [['app', 0.25, 20 * 2 ** 20], ['side', 0.005, 4 * 2 ** 20]] },
  { ns: 'default', pod: 'db', containers: [['postgres', 0.1, 64 * 2 ** 20]] },
  { ns: 'kube-system', pod: 'dns', containers: [['coredns', 0.003, 12 * 2 ** 20]] },
];

/** The exposition of scrape `n` (0, 1; later ones repeat the second sample, as a kubelet between stats updates). */
function exposition(n: number): string {
  const t = T0 + Math.min(n, 1) * WINDOW_MS;
  const elapsed = (t - (T0 - 600_000)) / 1000;
  const pods: PodStats[] = USAGE.map((u) => ({
    podRef: { name: u.pod, namespace: u.ns, uid: u.pod },
    startTime: T0 - 600_000,
    containers: u.containers.map(([name, cores, mem]) => ({
      name,
      startTime: T0 - 600_000,
      cpu: { time: t, usageCoreNanoSeconds: Math.round(cores * elapsed * 1e9) },
      memory: { time: t, workingSetBytes: mem },
    })),
  }));
  return renderResourceMetrics({ node: { nodeName: 'n1', cpu: { time: t, usageCoreNanoSeconds: Math.round(0.5 * elapsed * 1e9) }, memory: { time: t, workingSetBytes: 2 ** 30 } }, pods });
}

const lines = (text: string): string[] => text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');

describe('metrics.k8s.io with kubectl top', { skip: existsSync('/usr/bin/kubectl') ? false : 'needs /usr/bin/kubectl' }, () => {
  let t: TestServer;
  let metrics: MetricsServer;
  let scrapes = 0;

  before(async () => {
    metrics = createMetricsServer({ kubeletTls: { certPem: '', keyPem: '' }, fetch: async () => exposition(scrapes++) });
    t = await startTestServer(undefined, { readOnly: metrics.resources });
    const client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    await client.create('/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
      status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] },
    });
    for (const u of USAGE) {
      await client.create(`/api/v1/namespaces/${u.ns}/pods`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: u.pod, labels: { app: u.pod } },
        spec: { nodeName: 'n1', containers: u.containers.map(([name]) => ({ name, image: 'busybox:1.36' })) },
      });
    }
    metrics.start(client);
    const deadline = Date.now() + 10_000;
    while (scrapes < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  });

  after(async () => {
    await metrics?.stop();
    await t?.close();
  });

  it('says metrics are not available yet after a single scrape', async () => {
    const r = await t.kubectl(['top', 'pod']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'error: metrics not available yet');
    await metrics.scrapeNow();
    assert.ok(scrapes >= 2);
  });

  it('is discoverable as metrics.k8s.io/v1beta1 with pods and nodes (get, list; no storage version)', async () => {
    const groups = (await call(t, 'GET', '/apis')).json() as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
    assert.deepEqual(groups.groups.find((g) => g.name === 'metrics.k8s.io')?.preferredVersion, { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' });
    assert.deepEqual((await call(t, 'GET', '/apis/metrics.k8s.io/v1beta1')).json(), {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'metrics.k8s.io/v1beta1',
      resources: [
        { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
        { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      ],
    });
    const r = await t.kubectl(['api-resources', '--api-group=metrics.k8s.io']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).map((l) => l.split(/\s+/)), [
      ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'],
      ['nodes', 'metrics.k8s.io/v1beta1', 'false', 'NodeMetrics'],
      ['pods', 'metrics.k8s.io/v1beta1', 'true', 'PodMetrics'],
    ]);
  });

  it('kubectl top pod: the namespace\'s pods, container usage summed, name order', async () => {
    const r = await t.kubectl(['top', 'pod']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['NAME   CPU(cores)   MEMORY(bytes)', 'db     100m         64Mi', 'web    255m         24Mi']);
  });

  it('kubectl top pod NAME --containers: one row a container', async () => {
    const r = await t.kubectl(['top', 'pod', 'web', '--containers']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['POD   NAME   CPU(cores)   MEMORY(bytes)', 'web   app    250m         20Mi', 'web   side   5m           4Mi']);
  });

  it('kubectl top pod -A --sort-by=cpu and --sort-by=memory', async () => {
    let r = await t.kubectl(['top', 'pod', '-A', '--sort-by=cpu']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), [
      'NAMESPACE     NAME   CPU(cores)   MEMORY(bytes)',
      'default       web    255m         24Mi',
      'default       db     100m         64Mi',
      'kube-system   dns    3m           12Mi',
    ]);
    r = await t.kubectl(['top', 'pod', '-A', '--sort-by=memory', '--no-headers']);
    assert.deepEqual(lines(r.stdout).map((l) => l.split(/\s+/)[1]), ['db', 'web', 'dns']);
  });

  it('kubectl top pod -l selects by the pods\' labels', async () => {
    const r = await t.kubectl(['top', 'pod', '-A', '-l', 'app=dns', '--no-headers']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).map((l) => l.split(/\s+/)), [['kube-system', 'dns', '3m', '12Mi']]);
  });

  it('kubectl top pod of a pod that does not exist is the pods NotFound', async () => {
    const r = await t.kubectl(['top', 'pod', 'nope']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
  });

  it('kubectl top node: usage and its share of allocatable', async () => {
    const r = await t.kubectl(['top', 'node']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['NAME   CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)', 'n1     500m         25%      1024Mi          25%']);
  });

  it('kubectl get podmetrics prints metrics-server\'s table: NAME CPU MEMORY WINDOW', async () => {
    const r = await t.kubectl(['get', 'podmetrics']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['NAME   CPU    MEMORY   WINDOW', 'db     100m   64Mi     15.004s', 'web    255m   24Mi     15.004s']);
  });

  it('serves PodMetrics and NodeMetrics JSON with timestamp and window, and refuses watch', async () => {
    const pod = (await call(t, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web')).json() as Record<string, unknown>;
    assert.deepEqual({ ...pod, metadata: { ...(pod['metadata'] as object), creationTimestamp: 'x' } }, {
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: 'x', labels: { app: 'web' } },
      timestamp: '2025-03-01T10:00:15Z',
      window: '15.004s',
      containers: [
        { name: 'app', usage: { cpu: '250m', memory: '20Mi' } },
        { name: 'side', usage: { cpu: '5m', memory: '4Mi' } },
      ],
    });
    const list = (await call(t, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes')).json() as { kind: string; metadata: unknown; items: { usage: unknown; window: string }[] };
    assert.equal(list.kind, 'NodeMetricsList');
    assert.deepEqual(list.metadata, {});
    assert.deepEqual(list.items.map((i) => [i.usage, i.window]), [[{ cpu: '500m', memory: '1Gi' }, '15.004s']]);
    const nodeMissing = await call(t, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes/n2');
    assert.equal(nodeMissing.code, 404);
    assert.equal(nodeMissing.json()['message'], 'node "n2" not found');
    const watch = await call(t, 'GET', '/apis/metrics.k8s.io/v1beta1/pods?watch=true');
    assert.equal(watch.code, 405);
  });

  it('a pod without metrics yet is podmetrics.metrics.k8s.io NotFound', async () => {
    const client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    await client.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fresh' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    const deadline = Date.now() + 5_000;
    let r = await t.kubectl(['top', 'pod', 'fresh']);
    while (r.stderr.includes('pods "fresh" not found') && Date.now() < deadline) r = await t.kubectl(['top', 'pod', 'fresh']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (NotFound): podmetrics.metrics.k8s.io "default/fresh" not found');
  });
});

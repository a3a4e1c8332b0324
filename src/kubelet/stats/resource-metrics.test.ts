// Tests of the /metrics/resource exposition: Go float formatting, the CRI stats provider and the rendered text.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeRuntime } from '../testing/fake-runtime.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { listPodCPUAndMemoryStats, removeTerminatedPods } from './cri-stats-provider.js';
import { formatGoFloat, renderResourceMetrics } from './resource-metrics.js';

describe('formatGoFloat', () => {
  it('writes strconv.FormatFloat(f, g, -1, 64)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [1, '1'],
      [0.5, '0.5'],
      [123456, '123456'],
      [1234567, '1.234567e+06'],
      [12345678, '1.2345678e+07'],
      [1.7e9, '1.7e+09'],
      [1700000000.123, '1.700000000123e+09'],
      [0.0001, '0.0001'],
      [0.00001234, '1.234e-05'],
      [6454.570585116, '6454.570585116'],
      [Infinity, '+Inf'],
      [NaN, 'NaN'],
    ];
    for (const [f, s] of cases) assert.equal(formatGoFloat(f), s, String(f));
  });
});

async function runtimeWithPods(): Promise<{ cri: FakeRuntime; clock: FakeClock }> {
  const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
  const cri = new FakeRuntime(clock);
  const meta = (name: string, uid: string) => ({ name, namespace: 'default', uid, attempt: 0 });
  const labels = (pod: string, uid: string, c: string) => ({ 'io.kubernetes.pod.name': pod, 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': c });
  const web = await cri.runPodSandbox({ metadata: meta('web', 'u1'), labels: labels('web', 'u1', '') });
  for (const [c, cpu, mem] of [['app', 2_500_000_000, 8 * 1024 * 1024], ['side', 500_000_000, 1024 * 1024]] as const) {
    const id = await cri.createContainer(web, { metadata: { name: c, attempt: 0 }, image: { image: 'busybox' }, labels: labels('web', 'u1', c) }, { metadata: meta('web', 'u1') });
    await cri.startContainer(id);
    cri.containers.get(id)!.usage = { cpuCoreNanoSeconds: cpu, workingSetBytes: mem };
  }
  // An exited earlier instance of app counts for nothing.
  const old = await cri.createContainer(web, { metadata: { name: 'app', attempt: 1 }, image: { image: 'busybox' }, labels: labels('web', 'u1', 'app') }, { metadata: meta('web', 'u1') });
  await cri.startContainer(old);
  cri.finish(cri.containers.get(old)!, 1);
  // A pod whose only container exited is not reported.
  const done = await cri.runPodSandbox({ metadata: meta('done', 'u2'), labels: labels('done', 'u2', '') });
  const d = await cri.createContainer(done, { metadata: { name: 'job', attempt: 0 }, image: { image: 'busybox' }, labels: labels('done', 'u2', 'job') }, { metadata: meta('done', 'u2') });
  await cri.startContainer(d);
  cri.finish(cri.containers.get(d)!, 0);
  clock.advance(5_000);
  return { cri, clock };
}

describe('listPodCPUAndMemoryStats', () => {
  it('reports running containers of each pod and the pod as their sum', async () => {
    const { cri, clock } = await runtimeWithPods();
    const pods = await listPodCPUAndMemoryStats(cri, clock.now());
    assert.equal(pods.length, 1);
    const [web] = pods;
    assert.deepEqual(web?.podRef, { name: 'web', namespace: 'default', uid: 'u1' });
    assert.deepEqual(web?.containers.map((c) => [c.name, c.cpu?.usageCoreNanoSeconds, c.memory?.workingSetBytes]), [
      ['app', 2_500_000_000, 8 * 1024 * 1024],
      ['side', 500_000_000, 1024 * 1024],
    ]);
    assert.deepEqual(web?.cpu, { time: clock.now(), usageCoreNanoSeconds: 3_000_000_000 });
    assert.deepEqual(web?.memory, { time: clock.now(), workingSetBytes: 9 * 1024 * 1024 });
    assert.ok((web?.containers[0]?.startTime ?? 0) < clock.now(), 'start time is the container creation');
  });

  it('keeps the ready sandbox of a pod recreated under the same name', () => {
    const sb = (id: string, state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY', createdAt: number) => ({ id, state, createdAt, metadata: { name: 'p', namespace: 'n', uid: id, attempt: 0 }, labels: {}, annotations: {}, runtimeHandler: '' });
    assert.deepEqual(removeTerminatedPods([sb('b', 'SANDBOX_READY', 2), sb('a', 'SANDBOX_NOTREADY', 1)]).map((s) => s.id), ['b']);
    assert.deepEqual(removeTerminatedPods([sb('b', 'SANDBOX_NOTREADY', 2), sb('a', 'SANDBOX_NOTREADY', 1)]).map((s) => s.id), ['b']);
  });
});

describe('renderResourceMetrics', () => {
  it('writes the kubelet\'s families in name order with stability prefixes, labels and ms timestamps', async () => {
    const { cri, clock } = await runtimeWithPods();
    const pods = await listPodCPUAndMemoryStats(cri, clock.now());
    const t = clock.now();
    const start = pods[0]!.containers.map((c) => c.startTime / 1000);
    const text = renderResourceMetrics({ node: { nodeName: 'n1', cpu: { time: t, usageCoreNanoSeconds: 6454570585116 }, memory: { time: t, workingSetBytes: 1286766592 } }, pods });
    assert.equal(
      text,
      [
        '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
        '# TYPE container_cpu_usage_seconds_total counter',
        `container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"} 2.5 ${t}`,
        `container_cpu_usage_seconds_total{container="side",namespace="default",pod="web"} 0.5 ${t}`,
        '# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes',
        '# TYPE container_memory_working_set_bytes gauge',
        `container_memory_working_set_bytes{container="app",namespace="default",pod="web"} 8.388608e+06 ${t}`,
        `container_memory_working_set_bytes{container="side",namespace="default",pod="web"} 1.048576e+06 ${t}`,
        '# HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds',
        '# TYPE container_start_time_seconds gauge',
        `container_start_time_seconds{container="app",namespace="default",pod="web"} ${formatGoFloat(start[0]!)}`,
        `container_start_time_seconds{container="side",namespace="default",pod="web"} ${formatGoFloat(start[1]!)}`,
        '# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds',
        '# TYPE node_cpu_usage_seconds_total counter',
        `node_cpu_usage_seconds_total 6454.570585116 ${t}`,
        '# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes',
        '# TYPE node_memory_working_set_bytes gauge',
        `node_memory_working_set_bytes 1.286766592e+09 ${t}`,
        '# HELP pod_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the pod in core-seconds',
        '# TYPE pod_cpu_usage_seconds_total counter',
        `pod_cpu_usage_seconds_total{namespace="default",pod="web"} 3 ${t}`,
        '# HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes',
        '# TYPE pod_memory_working_set_bytes gauge',
        `pod_memory_working_set_bytes{namespace="default",pod="web"} 9.437184e+06 ${t}`,
        '# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise',
        '# TYPE resource_scrape_error gauge',
        'resource_scrape_error 0',
        '',
      ].join('\n'),
    );
  });

  it('is resource_scrape_error 1 alone when the stats cannot be read', () => {
    assert.equal(
      renderResourceMetrics(new Error('runtime down')),
      '# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise\n# TYPE resource_scrape_error gauge\nresource_scrape_error 1\n',
    );
  });
});

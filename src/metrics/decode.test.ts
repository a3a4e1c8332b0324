// Tests of the Prometheus text reader and of decoding a kubelet's /metrics/resource into metric points.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderResourceMetrics } from '../kubelet/stats/resource-metrics.js';
import { decodeBatch } from './decode.js';
import { parsePrometheusText } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads names, escaped label values, Go floats and ms timestamps; skips comments', () => {
    const text = '# HELP x help\n# TYPE x gauge\nx{a="b\\"c",d="e\\\\f\\ng"} 1.5e+07 1700000000123\ny 0.25\nz{} +Inf\n\n';
    assert.deepEqual(parsePrometheusText(text), [
      { name: 'x', labels: { a: 'b"c', d: 'e\\f\ng' }, value: 1.5e7, timestampMs: 1700000000123 },
      { name: 'y', labels: {}, value: 0.25 },
      { name: 'z', labels: {}, value: Infinity },
    ]);
  });

  it('names the line of malformed input', () => {
    assert.throws(() => parsePrometheusText('ok 1\nbad{a=b} 1\n'), /line 2: expected ="..." after label a/);
    assert.throws(() => parsePrometheusText('x one\n'), /line 1: invalid value "one"/);
  });
});

describe('decodeBatch', () => {
  const t = 1_700_000_000_000;
  const pod = (name: string, containers: { name: string; cpu: number; mem: number }[]) => ({
    podRef: { name, namespace: 'default', uid: name },
    startTime: t - 60_000,
    containers: containers.map((c) => ({ name: c.name, startTime: t - 60_000, cpu: { time: t, usageCoreNanoSeconds: c.cpu }, memory: { time: t, workingSetBytes: c.mem } })),
  });

  it('turns the kubelet\'s exposition into node and container points', () => {
    const text = renderResourceMetrics({
      node: { nodeName: 'n1', cpu: { time: t, usageCoreNanoSeconds: 6_454_570_585_116 }, memory: { time: t, workingSetBytes: 1_286_766_592 } },
      pods: [pod('web', [{ name: 'app', cpu: 2_500_000_000, mem: 8_388_608 }, { name: 'side', cpu: 123_456_789, mem: 1_048_576 }])],
    });
    const batch = decodeBatch(text, t + 5, 'n1');
    assert.deepEqual(batch.nodes.get('n1'), { startTime: 0, timestamp: t, cumulativeCpuUsed: 6_454_570_585_116, memoryUsage: 1_286_766_592 });
    assert.deepEqual(Object.fromEntries(batch.pods.get('default/web') ?? []), {
      app: { startTime: t - 60_000, timestamp: t, cumulativeCpuUsed: 2_500_000_000, memoryUsage: 8_388_608 },
      side: { startTime: t - 60_000, timestamp: t, cumulativeCpuUsed: 123_456_789, memoryUsage: 1_048_576 },
    });
  });

  it('drops a pod with a container lacking CPU or memory, and a node lacking either', () => {
    const text = renderResourceMetrics({
      node: { nodeName: 'n1', cpu: { time: t, usageCoreNanoSeconds: 1 } },
      pods: [pod('ok', [{ name: 'a', cpu: 1, mem: 1 }]), pod('half', [{ name: 'a', cpu: 1, mem: 1 }, { name: 'b', cpu: 0, mem: 4096 }])],
    });
    const batch = decodeBatch(text, t, 'n1');
    assert.equal(batch.nodes.size, 0);
    assert.deepEqual([...batch.pods.keys()], ['default/ok']);
  });

  it('stamps samples without a timestamp with the request time', () => {
    const batch = decodeBatch('container_cpu_usage_seconds_total{container="a",namespace="n",pod="p"} 2\ncontainer_memory_working_set_bytes{container="a",namespace="n",pod="p"} 4096\n', 42, 'n1');
    assert.equal(batch.pods.get('n/p')?.get('a')?.timestamp, 42);
  });
});

// Tests of metrics-server's storage: CPU as a rate over the window between two points, memory as the working set.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricsBatch, MetricsPoint } from './decode.js';
import { MetricsStorage, resourceUsage } from './storage.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const now = new Date(T0 + 60_000);
const point = (timestamp: number, cpu: number, mem: number, startTime = T0 - 3_600_000): MetricsPoint => ({ startTime, timestamp, cumulativeCpuUsed: cpu, memoryUsage: mem });

function batch(nodes: Record<string, MetricsPoint>, pods: Record<string, Record<string, MetricsPoint>>): MetricsBatch {
  return { nodes: new Map(Object.entries(nodes)), pods: new Map(Object.entries(pods).map(([k, cs]) => [k, new Map(Object.entries(cs))])) };
}

describe('resourceUsage', () => {
  it('is delta CPU over delta time in nanocores, the last working set in bytes, timestamped at the last point', () => {
    // 1.5 core-seconds over 15.004 s
    assert.deepEqual(resourceUsage(point(T0 + 15_004, 4_000_000_000, 3_948_544), point(T0, 2_500_000_000, 1)), {
      usage: { cpu: '99973340n', memory: '3856Ki' },
      timestamp: T0 + 15_004,
      windowMs: 15_004,
    });
  });

  it('refuses a decrease of CPU or of the start time', () => {
    assert.equal(resourceUsage(point(T0 + 1000, 1, 1), point(T0, 2, 1)), undefined);
    assert.equal(resourceUsage(point(T0 + 1000, 3, 1, T0 - 10), point(T0, 2, 1, T0)), undefined);
  });
});

describe('MetricsStorage', () => {
  it('reports nothing after one scrape and the rate after two', () => {
    const s = new MetricsStorage(15_000);
    s.store(batch({ n1: point(T0, 10e9, 1e9) }, { 'default/web': { app: point(T0, 1e9, 4096 * 1000) } }));
    assert.deepEqual(s.podMetrics([{ name: 'web', namespace: 'default' }], now), []);
    assert.deepEqual(s.nodeMetrics([{ name: 'n1' }], now), []);
    assert.equal(s.ready(), false);
    s.store(batch({ n1: point(T0 + 15_000, 40e9, 2 * 1024 ** 3) }, { 'default/web': { app: point(T0 + 15_000, 16e9, 4096 * 2000) } }));
    assert.equal(s.ready(), true);
    assert.deepEqual(s.podMetrics([{ name: 'web', namespace: 'default', labels: { app: 'web' } }], now), [
      {
        metadata: { name: 'web', namespace: 'default', creationTimestamp: '2025-01-01T00:01:00Z', labels: { app: 'web' } },
        timestamp: '2025-01-01T00:00:15Z',
        window: '15s',
        containers: [{ name: 'app', usage: { cpu: '1', memory: '8000Ki' } }],
      },
    ]);
    assert.deepEqual(s.nodeMetrics([{ name: 'n1' }], now), [
      { metadata: { name: 'n1', creationTimestamp: '2025-01-01T00:01:00Z' }, timestamp: '2025-01-01T00:00:15Z', window: '15s', usage: { cpu: '2', memory: '2Gi' } },
    ]);
  });

  it('keeps the older point when a scrape repeats the same sample', () => {
    const s = new MetricsStorage(15_000);
    s.store(batch({}, { 'n/p': { a: point(T0, 1e9, 4096) } }));
    s.store(batch({}, { 'n/p': { a: point(T0 + 10_000, 2e9, 4096) } }));
    s.store(batch({}, { 'n/p': { a: point(T0 + 10_000, 2e9, 4096) } }));
    assert.equal(s.podMetrics([{ name: 'p', namespace: 'n' }], now)[0]?.containers[0]?.usage['cpu'], '100m');
  });

  it('gives a container started 10 s to one resolution before its first point a window from its start', () => {
    const s = new MetricsStorage(15_000);
    s.store(batch({}, { 'n/fresh': { a: point(T0 + 12_000, 6e9, 4096, T0) } }));
    assert.deepEqual(s.podMetrics([{ name: 'fresh', namespace: 'n' }], now)[0]?.containers, [{ name: 'a', usage: { cpu: '500m', memory: '4Ki' } }]);
    assert.equal(s.podMetrics([{ name: 'fresh', namespace: 'n' }], now)[0]?.window, '12s');
  });

  it('starts a restarted container over, and leaves a pod out until every container has two points', () => {
    const s = new MetricsStorage(15_000);
    s.store(batch({}, { 'n/p': { a: point(T0, 5e9, 4096), b: point(T0, 1e9, 4096) } }));
    s.store(batch({}, { 'n/p': { a: point(T0 + 15_000, 1e8, 4096, T0 + 14_000), b: point(T0 + 15_000, 2e9, 4096) } }));
    assert.deepEqual(s.podMetrics([{ name: 'p', namespace: 'n' }], now), []);
    s.store(batch({}, { 'n/p': { a: point(T0 + 30_000, 15e8, 4096, T0 + 14_000), b: point(T0 + 30_000, 3e9, 4096) } }));
    const [m] = s.podMetrics([{ name: 'p', namespace: 'n' }], now);
    assert.deepEqual(m?.containers, [
      { name: 'a', usage: { cpu: '93333333n', memory: '4Ki' } },
      { name: 'b', usage: { cpu: '66666666n', memory: '4Ki' } },
    ]);
  });

  it('forgets pods and nodes absent from the latest scrape', () => {
    const s = new MetricsStorage(15_000);
    s.store(batch({ n1: point(T0, 1, 1) }, { 'n/p': { a: point(T0, 1, 1) } }));
    s.store(batch({ n1: point(T0 + 15_000, 2, 1) }, { 'n/p': { a: point(T0 + 15_000, 2, 1) } }));
    s.store(batch({}, {}));
    assert.deepEqual(s.podMetrics([{ name: 'p', namespace: 'n' }], now), []);
    assert.deepEqual(s.nodeMetrics([{ name: 'n1' }], now), []);
  });
});

/** Tests of memory-pressure ranking and the eviction message (eviction/ranking.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import type { PodStats } from '../stats/summary.js';
import { memoryEvictionMessage, rankMemoryPressure } from './ranking.js';

const Mi = 1024 ** 2;

function pod(name: string, memory?: string, priority?: number): Pod {
  const resources = memory ? { requests: { memory, cpu: '100m' }, limits: { memory, cpu: '100m' } } : undefined;
  return { metadata: { name, namespace: 'default', uid: name }, spec: { ...(priority !== undefined ? { priority } : {}), containers: [{ name: 'app', image: 'busybox', ...(resources ? { resources } : {}) }] } };
}

function stats(uid: string, workingSet: number): PodStats {
  return { podRef: { name: uid, namespace: 'default', uid }, startTime: 0, containers: [{ name: 'app', startTime: 0, memory: { time: 0, workingSetBytes: workingSet } }], memory: { time: 0, workingSetBytes: workingSet } };
}

describe('rankMemoryPressure', () => {
  it('ranks pods over their request (BestEffort) before a Guaranteed pod under it, however large the latter', () => {
    const s = new Map([
      ['guaranteed', stats('guaranteed', 200 * Mi)],
      ['besteffort', stats('besteffort', 1 * Mi)],
    ]);
    const ranked = rankMemoryPressure([pod('guaranteed', '256Mi'), pod('besteffort')], (p) => s.get(p.metadata.uid!));
    assert.deepEqual(ranked.map((p) => p.metadata.name), ['besteffort', 'guaranteed']);
  });
  it('among pods over their request, ranks lower priority first, then larger usage above request', () => {
    const s = new Map([
      ['small', stats('small', 10 * Mi)],
      ['big', stats('big', 50 * Mi)],
      ['low', stats('low', 1 * Mi)],
    ]);
    const ranked = rankMemoryPressure([pod('small'), pod('big'), pod('low', undefined, -10)], (p) => s.get(p.metadata.uid!));
    assert.deepEqual(ranked.map((p) => p.metadata.name), ['low', 'big', 'small']);
  });
  it('never offers a critical pod', () => {
    assert.deepEqual(rankMemoryPressure([pod('critical', undefined, 2_000_001_000)], () => undefined), []);
  });
});

describe('memoryEvictionMessage', () => {
  it('names the threshold, what is available and the container over its request', () => {
    assert.equal(
      memoryEvictionMessage(pod('besteffort'), stats('besteffort', 1036 * 1024), '100Mi', 50 * Mi),
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 1036Ki, request is 0, has larger consumption of memory. ',
    );
  });
  it('names no container of a pod within its request', () => {
    assert.equal(memoryEvictionMessage(pod('g', '256Mi'), stats('g', 10 * Mi), '100Mi', 3 * Mi), 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 3Mi. ');
  });
});

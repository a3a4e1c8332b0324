/** Tests of memory-pressure ranking and the eviction message (eviction/ranking.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import type { PodStats } from '../stats/summary.js';
import { evictionMessage, memoryEvictionMessage, podDiskUsage, rankDiskPressure, rankMemoryPressure, rankPIDPressure } from './ranking.js';

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

function diskPod(name: string, opts: { request?: string; priority?: number; volumes?: Pod['spec']['volumes'] } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: name },
    spec: {
      ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
      ...(opts.volumes ? { volumes: opts.volumes } : {}),
      containers: [{ name: 'app', image: 'busybox', ...(opts.request ? { resources: { requests: { 'ephemeral-storage': opts.request } } } : {}) }],
    },
  };
}

function diskStats(uid: string, rootfs: number, logs: number, volumes: Record<string, number> = {}, processes?: number): PodStats {
  return {
    podRef: { name: uid, namespace: 'default', uid },
    startTime: 0,
    containers: [{ name: 'app', startTime: 0, rootfs: { usedBytes: rootfs, inodesUsed: 10 }, logs: { usedBytes: logs, inodesUsed: 1 } }],
    volumeStats: Object.entries(volumes).map(([name, usedBytes]) => ({ name, usedBytes, inodesUsed: 5 })),
    ...(processes !== undefined ? { processStats: { processCount: processes } } : {}),
  };
}

describe('rankDiskPressure', () => {
  const all = ['root', 'logs', 'localVolumeSource'] as const;
  it('sums rootfs, logs and local volumes (not hostPath-less remote ones) per pod, in bytes or inodes', () => {
    const p = diskPod('p', { volumes: [{ name: 'cache', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } }] });
    const s = diskStats('p', 3 * Mi, Mi, { cache: 2 * Mi, mem: 8 * Mi });
    assert.equal(podDiskUsage(p, s, all, 'ephemeral-storage'), 6 * Mi, 'a memory-backed emptyDir is not local disk');
    assert.equal(podDiskUsage(p, s, ['logs', 'localVolumeSource'], 'ephemeral-storage'), 3 * Mi);
    assert.equal(podDiskUsage(p, s, all, 'inodes'), 16);
  });
  it('ranks pods over their ephemeral-storage request first, then lower priority, then larger usage above request', () => {
    const s = new Map([
      ['within', diskStats('within', 50 * Mi, 0)],
      ['small', diskStats('small', 2 * Mi, 0)],
      ['big', diskStats('big', 20 * Mi, 0)],
      ['low', diskStats('low', Mi, 0)],
    ]);
    const ranked = rankDiskPressure([diskPod('within', { request: '100Mi' }), diskPod('small'), diskPod('big'), diskPod('low', { priority: -5 })], (p) => s.get(p.metadata.uid!), all, 'ephemeral-storage');
    assert.deepEqual(ranked.map((p) => p.metadata.name), ['low', 'big', 'small', 'within']);
  });
  it('offers a pod without stats first and never a critical pod', () => {
    const s = new Map([['seen', diskStats('seen', 9 * Mi, 0)]]);
    const ranked = rankDiskPressure([diskPod('seen'), diskPod('unseen'), diskPod('critical', { priority: 2_000_000_000 })], (p) => s.get(p.metadata.uid!), all, 'ephemeral-storage');
    assert.deepEqual(ranked.map((p) => p.metadata.name), ['unseen', 'seen']);
  });
});

describe('rankPIDPressure', () => {
  it('ranks lower priority first, then more processes', () => {
    const s = new Map([
      ['few', diskStats('few', 0, 0, {}, 2)],
      ['many', diskStats('many', 0, 0, {}, 300)],
      ['low', diskStats('low', 0, 0, {}, 1)],
    ]);
    const ranked = rankPIDPressure([diskPod('few'), diskPod('many'), diskPod('low', { priority: -1 })], (p) => s.get(p.metadata.uid!));
    assert.deepEqual(ranked.map((p) => p.metadata.name), ['low', 'many', 'few']);
  });
});

describe('evictionMessage', () => {
  it('for ephemeral-storage names each container whose rootfs plus logs exceed its request', () => {
    const m = evictionMessage('ephemeral-storage', diskPod('p', { request: '1Mi' }), diskStats('p', 3 * Mi, Mi), { quantity: '10Gi', available: '9Gi' });
    assert.equal(m, 'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 9Gi. Container app was using 4Mi, request is 1Mi, has larger consumption of ephemeral-storage. ');
  });
  it('for pids and inodes has no container lines', () => {
    assert.equal(evictionMessage('pids', diskPod('p'), diskStats('p', 3 * Mi, Mi, {}, 40), { quantity: '1k', available: '900' }), 'The node was low on resource: pids. Threshold quantity: 1k, available: 900. ');
    assert.equal(evictionMessage('inodes', diskPod('p'), diskStats('p', 3 * Mi, Mi), undefined), 'The node was low on resource: inodes. ');
  });
});

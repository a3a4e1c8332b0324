/** Tests of the eviction manager's conditions, admission and evictions, with a fake clock and fake observations. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import type { PodStats } from '../stats/summary.js';
import { EvictionManager, PRESSURE_TRANSITION_PERIOD_MS, type Eviction } from './eviction-manager.js';
import type { SignalObservations } from './observations.js';
import { DEFAULT_EVICTION_HARD, parseEvictionHard } from './thresholds.js';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

function pod(name: string, memory?: string, tolerations?: Pod['spec']['tolerations']): Pod {
  const resources = memory ? { requests: { memory, cpu: '100m' }, limits: { memory, cpu: '100m' } } : undefined;
  return { metadata: { name, namespace: 'default', uid: name }, spec: { ...(tolerations ? { tolerations } : {}), containers: [{ name: 'app', image: 'busybox', ...(resources ? { resources } : {}) }] } };
}

function setup(pods: Pod[]) {
  let now = 1_000_000;
  let memAvailable = 4 * Gi;
  const evictions: Eviction[] = [];
  const obs = (): SignalObservations => ({
    'memory.available': { available: memAvailable, capacity: 8 * Gi },
    'nodefs.available': { available: 50 * Gi, capacity: 100 * Gi },
    'nodefs.inodesFree': { available: 900, capacity: 1000 },
    'pid.available': { available: 4000000, capacity: 4194304 },
  });
  const stats = new Map<string, PodStats>(pods.map((p) => [p.metadata.uid!, { podRef: { name: p.metadata.name!, namespace: 'default', uid: p.metadata.uid! }, startTime: 0, containers: [{ name: 'app', startTime: 0, memory: { time: 0, workingSetBytes: 2 * Mi } }] }]));
  const m = new EvictionManager({
    thresholds: parseEvictionHard(DEFAULT_EVICTION_HARD),
    observe: async () => obs(),
    activePods: () => pods,
    podStats: async () => stats,
    evict: (e) => void evictions.push(e),
    now: () => now,
  });
  return { m, evictions, tick: (ms: number) => (now += ms), setAvailable: (b: number) => (memAvailable = b) };
}

describe('EvictionManager', () => {
  it('reports no pressure and evicts nothing while every signal is above its threshold', async () => {
    const { m, evictions } = setup([pod('a')]);
    assert.deepEqual(await m.synchronize(), []);
    assert.deepEqual([...m.conditions()], []);
    assert.equal(evictions.length, 0);
  });
  it('under memory.available<100Mi reports MemoryPressure and evicts the BestEffort pod first, one pod a pass', async () => {
    const { m, evictions, setAvailable } = setup([pod('guaranteed', '64Mi'), pod('besteffort')]);
    setAvailable(50 * Mi);
    const [e] = await m.synchronize();
    assert.deepEqual([...m.conditions()], ['MemoryPressure']);
    assert.equal(e?.pod.metadata.name, 'besteffort');
    assert.equal(e?.message, 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 2Mi, request is 0, has larger consumption of memory. ');
    assert.equal(e?.gracePeriodSeconds, 1);
    assert.equal(evictions.length, 1);
    assert.equal((await m.synchronize())[0]?.pod.metadata.name, 'guaranteed');
  });
  it('holds MemoryPressure for the transition period after the signal recovers', async () => {
    const { m, tick, setAvailable } = setup([]);
    setAvailable(50 * Mi);
    await m.synchronize();
    setAvailable(4 * Gi);
    tick(PRESSURE_TRANSITION_PERIOD_MS - 1);
    await m.synchronize();
    assert.deepEqual([...m.conditions()], ['MemoryPressure']);
    tick(1);
    assert.deepEqual([...m.conditions()], []);
  });
  it('refuses a BestEffort pod under memory pressure unless it tolerates the taint, and admits a Guaranteed one', async () => {
    const { m, setAvailable } = setup([]);
    setAvailable(50 * Mi);
    await m.synchronize();
    assert.deepEqual(m.admit(pod('be')), { reason: 'Evicted', message: 'The node had condition: [MemoryPressure]. ' });
    assert.equal(m.admit(pod('be', undefined, [{ key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' }])), undefined);
    assert.equal(m.admit(pod('g', '64Mi')), undefined);
  });
});

describe('EvictionManager under disk and PID pressure, and local storage limits', () => {
  function diskPod(name: string, opts: { limit?: string; sizeLimit?: string } = {}): Pod {
    return {
      metadata: { name, namespace: 'default', uid: name },
      spec: {
        ...(opts.sizeLimit ? { volumes: [{ name: 'cache', emptyDir: { sizeLimit: opts.sizeLimit } }] } : {}),
        containers: [{ name: 'app', image: 'busybox', ...(opts.limit ? { resources: { limits: { 'ephemeral-storage': opts.limit } } } : {}) }],
      },
    };
  }
  function setupDisk(pods: Pod[], thresholds: string, usage: Record<string, { rootfs: number; cache?: number; procs?: number }>) {
    const calls: string[] = [];
    const evictions: Eviction[] = [];
    let nodefsAvailable = 5 * Gi;
    let freedByImages = 0;
    let freedLater = 0;
    let removedContainers = 0;
    const m = new EvictionManager({
      thresholds: parseEvictionHard(thresholds),
      observe: async () => {
        calls.push('observe');
        return {
          'memory.available': { available: 4 * Gi, capacity: 8 * Gi },
          'nodefs.available': { available: nodefsAvailable, capacity: 100 * Gi },
          'imagefs.available': { available: nodefsAvailable, capacity: 100 * Gi },
          'pid.available': { available: 900, capacity: 4_194_304 },
        };
      },
      activePods: () => pods,
      podStats: async (req) => {
        calls.push(`stats:${req.storageOf.map((p) => p.metadata.name).join(',')}${req.processes ? ':processes' : ''}`);
        return new Map(
          pods.map((p) => {
            const u = usage[p.metadata.name!] ?? { rootfs: 0 };
            const s: PodStats = {
              podRef: { name: p.metadata.name!, namespace: 'default', uid: p.metadata.uid! },
              startTime: 0,
              containers: [{ name: 'app', startTime: 0, rootfs: { usedBytes: u.rootfs }, logs: { usedBytes: 0 } }],
              volumeStats: u.cache !== undefined ? [{ name: 'cache', usedBytes: u.cache }] : [],
              ephemeralStorage: { usedBytes: u.rootfs + (u.cache ?? 0) },
              ...(u.procs !== undefined ? { processStats: { processCount: u.procs } } : {}),
            };
            return [p.metadata.uid!, s];
          }),
        );
      },
      reclaim: {
        deleteAllUnusedContainers: async () => {
          calls.push('containers');
          return removedContainers;
        },
        deleteUnusedImages: async () => {
          calls.push('images');
          nodefsAvailable += freedByImages;
          return 0;
        },
      },
      sleep: async (ms) => {
        calls.push(`sleep ${ms}`);
        nodefsAvailable += freedLater;
      },
      evict: (e) => void evictions.push(e),
      now: () => 1_000_000,
    });
    return {
      m,
      calls,
      evictions,
      setFreedByImages: (b: number) => (freedByImages = b),
      /** The containers GC removes `n` containers whose space the runtime frees `b` bytes a poll at a time. */
      setRemovedContainers: (n: number, b: number) => ((removedContainers = n), (freedLater = b)),
    };
  }

  it('under nodefs pressure deletes dead containers, then unused images, re-observes, and evicts nobody when that relieved it', async () => {
    const { m, calls, evictions, setFreedByImages } = setupDisk([diskPod('a')], 'nodefs.available<10%', { a: { rootfs: Gi } });
    setFreedByImages(20 * Gi);
    assert.deepEqual(await m.synchronize(), []);
    assert.deepEqual(calls, ['observe', 'stats:a', 'containers', 'images', 'observe']);
    assert.deepEqual([...m.conditions()], ['DiskPressure']);
    assert.equal(evictions.length, 0);
  });
  it('after removing dead containers re-observes while the runtime frees their space, and evicts nobody once it is free', async () => {
    const { m, calls, evictions, setRemovedContainers } = setupDisk([diskPod('a')], 'nodefs.available<10%', { a: { rootfs: Gi } });
    setRemovedContainers(1, 3 * Gi);
    assert.deepEqual(await m.synchronize(), []);
    assert.deepEqual(calls, ['observe', 'stats:a', 'containers', 'images', 'observe', 'sleep 500', 'observe', 'sleep 500', 'observe']);
    assert.equal(evictions.length, 0);
  });
  it('gives up re-observing after the settle time and evicts', async () => {
    const { m, calls, setRemovedContainers } = setupDisk([diskPod('a')], 'nodefs.available<10%', { a: { rootfs: Gi } });
    setRemovedContainers(1, 0);
    assert.equal((await m.synchronize())[0]?.pod.metadata.name, 'a');
    assert.equal(calls.filter((c) => c === 'sleep 500').length, 10, '5 s at 500 ms');
  });
  it('evicts the largest disk user when reclaiming leaves the threshold met, with the ephemeral-storage message', async () => {
    const { m, evictions } = setupDisk([diskPod('small'), diskPod('big')], 'nodefs.available<10%', { small: { rootfs: Mi }, big: { rootfs: 3 * Gi } });
    const [e] = await m.synchronize();
    assert.equal(e?.pod.metadata.name, 'big');
    assert.equal(e?.message, 'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 5Gi. Container app was using 3Gi, request is 0, has larger consumption of ephemeral-storage. ');
    assert.equal(e?.disruptionTarget, true);
    assert.equal(evictions.length, 1);
  });
  it('under pid.available pressure evicts the pod with the most processes, with the pids message, and reclaims nothing', async () => {
    const { m, calls } = setupDisk([diskPod('few'), diskPod('many')], 'pid.available<1000', { few: { rootfs: 0, procs: 3 }, many: { rootfs: 0, procs: 500 } });
    const [e] = await m.synchronize();
    assert.deepEqual([...m.conditions()], ['PIDPressure']);
    assert.equal(e?.pod.metadata.name, 'many');
    assert.equal(e?.message, 'The node was low on resource: pids. Threshold quantity: 1k, available: 900. ');
    assert.deepEqual(calls, ['observe', 'stats::processes']);
  });
  it('evicts every pod over a local storage limit in one pass, without DisruptionTarget, and measures only pods with limits', async () => {
    const pods = [diskPod('plain'), diskPod('cache-over', { sizeLimit: '1Mi' }), diskPod('rootfs-over', { limit: '1Mi' }), diskPod('within', { limit: '1Gi' })];
    const { m, calls } = setupDisk(pods, 'memory.available<100Mi', { plain: { rootfs: 9 * Gi }, 'cache-over': { rootfs: 0, cache: 4 * Mi }, 'rootfs-over': { rootfs: 4 * Mi }, within: { rootfs: 4 * Mi } });
    const out = await m.synchronize();
    assert.deepEqual(calls, ['observe', 'stats:cache-over,rootfs-over,within']);
    assert.deepEqual(out.map((e) => [e.pod.metadata.name, e.message, e.disruptionTarget, e.gracePeriodSeconds]), [
      ['cache-over', 'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ', false, 1],
      ['rootfs-over', 'Pod ephemeral local storage usage exceeds the total limit of containers 1Mi. ', false, 1],
    ]);
    assert.deepEqual(await m.synchronize(), [], 'an evicted pod is not evicted again');
  });
});

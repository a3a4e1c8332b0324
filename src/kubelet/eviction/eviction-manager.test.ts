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

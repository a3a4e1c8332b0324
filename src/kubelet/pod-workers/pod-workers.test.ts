// PodWorkers on a fake clock: error back-off with jitter, PLEG wake-ups held off during back-off, status-only updates.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types.js';
import { makePod } from '../testing/builders.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { jitter, PodWorkers, type PodSyncer } from './pod-workers.js';

/** A syncer recording the fake-clock time of each syncPod; fails while `failing` is set. */
class ScriptedSyncer implements PodSyncer {
  readonly syncTimes: number[] = [];
  failing = true;
  requeueAfterMs = 0;
  retryBeforeMs: number | undefined;
  constructor(private readonly clock: FakeClock) {}
  async syncPod(): Promise<{ terminal: boolean; requeueAfterMs: number }> {
    this.syncTimes.push(this.clock.now());
    if (this.failing) throw Object.assign(new Error('failed to "StartContainer"'), this.retryBeforeMs !== undefined ? { retryBeforeMs: this.retryBeforeMs } : {});
    return { terminal: false, requeueAfterMs: this.requeueAfterMs };
  }
  async syncTerminatingPod(): Promise<void> {}
  async syncTerminatedPod(): Promise<void> {}
}

/** Lets pending promise callbacks (the worker's async sync) run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

async function advance(clock: FakeClock, ms: number, step = 500): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await settle();
  }
}

function setup(random = 0): { clock: FakeClock; syncer: ScriptedSyncer; workers: PodWorkers; pod: Pod; t0: number } {
  const clock = new FakeClock();
  const syncer = new ScriptedSyncer(clock);
  const workers = new PodWorkers(syncer, { resyncMs: 60_000, timers: clock, random: () => random });
  return { clock, syncer, workers, pod: makePod('p', ['app']), t0: clock.now() };
}

test('jitter adds up to factor × period', () => {
  assert.equal(jitter(10_000, 0.5, () => 0), 10_000);
  assert.equal(jitter(10_000, 0.5, () => 0.999), 14_995);
});

test('PodWorkers retries a failing sync after the 10 s back-off period with jitter, not sooner', async () => {
  const { clock, syncer, workers, pod, t0 } = setup(0.5);
  workers.update(pod);
  await settle();
  await advance(clock, 60_000);
  // 12.5 s between attempts (10 s + 0.5 × 0.5 × 10 s)
  assert.deepEqual(syncer.syncTimes.map((t) => t - t0), [0, 12_500, 25_000, 37_500, 50_000]);
  assert.equal(workers.backOffUntil(pod.metadata.uid!), t0 + 62_500);
  workers.stop();
});

test('PodWorkers ignores PLEG wake-ups of a pod in back-off and syncs again when the window ends', async () => {
  const { clock, syncer, workers, pod, t0 } = setup(0);
  workers.update(pod);
  await settle();
  for (let i = 0; i < 9; i++) {
    await advance(clock, 1_000);
    workers.wake(pod.metadata.uid!);
    await settle();
  }
  assert.deepEqual(syncer.syncTimes.map((t) => t - t0), [0], 'no attempt inside the window');
  await advance(clock, 1_000);
  assert.deepEqual(syncer.syncTimes.map((t) => t - t0), [0, 10_000]);
  workers.stop();
});

test('PodWorkers status-only updates do not sync; a changed pod syncs at once, ending the back-off', async () => {
  const { clock, syncer, workers, pod, t0 } = setup(0);
  workers.update(pod);
  await settle();
  await advance(clock, 2_000);
  workers.update({ ...pod, metadata: { ...pod.metadata, resourceVersion: '2' }, status: { phase: 'Pending' } }, false, false);
  await settle();
  assert.equal(syncer.syncTimes.length, 1, 'the kubelet\'s own status write coming back does not sync');
  workers.update({ ...pod, metadata: { ...pod.metadata, labels: { a: 'b' } } }, false, true);
  await settle();
  assert.deepEqual(syncer.syncTimes.map((t) => t - t0), [0, 2_000]);
  workers.stop();
});

test('PodWorkers resyncs a healthy pod on the resync period and at an earlier requeue, and stops back-off after success', async () => {
  const { clock, syncer, workers, pod, t0 } = setup(0);
  syncer.failing = false;
  syncer.requeueAfterMs = 5_000;
  workers.update(pod);
  await settle();
  await advance(clock, 11_000);
  assert.deepEqual(syncer.syncTimes.map((t) => t - t0), [0, 5_000, 10_000]);
  assert.equal(workers.backOffUntil(pod.metadata.uid!), 0);
  workers.wake(pod.metadata.uid!);
  await settle();
  assert.equal(syncer.syncTimes.length, 4, 'a wake-up of a pod not in back-off syncs');
  workers.stop();
});

test('PodWorkers caps the back-off at the retryBeforeMs of the error (an active deadline inside the window)', async () => {
  const { clock, syncer, workers, pod, t0 } = setup(0);
  syncer.retryBeforeMs = 3_000;
  workers.update(pod);
  await settle();
  await advance(clock, 4_000);
  assert.deepEqual(syncer.syncTimes.map((t) => t - t0), [0, 3_000]);
  workers.stop();
});

test('PodWorkers remembers a finished pod until its API object is removed, then forgets it', async () => {
  const { syncer, workers, pod } = setup(0);
  syncer.failing = false;
  const uid = pod.metadata.uid!;
  workers.update(pod);
  await settle();
  const deleting = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString() } };
  workers.update(deleting);
  await settle();
  assert.equal(workers.isFinished(uid), true);
  const syncs = syncer.syncTimes.length;
  workers.update(deleting, false, true);
  await settle();
  assert.equal(syncer.syncTimes.length, syncs, 'a late update of a finished pod starts no worker');
  assert.deepEqual(workers.known(), []);
  workers.update(deleting, true);
  assert.equal(workers.isFinished(uid), false, 'forgotten once the API object is gone');
  const forced = makePod('q', ['app']);
  workers.update(forced);
  await settle();
  workers.update({ ...forced, metadata: { ...forced.metadata, deletionTimestamp: new Date().toISOString() } }, true);
  await settle();
  assert.deepEqual(workers.known(), []);
  assert.equal(workers.isFinished(forced.metadata.uid!), false, 'a pod removed from the API before it finished is not remembered');
  workers.stop();
});

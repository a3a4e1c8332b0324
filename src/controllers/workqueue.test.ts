import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkQueue } from './workqueue.js';

test('createWorkQueue syncs keys one at a time, in order, without duplicates of a waiting key', async () => {
  const seen: string[] = [];
  let running = 0;
  let resolveB: () => void = () => {};
  const bDone = new Promise<void>((r) => (resolveB = r));
  const q = createWorkQueue({
    retryDelayMs: 10,
    sync: async (key) => {
      running++;
      assert.equal(running, 1, 'one sync at a time');
      seen.push(key);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (key === 'b') resolveB();
      return true;
    },
  });
  q.add('a');
  q.add('b');
  q.add('b');
  q.add('a');
  await bDone;
  await q.shutDown();
  assert.deepEqual(seen, ['a', 'b']);
});

test('createWorkQueue retries a key that is not done or threw, and shutDown cancels pending retries', async () => {
  const attempts = new Map<string, number>();
  const errors: unknown[] = [];
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));
  const q = createWorkQueue({
    retryDelayMs: 5,
    onError: (err) => errors.push(err),
    sync: async (key) => {
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      if (key === 'flaky' && n === 1) throw new Error('boom');
      if (key === 'slow' && n < 3) return false;
      if (key === 'slow') resolveDone();
      return true;
    },
  });
  q.add('flaky');
  q.add('slow');
  await done;
  q.add('never-done');
  await q.shutDown();
  assert.equal(attempts.get('flaky'), 2);
  assert.equal(attempts.get('slow'), 3);
  assert.equal(errors.length, 1);
});

test('createWorkQueue addAfter queues a key on its clock, and shutDown cancels it', async () => {
  const { FakeClock } = await import('../api/testing/fake-clock.js');
  const clock = new FakeClock();
  const seen: string[] = [];
  const q = createWorkQueue({ retryDelayMs: 5, clock, sync: async (key) => (seen.push(key), true) });
  q.addAfter('later', 10_000);
  q.addAfter('cancelled', 20_000);
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(seen, []);
  clock.advance(10_000);
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(seen, ['later']);
  await q.shutDown();
  assert.equal(clock.pendingTimers(), 0);
});

test('createWorkQueue retries a key after the delay its sync returns', async () => {
  const seen: number[] = [];
  const start = Date.now();
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));
  const q = createWorkQueue({
    retryDelayMs: 10_000,
    sync: async () => {
      seen.push(Date.now() - start);
      if (seen.length === 2) resolveDone();
      return seen.length === 1 ? 20 : true;
    },
  });
  q.add('k');
  await done;
  await q.shutDown();
  assert.equal(seen.length, 2);
  assert.ok(seen[1]! >= 15 && seen[1]! < 5000, `retried after about 20 ms, not retryDelayMs (${seen[1]} ms)`);
});

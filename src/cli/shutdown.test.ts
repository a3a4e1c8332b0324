import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runShutdown } from './shutdown.js';

test('runShutdown stops steps in reverse order and goes on after a failing step', async () => {
  const order: string[] = [];
  const r = await runShutdown([
    { name: 'store', stop: () => void order.push('store') },
    { name: 'api', stop: () => Promise.reject(new Error('boom')) },
    { name: 'kubelet', stop: async () => void order.push('kubelet') },
  ]);
  assert.deepEqual(order, ['kubelet', 'store']);
  assert.deepEqual(r.failed, ['api']);
  assert.deepEqual(r.timedOut, []);
});

test('runShutdown abandons a step that never finishes and still runs the ones after it', async () => {
  const order: string[] = [];
  const r = await runShutdown(
    [
      { name: 'containerd', stop: () => void order.push('containerd') },
      { name: 'kubelet', stop: () => new Promise<void>(() => {}) },
    ],
    { stepTimeoutMs: 50 },
  );
  assert.deepEqual(order, ['containerd']);
  assert.deepEqual(r.timedOut, ['kubelet']);
});

// Without the overall deadline this would wait 3 × 10 s and hit the test's own timeout.
test('runShutdown gives later steps no more than what is left of the overall deadline', { timeout: 5_000 }, async () => {
  const never = (): Promise<void> => new Promise<void>(() => {});
  const r = await runShutdown(
    [
      { name: 'a', stop: never },
      { name: 'b', stop: never },
      { name: 'c', stop: never },
    ],
    { stepTimeoutMs: 10_000, deadlineMs: 120 },
  );
  assert.deepEqual(r.timedOut, ['c', 'b', 'a']);
});

// The scheduler's timers on a fake clock: a pod that came before its node is bound on the 5 s retry, not before.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notFound } from '../api/errors.js';
import type { KubeList, KubeObject, Node, Pod, WatchEvent } from '../api/types.js';
import { FakeClock } from '../api/testing/fake-clock.js';
import type { ApiClient } from '../client/types.js';
import { startScheduler } from './scheduler.js';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

test('a pod listed before the node registered is bound on the periodic retry, 5 s on the clock', async () => {
  const node: Node = { metadata: { name: 'n1' } };
  const web: Pod = { metadata: { name: 'web', namespace: 'default', uid: 'uid-web' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  let registered = false;
  const binds: number[] = [];
  const clock = new FakeClock();
  const t0 = clock.now();
  const client: ApiClient = {
    async get<T extends KubeObject>(): Promise<T> {
      if (!registered) throw notFound({ group: '', resource: 'nodes' }, 'n1');
      return node as unknown as T;
    },
    async list<T extends KubeObject>(path: string, query?: { fieldSelector?: string }): Promise<KubeList<T>> {
      const items = path === '/api/v1/pods' && query?.fieldSelector === 'spec.nodeName=' ? [web as unknown as T] : [];
      return { metadata: { resourceVersion: '5' }, items };
    },
    async create<T extends KubeObject>(path: string, body: unknown): Promise<T> {
      if (path.endsWith('/binding')) binds.push(clock.now() - t0);
      return body as T;
    },
    async update<T extends KubeObject>(): Promise<T> { throw new Error('unexpected update'); },
    async patch<T extends KubeObject>(): Promise<T> { throw new Error('unexpected patch'); },
    async delete() { throw new Error('unexpected delete'); },
    async *watch<T extends KubeObject>(_p: string, _q: unknown, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
      await new Promise((r) => signal.addEventListener('abort', r));
    },
  };
  const scheduler = startScheduler({ client, nodeName: 'n1', clock });
  try {
    await settle();
    clock.advance(10); // the wake-up after the informers listed
    await settle();
    registered = true;
    for (let t = 10; t < 4_990; t += 1_000) {
      clock.advance(Math.min(1_000, 4_990 - t));
      await settle();
    }
    assert.deepEqual(binds, []);
    clock.advance(10);
    await settle();
    assert.deepEqual(binds, [5_000]);
  } finally {
    await scheduler.stop();
  }
  assert.equal(clock.pendingTimers(), 0);
});

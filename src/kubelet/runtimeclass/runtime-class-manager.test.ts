/** Tests of the kubelet's RuntimeClass manager: handler lookup through the informer, the default handler, NotFound. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNotFound } from '../../api/errors.js';
import type { RuntimeClass } from '../../api/runtime-class.js';
import { FakeApi } from '../testing/fake-api.js';
import { staticRuntimeClasses, watchRuntimeClasses } from './runtime-class-manager.js';

const rc = (name: string, handler: string): RuntimeClass => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler });

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

test('lookupRuntimeHandler gives the class\'s handler, "" for no class, and NotFound for a missing class', async () => {
  const api = new FakeApi();
  api.seed('runtimeclasses', rc('sandboxed', 'runsc'));
  const abort = new AbortController();
  const m = watchRuntimeClasses(api, abort.signal, () => {});
  try {
    assert.equal(await m.lookupRuntimeHandler('sandboxed'), 'runsc');
    assert.equal(await m.lookupRuntimeHandler(undefined), '');
    assert.equal(await m.lookupRuntimeHandler(''), '');
    const err = await rejection(m.lookupRuntimeHandler('ghost'));
    assert.ok(isNotFound(err));
    assert.equal(err.message, 'runtimeclass.node.k8s.io "ghost" not found');
  } finally {
    abort.abort();
    await m.done;
  }
});

test('lookupRuntimeHandler follows classes created and deleted after the informer synced', async () => {
  const api = new FakeApi();
  const abort = new AbortController();
  const m = watchRuntimeClasses(api, abort.signal, () => {});
  try {
    assert.ok(isNotFound(await rejection(m.lookupRuntimeHandler('late'))));
    api.seed('runtimeclasses', rc('late', 'runc'));
    const until = Date.now() + 2_000;
    let handler = '';
    while (Date.now() < until) {
      handler = await m.lookupRuntimeHandler('late').catch(() => '');
      if (handler) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(handler, 'runc');
    await api.delete('/apis/node.k8s.io/v1/runtimeclasses/late');
    let gone = false;
    while (Date.now() < until && !gone) {
      gone = await m.lookupRuntimeHandler('late').then(() => false, (err: unknown) => isNotFound(err));
      if (!gone) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(gone, 'a deleted class is NotFound');
  } finally {
    abort.abort();
    await m.done;
  }
});

test('staticRuntimeClasses answers from its fixed list', async () => {
  const m = staticRuntimeClasses([rc('kata', 'kata-qemu')]);
  assert.equal(await m.lookupRuntimeHandler('kata'), 'kata-qemu');
  assert.equal((await rejection(m.lookupRuntimeHandler('x'))).message, 'runtimeclass.node.k8s.io "x" not found');
});

// Tests of the list+watch informer: initial list, watch events, re-list after 410 Gone.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gone } from '../api/errors.js';
import type { KubeList, KubeObject, WatchEvent } from '../api/types.js';
import { runInformer } from './informer.js';
import type { ApiClient } from './types.js';

const obj = (name: string, rv: string): KubeObject => ({ metadata: { name, uid: name, resourceVersion: rv } });

test('runInformer lists, applies watch events and re-lists after 410 Gone', async () => {
  let lists = 0;
  let watches = 0;
  const ac = new AbortController();
  const client = {
    async list(): Promise<KubeList<KubeObject>> {
      lists++;
      return lists === 1 ? { metadata: { resourceVersion: '1' }, items: [obj('a', '1')] } : { metadata: { resourceVersion: '5' }, items: [obj('b', '5')] };
    },
    async *watch(): AsyncIterable<WatchEvent<KubeObject>> {
      watches++;
      if (watches === 1) {
        yield { type: 'MODIFIED', object: obj('a', '2') };
        throw gone('too old resource version: 1 (3)');
      }
      await new Promise<void>((r) => ac.signal.addEventListener('abort', () => r()));
    },
  } as unknown as ApiClient;
  const seen: string[] = [];
  const inf = runInformer({ client, path: '/api/v1/pods', signal: ac.signal, retryDelayMs: 1, handlers: { onEvent: (t, o) => seen.push(`${t} ${o.metadata.name}@${o.metadata.resourceVersion}`) } });
  for (let i = 0; i < 100 && lists < 2; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 10));
  ac.abort();
  await inf.done;
  assert.deepEqual(seen, ['ADDED a@1', 'MODIFIED a@2', 'ADDED b@5', 'DELETED a@2']);
  assert.deepEqual([...inf.cache.keys()], ['b']);
});

test('runInformer keeps its store in step before the handlers run, and reports hasSynced after the first list', async () => {
  const ac = new AbortController();
  let release!: () => void;
  const listed = new Promise<void>((r) => (release = r));
  const client = {
    async list(): Promise<KubeList<KubeObject>> {
      await listed;
      return { metadata: { resourceVersion: '1' }, items: [obj('a', '1'), obj('b', '1')] };
    },
    async *watch(): AsyncIterable<WatchEvent<KubeObject>> {
      yield { type: 'DELETED', object: obj('a', '2') };
      await new Promise<void>((r) => ac.signal.addEventListener('abort', () => r()));
    },
  } as unknown as ApiClient;
  const stored = new Map<string, KubeObject>();
  const store = { set: (o: KubeObject) => stored.set(o.metadata.name ?? '', o), delete: (o: KubeObject) => stored.delete(o.metadata.name ?? '') };
  const seen: string[] = [];
  const inf = runInformer({
    client,
    path: '/api/v1/pods',
    signal: ac.signal,
    store,
    handlers: { onEvent: (t, o) => seen.push(`${t} ${o.metadata.name} stored=${[...stored.keys()].join(',')}`) },
  });
  assert.equal(inf.hasSynced(), false);
  release();
  for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(inf.hasSynced(), true);
  ac.abort();
  await inf.done;
  assert.deepEqual(seen, ['ADDED a stored=a', 'ADDED b stored=a,b', 'DELETED a stored=b']);
});

test('runInformer calls onAdd, onUpdate (with the cached object) and onDelete per kind of change', async () => {
  const ac = new AbortController();
  const client = {
    async list(): Promise<KubeList<KubeObject>> {
      return { metadata: { resourceVersion: '1' }, items: [obj('a', '1')] };
    },
    async *watch(): AsyncIterable<WatchEvent<KubeObject>> {
      yield { type: 'MODIFIED', object: obj('a', '2') };
      yield { type: 'ADDED', object: obj('b', '3') };
      yield { type: 'DELETED', object: obj('a', '4') };
      await new Promise<void>((r) => ac.signal.addEventListener('abort', () => r()));
    },
  } as unknown as ApiClient;
  const seen: string[] = [];
  const at = (o: KubeObject): string => `${o.metadata.name}@${o.metadata.resourceVersion}`;
  const inf = runInformer({
    client,
    path: '/api/v1/pods',
    signal: ac.signal,
    handlers: {
      onAdd: (o) => seen.push(`add ${at(o)}`),
      onUpdate: (o, old) => seen.push(`update ${at(old)}->${at(o)}`),
      onDelete: (o) => seen.push(`delete ${at(o)}`),
    },
  });
  for (let i = 0; i < 100 && seen.length < 4; i++) await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  await inf.done;
  assert.deepEqual(seen, ['add a@1', 'update a@1->a@2', 'add b@3', 'delete a@4']);
});

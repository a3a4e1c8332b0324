/**
 * The shared Store contract suite: behaviour every Store implementation (SQLite, later etcd) must show.
 *
 * Call `storeContract(name, factory)` from an implementation's test file; the factory returns a fresh
 * store whose keys are all empty (it may be async: the etcd store connects first). Revisions are only
 * compared with each other, never with fixed numbers (an etcd shared by the suite has its own history). Mirrors the idea of k8s.io/apiserver `pkg/storage/testing/store_tests.go`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../api/types.js';
import type { Store, StoreEvent } from './store.js';

function cm(name: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

async function take(it: AsyncIterator<StoreEvent>, n: number): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

/** Registers the contract tests for one Store implementation. */
export function storeContract(name: string, factory: () => Store | Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    it('create assigns increasing revisions and sets resourceVersion', async () => {
      const s = await factory();
      const a = await s.create('/registry/configmaps/default/a', cm('a'));
      const b = await s.create('/registry/configmaps/default/b', cm('b'));
      assert.ok(b.modRevision > a.modRevision);
      assert.equal(a.object.metadata.resourceVersion, String(a.modRevision));
      assert.equal(s.currentRevision(), b.modRevision);
      s.close();
    });

    it('create of an existing key throws StoreKeyExists', async () => {
      const s = await factory();
      await s.create('/registry/configmaps/default/a', cm('a'));
      await assert.rejects(s.create('/registry/configmaps/default/a', cm('a')), { code: 'StoreKeyExists' });
      s.close();
    });

    it('get returns the latest state and undefined after delete', async () => {
      const s = await factory();
      const k = '/registry/configmaps/default/a';
      await s.create(k, cm('a', { v: '1' }));
      const u = await s.update(k, cm('a', { v: '2' }));
      const got = await s.get(k);
      assert.deepEqual(got?.object.data, { v: '2' });
      assert.equal(got?.modRevision, u.modRevision);
      const d = await s.delete(k);
      assert.equal(d.object.metadata.resourceVersion, String(d.modRevision));
      assert.equal(await s.get(k), undefined);
      await s.create(k, cm('a', { v: '3' }));
      assert.deepEqual((await s.get(k))?.object.data, { v: '3' });
      s.close();
    });

    it('update with a stale expected revision throws StoreConflict', async () => {
      const s = await factory();
      const k = '/registry/configmaps/default/a';
      const c = await s.create(k, cm('a'));
      await s.update(k, cm('a', { v: '1' }), c.modRevision);
      await assert.rejects(s.update(k, cm('a', { v: '2' }), c.modRevision), { code: 'StoreConflict' });
      await assert.rejects(s.delete(k, c.modRevision), { code: 'StoreConflict' });
      await assert.rejects(s.update('/registry/configmaps/default/zz', cm('zz')), { code: 'StoreKeyNotFound' });
      await assert.rejects(s.delete('/registry/configmaps/default/zz'), { code: 'StoreKeyNotFound' });
      s.close();
    });

    it('list returns keys under the prefix in key order, with pages', async () => {
      const s = await factory();
      for (const n of ['c', 'a', 'b', 'd']) await s.create(`/registry/configmaps/default/${n}`, cm(n));
      await s.create('/registry/configmaps/other/x', cm('x'));
      await s.create('/registry/configmapsx/default/y', cm('y'));
      await s.delete('/registry/configmaps/default/d');
      const all = await s.list('/registry/configmaps/default/');
      assert.deepEqual(all.items.map((i) => i.object.metadata.name), ['a', 'b', 'c']);
      assert.equal(all.revision, s.currentRevision());
      assert.equal(all.continueKey, undefined);
      const p1 = await s.list('/registry/configmaps/', { limit: 2 });
      assert.deepEqual(p1.items.map((i) => i.object.metadata.name), ['a', 'b']);
      assert.equal(p1.remaining, 2);
      assert.ok(p1.continueKey);
      const p2 = await s.list('/registry/configmaps/', { limit: 2, startAfter: p1.continueKey! });
      assert.deepEqual(p2.items.map((i) => i.object.metadata.name), ['c', 'x']);
      assert.equal(p2.continueKey, undefined);
      s.close();
    });

    it('watch replays history after fromRevision, then delivers live events without gaps', async () => {
      const s = await factory();
      const k = '/registry/configmaps/default/a';
      const c = await s.create(k, cm('a'));
      await s.update(k, cm('a', { v: '1' }));
      await s.create('/registry/pods/default/p', cm('p'));
      const ac = new AbortController();
      const it = s.watch('/registry/configmaps/', c.modRevision - 1, ac.signal)[Symbol.asyncIterator]();
      const first = await take(it, 2);
      assert.deepEqual(first.map((e) => e.type), ['ADDED', 'MODIFIED']);
      assert.deepEqual(first[1]?.prevObject?.data, {});
      await s.delete(k);
      await s.create('/registry/configmaps/default/b', cm('b'));
      const live = await take(it, 2);
      assert.deepEqual(live.map((e) => [e.type, e.object.metadata.name]), [['DELETED', 'a'], ['ADDED', 'b']]);
      const revs = [...first, ...live].map((e) => e.revision);
      assert.deepEqual(revs, [...revs].sort((x, y) => x - y));
      ac.abort();
      assert.equal((await it.next()).done, true);
      s.close();
    });

    it('watch from the current revision sees only later writes, each once', async () => {
      const s = await factory();
      await s.create('/registry/configmaps/default/a', cm('a'));
      const ac = new AbortController();
      const it = s.watch('/registry/configmaps/', s.currentRevision(), ac.signal)[Symbol.asyncIterator]();
      const pending = take(it, 3);
      for (let i = 0; i < 3; i++) await s.update('/registry/configmaps/default/a', cm('a', { i: String(i) }));
      const evs = await pending;
      assert.deepEqual(evs.map((e) => e.object.data), [{ i: '0' }, { i: '1' }, { i: '2' }]);
      ac.abort();
      s.close();
    });

    it('many watchers each receive every event', async () => {
      const s = await factory();
      const ac = new AbortController();
      const its = Array.from({ length: 20 }, () => s.watch('/registry/', 0, ac.signal)[Symbol.asyncIterator]());
      const all = Promise.all(its.map((it) => take(it, 5)));
      for (let i = 0; i < 5; i++) await s.create(`/registry/configmaps/default/c${i}`, cm(`c${i}`));
      for (const evs of await all) assert.equal(evs.length, 5);
      ac.abort();
      s.close();
    });
    it('list at a past revision shows the keys as they were then', async () => {
      const s = await factory();
      const a = await s.create('/registry/configmaps/default/a', cm('a', { v: '1' }));
      await s.update('/registry/configmaps/default/a', cm('a', { v: '2' }));
      await s.create('/registry/configmaps/default/b', cm('b'));
      await s.delete('/registry/configmaps/default/a');
      const then = await s.list('/registry/configmaps/', { revision: a.modRevision });
      assert.equal(then.revision, a.modRevision);
      assert.deepEqual(then.items.map((i) => [i.object.metadata.name, i.object.data, i.modRevision]), [['a', { v: '1' }, a.modRevision]]);
      const now = await s.list('/registry/configmaps/');
      assert.deepEqual(now.items.map((i) => i.object.metadata.name), ['b']);
      await assert.rejects(s.list('/registry/configmaps/', { revision: s.currentRevision() + 100 }), { code: 'StoreFutureRevision' });
      s.close();
    });

    it('compaction keeps the current state and makes older watches and lists fail with StoreCompacted', async () => {
      const s = await factory();
      const k = '/registry/configmaps/default/a';
      const first = await s.create(k, cm('a'));
      for (let i = 0; i < 10; i++) await s.update(k, cm('a', { i: String(i) }));
      await s.create('/registry/configmaps/default/gone', cm('gone'));
      await s.delete('/registry/configmaps/default/gone');
      const mid = await s.update(k, cm('a', { i: 'mid' }));
      await s.create('/registry/configmaps/default/b', cm('b'));
      await s.update(k, cm('a', { i: 'last' }));
      const compacted = await s.compact(s.currentRevision() - mid.modRevision);
      assert.equal(compacted, mid.modRevision);
      assert.equal(s.compactedRevision(), compacted);
      const ac = new AbortController();
      const old = s.watch('/registry/configmaps/', first.modRevision, ac.signal)[Symbol.asyncIterator]();
      await assert.rejects(old.next(), { code: 'StoreCompacted', message: `too old resource version: ${first.modRevision} (${compacted})` });
      await assert.rejects(s.list('/registry/configmaps/', { revision: compacted - 1 }), { code: 'StoreCompacted' });
      const at = await s.list('/registry/configmaps/', { revision: compacted });
      assert.deepEqual(at.items.map((i) => [i.object.metadata.name, i.object.data]), [['a', { i: 'mid' }]]);
      const ok = s.watch('/registry/configmaps/', compacted, ac.signal)[Symbol.asyncIterator]();
      const evs = await take(ok, 2);
      assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name, e.prevObject?.data]), [['ADDED', 'b', undefined], ['MODIFIED', 'a', { i: 'mid' }]]);
      assert.deepEqual((await s.get(k))?.object.data, { i: 'last' });
      assert.equal(await s.get('/registry/configmaps/default/gone'), undefined);
      ac.abort();
      s.close();
    });
  });
}

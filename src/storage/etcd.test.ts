/** Tests of EtcdStore against a real etcd (Debian's /usr/bin/etcd on 127.0.0.1): the shared Store contract and etcd specifics. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../api/types.js';
import { EtcdStore, etcdHosts } from './etcd.js';
import { storeContract } from './store.contract.js';
import { freePort, startEtcd, type EtcdProcess } from './testing/etcd-process.js';

let etcd: EtcdProcess;
let n = 0;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd.stop();
});

/** A store on the shared etcd whose keys live under their own prefix. */
function fresh(options: { compactIntervalMs?: number } = {}): Promise<EtcdStore> {
  return EtcdStore.connect([etcd.endpoint], { keyPrefix: `/t${n++}`, compactIntervalMs: options.compactIntervalMs ?? 0 });
}

function cm(name: string, v = ''): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v } };
}

storeContract('etcd', () => fresh());

describe('EtcdStore', () => {
  it('etcdHosts reads k3s endpoint syntax', () => {
    assert.deepEqual(etcdHosts('http://127.0.0.1:2379'), ['http://127.0.0.1:2379']);
    assert.deepEqual(etcdHosts('etcd://10.0.0.1:2379,etcd://10.0.0.2:2379'), ['http://10.0.0.1:2379', 'http://10.0.0.2:2379']);
    assert.deepEqual(etcdHosts('https://h:2379'), ['https://h:2379']);
    assert.throws(() => etcdHosts('mysql://u@tcp(h)/db'), /scheme mysql: is not etcd's/);
  });

  it('connecting where no etcd listens fails, naming the endpoint', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    await assert.rejects(EtcdStore.connect([endpoint], { compactIntervalMs: 0, timeoutMs: 2000 }), { message: new RegExp(`^cannot reach etcd at ${endpoint.replace(/\./g, '\\.')}: `) });
  });

  it('objects are stored under their keys as JSON, visible to other etcd clients', async () => {
    const s = await fresh();
    const c = await s.create('/registry/configmaps/default/a', cm('a', '1'));
    const other = await EtcdStore.connect([etcd.endpoint], { keyPrefix: '', compactIntervalMs: 0 });
    const raw = await other.list(`/t${n - 1}/registry/configmaps/default/`);
    assert.deepEqual(raw.items.map((i) => [i.key, i.modRevision, i.object.data]), [[`/t${n - 1}/registry/configmaps/default/a`, c.modRevision, { v: '1' }]]);
    other.close();
    s.close();
  });

  it('a reconnect reads the compacted revision back from compact_rev_key', async () => {
    const s = await fresh();
    for (let i = 0; i < 5; i++) await s.create(`/registry/configmaps/default/c${i}`, cm(`c${i}`));
    const compacted = await s.compact(2);
    s.close();
    const again = await EtcdStore.connect([etcd.endpoint], { keyPrefix: `/t${n - 1}`, compactIntervalMs: 0 });
    assert.equal(again.compactedRevision(), compacted);
    assert.ok(again.currentRevision() > compacted);
    const ac = new AbortController();
    await assert.rejects(again.watch('/registry/', compacted - 1, ac.signal)[Symbol.asyncIterator]().next(), { code: 'StoreCompacted' });
    again.close();
  });

  it('a watch from a revision compacted by another client fails with StoreCompacted', async (t) => {
    const s = await fresh();
    t.after(() => s.close());
    const first = await s.create('/registry/configmaps/default/a', cm('a'));
    for (let i = 0; i < 3; i++) await s.update('/registry/configmaps/default/a', cm('a', String(i)));
    const ac = new AbortController();
    t.after(() => ac.abort());
    const live = s.watch('/registry/', s.currentRevision(), ac.signal)[Symbol.asyncIterator]();
    const next = live.next();
    const other = await EtcdStore.connect([etcd.endpoint], { keyPrefix: `/other${n}`, compactIntervalMs: 0 });
    await other.compact(0);
    other.close();
    await assert.rejects(s.watch('/registry/', first.modRevision - 1, ac.signal)[Symbol.asyncIterator]().next(), { code: 'StoreCompacted' });
    await assert.rejects(s.list('/registry/', { revision: first.modRevision }), { code: 'StoreCompacted' });
    // The failed watch shares the client's stream with the live one, which keeps delivering.
    await s.create('/registry/configmaps/default/after', cm('after'));
    const ev = await next;
    assert.deepEqual([ev.value?.type, ev.value?.key], ['ADDED', '/registry/configmaps/default/after']);
  });

  it('the compactor compacts to the revision it saw one interval earlier', async () => {
    const s = await fresh({ compactIntervalMs: 200 });
    await s.create('/registry/configmaps/default/a', cm('a'));
    const seen = s.currentRevision();
    await new Promise((r) => setTimeout(r, 250));
    await s.update('/registry/configmaps/default/a', cm('a', '2'));
    const deadline = Date.now() + 3000;
    while (s.compactedRevision() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(s.compactedRevision() >= seen, `compacted ${s.compactedRevision()}, seen ${seen}`);
    assert.deepEqual((await s.get('/registry/configmaps/default/a'))?.object.data, { v: '2' });
    s.close();
  });

  it('close ends open watches', async () => {
    const s = await fresh();
    const it = s.watch('/registry/', s.currentRevision(), new AbortController().signal)[Symbol.asyncIterator]();
    const pending = it.next();
    await new Promise((r) => setTimeout(r, 50));
    s.close();
    assert.equal((await pending).done, true);
  });
});

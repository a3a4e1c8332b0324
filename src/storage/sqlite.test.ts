/** Tests of SqliteStore: the shared Store contract, compaction and crash safety of the database file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '../api/types.js';
import { SqliteStore } from './sqlite.js';
import { storeContract } from './store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'k1s-sqlite-'));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

function cm(name: string, v = ''): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v } };
}

storeContract('sqlite file', () => new SqliteStore(join(dir, `c${n++}.db`), { compactIntervalMs: 0 }));
storeContract('sqlite memory', () => new SqliteStore(':memory:', { compactIntervalMs: 0 }));

describe('SqliteStore', () => {
  it('reopening the file keeps objects and revisions', async () => {
    const path = join(dir, 'reopen.db');
    const s1 = new SqliteStore(path, { compactIntervalMs: 0 });
    await s1.create('/registry/configmaps/default/a', cm('a', '1'));
    const b = await s1.create('/registry/configmaps/default/b', cm('b'));
    await s1.delete('/registry/configmaps/default/b');
    const u = await s1.update('/registry/configmaps/default/a', cm('a', '2'));
    const rev = s1.currentRevision();
    s1.close();
    const s2 = new SqliteStore(path, { compactIntervalMs: 0 });
    assert.equal(s2.currentRevision(), rev);
    const a = await s2.get('/registry/configmaps/default/a');
    assert.equal(a?.modRevision, u.modRevision);
    assert.deepEqual(a?.object.data, { v: '2' });
    assert.equal(await s2.get('/registry/configmaps/default/b'), undefined);
    const next = await s2.create('/registry/configmaps/default/c', cm('c'));
    assert.ok(next.modRevision > rev && next.modRevision > b.modRevision);
    s2.close();
  });

  it('a file store journals in WAL mode and syncs every commit (synchronous FULL)', () => {
    const s = new SqliteStore(join(dir, 'durability.db'), { compactIntervalMs: 0 });
    assert.deepEqual(s.durability(), { journalMode: 'wal', synchronous: 2 });
    s.close();
  });

  it('a process killed without close keeps committed writes', async () => {
    const path = join(dir, 'crash.db');
    const { spawnSync } = await import('node:child_process');
    const url = new URL('./sqlite.js', import.meta.url).href;
    const script = `
      const { SqliteStore } = await import(${JSON.stringify(url)});
      const s = new SqliteStore(${JSON.stringify(path)}, { compactIntervalMs: 0 });
      for (let i = 0; i < 50; i++) await s.create('/registry/configmaps/default/c' + i, { metadata: { name: 'c' + i } });
      process.kill(process.pid, 'SIGKILL');`;
    spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    const s = new SqliteStore(path, { compactIntervalMs: 0 });
    assert.equal(s.currentRevision(), 50);
    assert.equal((await s.list('/registry/configmaps/')).items.length, 50);
    s.close();
  });

  it('compaction drops superseded revisions and makes old watches fail with StoreCompacted', async () => {
    const s = new SqliteStore(':memory:', { compactIntervalMs: 0, keepRevisions: 5 });
    await s.create('/registry/configmaps/default/a', cm('a'));
    for (let i = 0; i < 10; i++) await s.update('/registry/configmaps/default/a', cm('a', String(i)));
    await s.create('/registry/configmaps/default/gone', cm('gone'));
    await s.delete('/registry/configmaps/default/gone');
    const compacted = await s.compact();
    assert.equal(compacted, s.currentRevision() - 5);
    const ac = new AbortController();
    const old = s.watch('/registry/', 1, ac.signal)[Symbol.asyncIterator]();
    await assert.rejects(old.next(), { code: 'StoreCompacted', message: `too old resource version: 1 (${compacted})` });
    const ok = s.watch('/registry/', compacted, ac.signal)[Symbol.asyncIterator]();
    const first = await ok.next();
    assert.equal(first.done, false);
    assert.deepEqual((await s.get('/registry/configmaps/default/a'))?.object.data, { v: '9' });
    ac.abort();
    s.close();
  });

  it('10k creates and deletes leave the file within 2x of the live objects once compacted', async () => {
    // ~1 KiB objects: 2000 live, then 10000 create/delete pairs of others (20000 revisions) on the same file.
    const blob = 'x'.repeat(1000);
    const live = async (s: SqliteStore): Promise<void> => {
      for (let i = 0; i < 2000; i++) await s.create(`/registry/configmaps/default/live-${i}`, cm(`live-${i}`, blob));
    };
    const fileSize = (path: string): number => {
      const wal = (() => {
        try {
          return statSync(`${path}-wal`).size;
        } catch {
          return 0;
        }
      })();
      return statSync(path).size + wal;
    };
    const livePath = join(dir, 'live.db');
    const fresh = new SqliteStore(livePath, { compactIntervalMs: 0 });
    await live(fresh);
    fresh.close();
    const liveSize = fileSize(livePath);

    const path = join(dir, 'churn.db');
    const s = new SqliteStore(path, { compactIntervalMs: 0 });
    await live(s);
    for (let i = 0; i < 10000; i++) {
      const k = `/registry/configmaps/default/churn-${i}`;
      await s.create(k, cm(`churn-${i}`, blob));
      await s.delete(k);
    }
    const before = fileSize(path);
    const compacted = await s.compact();
    const after = fileSize(path);
    assert.equal(compacted, s.currentRevision() - 1000);
    assert.equal((await s.list('/registry/configmaps/')).items.length, 2000);
    s.close();
    assert.ok(after <= 2 * liveSize, `after compaction ${after} bytes, live ${liveSize} bytes`);
    assert.ok(before > 2 * liveSize, `before compaction ${before} bytes, live ${liveSize} bytes`);
    process.stdout.write(`# live ${liveSize} B, after 10k create/delete ${before} B, compacted ${after} B (${(after / liveSize).toFixed(2)}x live)\n`);
  });

  it('an existing file without auto_vacuum is converted on open', async () => {
    const path = join(dir, 'legacy.db');
    const Database = (await import('better-sqlite3')).default;
    const legacy = new Database(path);
    legacy.exec('CREATE TABLE t (x INTEGER)');
    legacy.close();
    const s = new SqliteStore(path, { compactIntervalMs: 0 });
    await s.create('/registry/configmaps/default/a', cm('a'));
    s.close();
    const check = new Database(path);
    assert.equal(check.pragma('auto_vacuum', { simple: true }), 2);
    check.close();
  });

  it('lists 500 objects and fans out to 50 watchers quickly', async () => {
    const s = new SqliteStore(join(dir, 'perf.db'), { compactIntervalMs: 0 });
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) await s.create(`/registry/pods/default/p${String(i).padStart(3, '0')}`, cm(`p${i}`));
    const t1 = performance.now();
    const list = await s.list('/registry/pods/');
    const t2 = performance.now();
    assert.equal(list.items.length, 500);
    const ac = new AbortController();
    const its = Array.from({ length: 50 }, () => s.watch('/registry/pods/', s.currentRevision(), ac.signal)[Symbol.asyncIterator]());
    const counts = Promise.all(
      its.map(async (it) => {
        let c = 0;
        while (c < 100 && !(await it.next()).done) c++;
        return c;
      }),
    );
    for (let i = 0; i < 100; i++) await s.update(`/registry/pods/default/p${String(i).padStart(3, '0')}`, cm(`p${i}`, 'x'));
    assert.deepEqual(new Set(await counts), new Set([100]));
    const t3 = performance.now();
    ac.abort();
    s.close();
    assert.ok(t2 - t1 < 500, `list took ${t2 - t1} ms`);
    process.stdout.write(`# 500 creates ${(t1 - t0).toFixed(0)} ms, list ${(t2 - t1).toFixed(1)} ms, 100 updates x 50 watchers ${(t3 - t2).toFixed(0)} ms\n`);
  });
});

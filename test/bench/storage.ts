/**
 * `node dist/test/bench/storage.js`: the Store's own latencies on SQLite (a file in a temp dir) and on etcd
 * (Debian's /usr/bin/etcd on 127.0.0.1, temp data dir), printed as a Markdown table; figures, never asserted.
 *
 * For each store: N creates of ~2 KiB pod-like objects, N gets, 50 lists of all N, N compare-and-swap
 * updates, and the time from a write to its event at a watcher.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/api/types.js';
import { EtcdStore } from '../../src/storage/etcd.js';
import { SqliteStore } from '../../src/storage/sqlite.js';
import type { Store } from '../../src/storage/store.js';
import { startEtcd } from '../../src/storage/testing/etcd-process.js';

const N = Number(process.env['K1S_BENCH_OBJECTS'] ?? 500);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms`;
}

function object(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${String(i).padStart(5, '0')}`, namespace: 'default', labels: { app: 'bench' } },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'x'.repeat(1800)] }] },
  } as KubeObject;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function bench(name: string, store: Store): Promise<string[]> {
  const key = (i: number): string => `/registry/pods/default/p${String(i).padStart(5, '0')}`;
  const creates: number[] = [];
  for (let i = 0; i < N; i++) creates.push(await time(() => store.create(key(i), object(i))));
  const gets: number[] = [];
  for (let i = 0; i < N; i++) gets.push(await time(() => store.get(key(i))));
  const lists: number[] = [];
  for (let i = 0; i < 50; i++) lists.push(await time(() => store.list('/registry/pods/')));
  const updates: number[] = [];
  for (let i = 0; i < N; i++) {
    const cur = await store.get(key(i));
    updates.push(await time(() => store.update(key(i), object(i), cur?.modRevision)));
  }
  const ac = new AbortController();
  const it = store.watch('/registry/pods/', store.currentRevision(), ac.signal)[Symbol.asyncIterator]();
  const events: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const next = it.next();
    await store.update(key(i), object(i));
    await next;
    events.push(performance.now() - t0);
  }
  ac.abort();
  return [
    `| ${name} | create | ${summary(creates)} |`,
    `| ${name} | get | ${summary(gets)} |`,
    `| ${name} | list ${N} | ${summary(lists)} |`,
    `| ${name} | update (CAS) | ${summary(updates)} |`,
    `| ${name} | write → watch event | ${summary(events)} |`,
  ];
}

const dir = await mkdtemp(join(tmpdir(), 'k1s-bench-storage-'));
const etcd = await startEtcd();
try {
  const rows: string[] = [];
  const sqlite = new SqliteStore(join(dir, 'state.db'), { compactIntervalMs: 0 });
  rows.push(...(await bench('SQLite', sqlite)));
  sqlite.close();
  const store = await EtcdStore.connect([etcd.endpoint], { compactIntervalMs: 0 });
  rows.push(...(await bench('etcd 3.4', store)));
  store.close();
  console.log(`| store | operation | latency (${N} objects of ~2 KiB) |\n|---|---|---|\n${rows.join('\n')}`);
} finally {
  await etcd.stop();
  await rm(dir, { recursive: true, force: true });
}

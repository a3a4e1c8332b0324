/**
 * `k1s server --datastore-endpoint http://127.0.0.1:PORT` on a real etcd (Debian's /usr/bin/etcd): a representative
 * subset of the seeds (seed 004's sidecar pod: apply, `get -w` to Running, logs, exec, delete) with the objects
 * in etcd under kube-apiserver's keys, state surviving a server restart, and 410 Expired after an etcd compaction.
 * The full seeds suite stays on SQLite (seeds.test.ts): on etcd it would double npm test's longest suite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { e2eSkip, podRow, startCluster, watchPod, type Cluster } from './harness.js';
import { seedPods } from './seed-manifests.js';
import { startEtcd, type EtcdProcess } from '../../src/storage/testing/etcd-process.js';

const sidecar = seedPods().find((p) => p.seed.startsWith('004') && p.name === 'sidecar-pod');

describe('etcd datastore', { skip: e2eSkip || (!sidecar ? 'no seed 004 sidecar-pod beside the repo' : false) }, () => {
  let etcd: EtcdProcess;
  let cluster: Cluster;
  let client: Etcd3;
  const key = '/registry/pods/default/sidecar-pod';

  before(async () => {
    etcd = await startEtcd();
    client = new Etcd3({ hosts: [etcd.endpoint] });
    cluster = await startCluster({ extraArgs: ['--datastore-endpoint', etcd.endpoint] });
  });
  after(async () => {
    const left = cluster ? await cluster.stop() : [];
    client?.close();
    await etcd?.stop();
    assert.deepEqual(left, [], 'nothing is left behind');
  });

  it('the server stores the cluster in etcd, not in the data dir', async () => {
    assert.match(cluster.serverLog(), new RegExp(`datastore: etcd ${etcd.endpoint.replace(/\./g, '\\.')} \\(revision \\d+\\)`));
    const namespaces = await client.getAll().prefix('/registry/namespaces/').keys();
    assert.deepEqual(namespaces.filter((k) => ['/registry/namespaces/default', '/registry/namespaces/kube-system'].includes(k)).sort(), ['/registry/namespaces/default', '/registry/namespaces/kube-system']);
    assert.equal(await cluster.kubectlOk(['get', 'ns', 'default', '-o', 'jsonpath={.status.phase}']), 'Active');
  });

  it("seed 004's sidecar pod runs: get -w to Running, logs, exec; its key holds the pod at its resourceVersion", async () => {
    const p = sidecar!;
    await cluster.kubectlOk(['apply', '-f', '-'], { input: p.text });
    const rows = await watchPod(cluster, p.name, /^Running$/, 90_000);
    assert.equal(rows[rows.length - 1]?.status, 'Running');
    await cluster.waitFor('2/2 ready', async () => (await podRow(cluster, p.name))?.ready === '2/2');
    const logs = await cluster.waitFor('sidecar logs', async () => {
      const out = await cluster.kubectlOk(['logs', p.name, '-c', 'sidecar-container', '--tail=5']);
      return /Main container log entry \d+/.test(out) ? out : undefined;
    }, 30_000);
    assert.match(logs, /Main container log entry \d+/);
    assert.match(await cluster.kubectlOk(['exec', p.name, '-c', 'main-container', '--', 'ls', '/var/log']), /app\.log/);

    const rv = await cluster.kubectlOk(['get', 'pod', p.name, '-o', 'jsonpath={.metadata.resourceVersion}']);
    const stored = await client.get(key).exec();
    const kv = stored.kvs[0];
    assert.ok(kv, `${key} is in etcd`);
    const obj = JSON.parse(kv.value.toString('utf8')) as { kind?: string; metadata: { name: string; resourceVersion?: string }; status?: { phase?: string } };
    assert.deepEqual([obj.metadata.name, obj.metadata.resourceVersion, kv.mod_revision], [p.name, undefined, rv]);
  });

  it('a restarted server serves the same objects from etcd', async () => {
    const before = await cluster.kubectlOk(['get', 'pod', 'sidecar-pod', '-o', 'jsonpath={.metadata.uid}']);
    await cluster.restart();
    await cluster.waitFor('pod listed again', async () => (await podRow(cluster, 'sidecar-pod'))?.status === 'Running', 60_000);
    assert.equal(await cluster.kubectlOk(['get', 'pod', 'sidecar-pod', '-o', 'jsonpath={.metadata.uid}']), before);
  });

  it('after an etcd compaction, a watch and an exact list from an older resourceVersion are 410 Expired', async () => {
    const current = Number((await client.get('compact_rev_key').exec()).header.revision);
    await client.kv.compact({ revision: current, physical: true });
    const watch = await cluster.kubectl(['get', '--raw', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=1&timeoutSeconds=5']);
    const event = JSON.parse(watch.stdout.trim().split('\n')[0] ?? '{}') as { type?: string; object?: { code?: number; reason?: string; message?: string } };
    assert.deepEqual([event.type, event.object?.code, event.object?.reason], ['ERROR', 410, 'Expired'], watch.stdout + watch.stderr);
    assert.match(event.object?.message ?? '', /^too old resource version: 1 \(\d+\)$/);
    const list = await cluster.kubectl(['get', '--raw', '/api/v1/namespaces/default/pods?resourceVersion=1&resourceVersionMatch=Exact']);
    assert.notEqual(list.code, 0);
    assert.match(list.stderr, /The resourceVersion for the provided list is too old/);
    // A list at the latest revision is unaffected.
    assert.match(await cluster.kubectlOk(['get', 'pods', '--no-headers']), /^sidecar-pod\s+2\/2\s+Running/m);
  });

  it('deleting the pod removes its key', async () => {
    // A short grace period: the seed's containers ignore SIGTERM, and the 30 s default says nothing about etcd.
    await cluster.kubectlOk(['delete', 'pod', 'sidecar-pod', '--grace-period=1', '--wait=true', '--timeout=60s'], { timeoutMs: 90_000 });
    assert.equal((await client.get(key).exec()).kvs.length, 0);
    const gone = await cluster.kubectl(['get', 'pod', 'sidecar-pod']);
    assert.match(gone.stderr, /pods "sidecar-pod" not found/);
  });
});

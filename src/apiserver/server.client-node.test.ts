/**
 * The API server against @kubernetes/client-node: typed list and the Watch helper. Skipped when the library
 * cannot load (client-node 2.0.1 pulls undici 8, which needs Node >= 22.19; package.json overrides it to undici 7).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { startTestServer, type TestServer } from './testing/test-server.js';

type ClientNode = typeof import('@kubernetes/client-node');
let lib: ClientNode | undefined;
// Probe in a child first: a failed import leaves an unhandled rejection behind in this process.
const probe = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('@kubernetes/client-node')"], { encoding: 'utf8' });
const loadError = probe.status === 0 ? '' : (probe.stderr.split('\n').find((l) => /Error/.test(l)) ?? 'import failed');
if (probe.status === 0) lib = (await import('@kubernetes/client-node')) as ClientNode;
const skip = lib ? false : `@kubernetes/client-node does not load on Node ${process.versions.node}: ${loadError}`;

describe('API server with @kubernetes/client-node', { skip }, () => {
  let t: TestServer;
  let kc: KubeConfig;
  before(async () => {
    if (!lib) return;
    t = await startTestServer();
    if (!lib) return;
    kc = new lib.KubeConfig();
    kc.loadFromFile(t.kubeconfig);
  });
  after(async () => {
    await t?.close();
  });

  it('lists namespaces and creates and lists pods', async () => {
    const api = kc.makeApiClient(lib!.CoreV1Api);
    const ns = await api.listNamespace();
    assert.deepEqual(ns.items.map((n) => n.metadata?.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    await api.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'cn' }, spec: { containers: [{ name: 'a', image: 'busybox' }] } } });
    const pods = await api.listNamespacedPod({ namespace: 'default' });
    assert.deepEqual(pods.items.map((p) => p.metadata?.name), ['cn']);
    assert.equal(pods.items[0]?.status?.phase, 'Pending');
  });

  it('the Watch helper receives ADDED then MODIFIED', async () => {
    const api = kc.makeApiClient(lib!.CoreV1Api);
    const events: string[] = [];
    const got = new Promise<void>((resolve) => {
      void new lib!.Watch(kc)
        .watch('/api/v1/namespaces/default/configmaps', {}, (type: string, obj: { metadata?: { name?: string } }) => {
          events.push(`${type} ${obj.metadata?.name ?? ''}`);
          if (events.length === 2) resolve();
        }, () => undefined)
        .then((req) => got.finally(() => req.abort()));
    });
    await new Promise((r) => setTimeout(r, 200));
    await api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w' }, data: { a: '1' } } });
    await api.patchNamespacedConfigMap({ namespace: 'default', name: 'w', body: [{ op: 'replace', path: '/data/a', value: '2' }] });
    await got;
    assert.deepEqual(events, ['ADDED w', 'MODIFIED w']);
  });
});

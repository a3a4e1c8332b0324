import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../apiserver/testing/test-server.js';
import { createApiClient, type RestClient } from '../client/rest-client.js';
import { startNamespaceController, type NamespaceController } from './namespace.js';

async function eventually(what: string, fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('namespace controller against the API server', () => {
  let t: TestServer;
  let client: RestClient;
  let controller: NamespaceController;
  before(async () => {
    t = await startTestServer();
    client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    controller = startNamespaceController({ client, retryDelayMs: 50 });
  });
  after(async () => {
    await controller.stop();
    client.close();
    await t.close();
  });

  it('deletes the content of a Terminating namespace, removes the kubernetes finalizer and the namespace', async () => {
    await call(t, 'POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await call(t, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'c1' } });
    await call(t, 'POST', '/api/v1/namespaces/doomed/secrets', { metadata: { name: 's1' } });
    const del = await call(t, 'DELETE', '/api/v1/namespaces/doomed');
    assert.equal(del.code, 200);
    const body = del.json() as { metadata: { deletionTimestamp?: string }; spec: { finalizers: string[] }; status: { phase: string } };
    assert.equal(body.status.phase, 'Terminating');
    assert.deepEqual(body.spec.finalizers, ['kubernetes']);
    assert.equal(typeof body.metadata.deletionTimestamp, 'string');
    await eventually('namespace doomed to go', async () => (await call(t, 'GET', '/api/v1/namespaces/doomed')).code === 404);
    assert.equal((await call(t, 'GET', '/api/v1/namespaces/doomed/configmaps/c1')).code, 404);
    assert.equal((await call(t, 'GET', '/api/v1/namespaces/doomed/secrets/s1')).code, 404);
  });

  it('leaves a namespace Terminating with an empty content while another finalizer remains', async () => {
    await call(t, 'POST', '/api/v1/namespaces', { metadata: { name: 'held' }, spec: { finalizers: ['example.com/hold'] } });
    await call(t, 'POST', '/api/v1/namespaces/held/configmaps', { metadata: { name: 'c1' } });
    assert.equal((await call(t, 'DELETE', '/api/v1/namespaces/held')).code, 200);
    await eventually('the kubernetes finalizer to go', async () => {
      const ns = (await call(t, 'GET', '/api/v1/namespaces/held')).json() as { spec?: { finalizers?: string[] } };
      return JSON.stringify(ns.spec?.finalizers) === '["example.com/hold"]';
    });
    assert.equal((await call(t, 'GET', '/api/v1/namespaces/held/configmaps/c1')).code, 404);
    const ns = (await call(t, 'GET', '/api/v1/namespaces/held')).json() as { status: { phase: string } };
    assert.equal(ns.status.phase, 'Terminating');
    const created = await call(t, 'POST', '/api/v1/namespaces/held/configmaps', { metadata: { name: 'c2' } });
    assert.equal(created.code, 403);
    const fin = await call(t, 'PUT', '/api/v1/namespaces/held/finalize', { metadata: { name: 'held' }, spec: { finalizers: [] } });
    assert.equal(fin.code, 200, fin.body);
    assert.equal((await call(t, 'DELETE', '/api/v1/namespaces/held')).code, 200);
    assert.equal((await call(t, 'GET', '/api/v1/namespaces/held')).code, 404);
  });
});

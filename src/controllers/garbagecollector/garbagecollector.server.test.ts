import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';
import { createApiClient, type RestClient } from '../../client/rest-client.js';
import { startGarbageCollector, type GarbageCollector } from './garbagecollector.js';

async function eventually(what: string, fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('garbage collector against the API server, driven by kubectl delete --cascade', () => {
  let t: TestServer;
  let client: RestClient;
  let gc: GarbageCollector;
  const errors: unknown[] = [];
  before(async () => {
    t = await startTestServer();
    client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    gc = startGarbageCollector({ client, retryDelayMs: 50, onError: (e) => errors.push(e) });
    await gc.synced;
  });
  after(async () => {
    await gc.stop();
    client.close();
    await t.close();
    assert.deepEqual(errors, []);
  });

  const CMS = '/api/v1/namespaces/default/configmaps';
  const exists = async (name: string): Promise<boolean> => (await call(t, 'GET', `${CMS}/${name}`)).code === 200;
  /** An owner ConfigMap and a dependent whose reference blocks the owner's foreground deletion. */
  async function family(prefix: string, finalizers?: string[]): Promise<void> {
    const owner = (await call(t, 'POST', CMS, { metadata: { name: `${prefix}-owner` } })).json() as { metadata: { uid: string } };
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: `${prefix}-owner`, uid: owner.metadata.uid, blockOwnerDeletion: true };
    const r = await call(t, 'POST', CMS, { metadata: { name: `${prefix}-child`, ownerReferences: [ref], ...(finalizers ? { finalizers } : {}) } });
    assert.equal(r.code, 201, r.body);
  }

  it('--cascade=background (the default) deletes the owner at once and then its dependent', async () => {
    await family('bg');
    const del = await t.kubectl(['delete', 'configmap', 'bg-owner']);
    assert.equal(del.code, 0, del.stderr);
    await eventually('bg-child to go', async () => !(await exists('bg-child')));
  });

  it('--cascade=foreground keeps the owner until its blocking dependent is gone', async () => {
    await family('fg', ['test.k1s.io/hold']);
    const del = await t.kubectl(['delete', 'configmap', 'fg-owner', '--cascade=foreground', '--wait=false']);
    assert.equal(del.code, 0, del.stderr);
    await eventually('fg-child to be terminating', async () => {
      const child = (await call(t, 'GET', `${CMS}/fg-child`)).json() as { metadata: { deletionTimestamp?: string } };
      return child.metadata.deletionTimestamp !== undefined;
    });
    const owner = (await call(t, 'GET', `${CMS}/fg-owner`)).json() as { metadata: { finalizers?: string[]; deletionTimestamp?: string } };
    assert.deepEqual(owner.metadata.finalizers, ['foregroundDeletion']);
    const patched = await call(t, 'PATCH', `${CMS}/fg-child`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(patched.code, 200, patched.body);
    await eventually('fg-owner to go', async () => !(await exists('fg-owner')));
  });

  it('--cascade=orphan deletes the owner and leaves the dependent without its reference', async () => {
    await family('or');
    const del = await t.kubectl(['delete', 'configmap', 'or-owner', '--cascade=orphan']);
    assert.equal(del.code, 0, del.stderr);
    await eventually('or-owner to go', async () => !(await exists('or-owner')));
    const child = (await call(t, 'GET', `${CMS}/or-child`)).json() as { metadata: { ownerReferences?: unknown[] } };
    assert.equal(child.metadata.ownerReferences, undefined);
  });
});

describe('garbage collector against the API server, started on existing objects', () => {
  it('deletes a dependent naming an owner of another namespace even when its namespace is listed first', async () => {
    const t = await startTestServer();
    const client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    const errors: unknown[] = [];
    let gc: GarbageCollector | undefined;
    try {
      for (const ns of ['a-dependents', 'z-owners']) assert.equal((await call(t, 'POST', '/api/v1/namespaces', { metadata: { name: ns } })).code, 201);
      const owner = (await call(t, 'POST', '/api/v1/namespaces/z-owners/configmaps', { metadata: { name: 'owner' } })).json() as { metadata: { uid: string } };
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid };
      assert.equal((await call(t, 'POST', '/api/v1/namespaces/a-dependents/configmaps', { metadata: { name: 'cross', ownerReferences: [ref] } })).code, 201);
      // The list the collector starts from has a-dependents/cross before z-owners/owner.
      gc = startGarbageCollector({ client, retryDelayMs: 50, onError: (e) => errors.push(e) });
      await gc.synced;
      await eventually('the cross-namespace dependent to go', async () => (await call(t, 'GET', '/api/v1/namespaces/a-dependents/configmaps/cross')).code === 404);
      assert.equal((await call(t, 'GET', '/api/v1/namespaces/z-owners/configmaps/owner')).code, 200, 'the owner stays');
    } finally {
      await gc?.stop();
      client.close();
      await t.close();
    }
    assert.deepEqual(errors, []);
  });
});

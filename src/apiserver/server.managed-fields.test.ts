/** HTTP-level tests of managedFields and server-side apply: managers from fieldManager or User-Agent, PatchOptions rules, dry run. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ManagedFieldsEntry } from '../api/types.js';
import { call, startTestServer, type TestServer } from './testing/test-server.js';

const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };
const CM = '/api/v1/namespaces/default/configmaps';

describe('managedFields over HTTP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  const entries = async (name: string): Promise<ManagedFieldsEntry[]> =>
    ((await call(t, 'GET', `${CM}/${name}`)).json() as { metadata: { managedFields?: ManagedFieldsEntry[] } }).metadata.managedFields ?? [];

  it('a create is an Update by the User-Agent product when fieldManager is absent', async () => {
    const r = await call(t, 'POST', CM, { metadata: { name: 'ua' }, data: { a: '1' } }, { 'User-Agent': 'my-tool/1.0 (linux)' });
    assert.equal(r.code, 201, r.body);
    const [e] = await entries('ua');
    assert.equal(e?.manager, 'my-tool');
    assert.equal(e?.operation, 'Update');
    assert.deepEqual(e?.fieldsV1, { 'f:data': { '.': {}, 'f:a': {} } });
  });

  it('apply needs fieldManager and force is for apply only (422 PatchOptions)', async () => {
    let r = await call(t, 'PATCH', `${CM}/ua`, 'data: {a: "2"}', APPLY);
    assert.equal(r.code, 422);
    assert.equal(r.json()['message'], 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    r = await call(t, 'PATCH', `${CM}/ua?force=true`, { data: { a: '2' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.code, 422);
    assert.equal(r.json()['message'], 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  it('apply creates, a dry run changes nothing, a conflicting apply is 409 with FieldManagerConflict causes', async () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n';
    let r = await call(t, 'PATCH', `${CM}/applied?fieldManager=alpha`, doc, APPLY);
    assert.equal(r.code, 201, r.body);
    assert.deepEqual((await entries('applied')).map((e) => [e.manager, e.operation, e.fieldsV1]), [['alpha', 'Apply', { 'f:data': { 'f:a': {} } }]]);
    r = await call(t, 'PATCH', `${CM}/applied?fieldManager=alpha&dryRun=All`, doc.replace('"1"', '"9"'), APPLY);
    assert.equal(r.code, 200, r.body);
    assert.equal((r.json() as { data: { a: string } }).data.a, '9');
    assert.equal(((await call(t, 'GET', `${CM}/applied`)).json() as { data: { a: string } }).data.a, '1');
    r = await call(t, 'PATCH', `${CM}/applied?fieldManager=beta`, doc.replace('"1"', '"2"'), APPLY);
    assert.equal(r.code, 409);
    assert.equal(r.json()['reason'], 'Conflict');
    assert.equal(r.json()['message'], 'Apply failed with 1 conflict: conflict with "alpha": .data.a');
    assert.deepEqual((r.json()['details'] as { causes: unknown[] }).causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.data.a' }]);
    r = await call(t, 'PATCH', `${CM}/applied?fieldManager=beta&force=true`, doc.replace('"1"', '"2"'), APPLY);
    assert.equal(r.code, 200, r.body);
    assert.deepEqual((await entries('applied')).map((e) => e.manager), ['beta']);
  });

  it('a PUT that changes nothing keeps the resourceVersion; an explicit empty managedFields list clears them', async () => {
    const got = (await call(t, 'GET', `${CM}/ua`)).json() as { metadata: { resourceVersion: string; managedFields: unknown[] } };
    let r = await call(t, 'PUT', `${CM}/ua?fieldManager=other`, got);
    assert.equal((r.json() as typeof got).metadata.resourceVersion, got.metadata.resourceVersion);
    r = await call(t, 'PUT', `${CM}/ua`, { ...got, metadata: { ...got.metadata, managedFields: [] } });
    assert.equal(r.code, 200, r.body);
    assert.deepEqual(await entries('ua'), []);
  });
});

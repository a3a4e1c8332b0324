/** HTTP-level tests of pods/ephemeralcontainers: GET is the pod, strategic merge PATCH adds, PUT conflicts and 422s. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from './testing/test-server.js';

const BASE = '/api/v1/namespaces/default/pods';
const SMP = { 'Content-Type': 'application/strategic-merge-patch+json' };

describe('pods/ephemeralcontainers over HTTP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    const created = await call(t, 'POST', BASE, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'busybox' }] } });
    assert.equal(created.code, 201, created.body);
  });
  after(async () => {
    await t.close();
  });

  it('GET answers the pod; a strategic merge patch adds a defaulted ephemeral container and nothing else', async () => {
    const got = await call(t, 'GET', `${BASE}/web/ephemeralcontainers`);
    assert.deepEqual([got.code, got.json()['kind']], [200, 'Pod']);
    const patch = { metadata: { labels: { dropped: 'yes' } }, spec: { ephemeralContainers: [{ name: 'debugger', image: 'busybox:1.36', targetContainerName: 'app', stdin: true, tty: true }] } };
    const r = await call(t, 'PATCH', `${BASE}/web/ephemeralcontainers`, patch, SMP);
    assert.equal(r.code, 200, r.body);
    const pod = r.json() as { metadata: { labels?: Record<string, string>; resourceVersion: string }; spec: { ephemeralContainers: Record<string, unknown>[] } };
    assert.equal(pod.metadata.labels, undefined);
    assert.deepEqual(pod.spec.ephemeralContainers, [
      {
        name: 'debugger',
        image: 'busybox:1.36',
        targetContainerName: 'app',
        stdin: true,
        tty: true,
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      },
    ]);
    assert.notEqual(pod.metadata.resourceVersion, (got.json()['metadata'] as { resourceVersion: string }).resourceVersion);
  });

  it('a second patch adds beside the first; removing one is 422 with the upstream cause', async () => {
    const add = await call(t, 'PATCH', `${BASE}/web/ephemeralcontainers`, { spec: { ephemeralContainers: [{ name: 'second', image: 'busybox:1.36' }] } }, SMP);
    assert.equal(add.code, 200, add.body);
    // Without $setElementOrder a strategic merge puts the patch's new entries first (mergeSortedSlice).
    assert.deepEqual((add.json() as { spec: { ephemeralContainers: { name: string }[] } }).spec.ephemeralContainers.map((c) => c.name), ['second', 'debugger']);
    const remove = await call(t, 'PATCH', `${BASE}/web/ephemeralcontainers`, [{ op: 'remove', path: '/spec/ephemeralContainers/0' }], { 'Content-Type': 'application/json-patch+json' });
    assert.equal(remove.code, 422);
    const status = remove.json() as { reason: string; message: string; details: { causes: { field: string; reason: string }[] } };
    assert.equal(status.reason, 'Invalid');
    assert.equal(status.message, 'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "second" may not be removed\n');
    assert.deepEqual(status.details.causes.map((c) => [c.field, c.reason]), [['spec.ephemeralContainers', 'FieldValueForbidden']]);
  });

  it('PUT with a stale resourceVersion is 409; PUT of the current pod with one more entry is 200', async () => {
    const cur = (await call(t, 'GET', `${BASE}/web/ephemeralcontainers`)).json() as { metadata: { resourceVersion: string }; spec: { ephemeralContainers: unknown[] } };
    const stale = structuredClone(cur);
    stale.metadata.resourceVersion = '1';
    assert.equal((await call(t, 'PUT', `${BASE}/web/ephemeralcontainers`, stale)).code, 409);
    cur.spec.ephemeralContainers.push({ name: 'third', image: 'busybox:1.36' });
    const put = await call(t, 'PUT', `${BASE}/web/ephemeralcontainers`, cur);
    assert.equal(put.code, 200, put.body);
    assert.equal((put.json() as { spec: { ephemeralContainers: unknown[] } }).spec.ephemeralContainers.length, 3);
    assert.equal((await call(t, 'POST', `${BASE}/web/ephemeralcontainers`, cur)).code, 405);
  });

  it('the main resource refuses ephemeral containers on create and changes to them on update', async () => {
    const create = await call(t, 'POST', BASE, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'a', image: 'busybox' }], ephemeralContainers: [{ name: 'd', image: 'busybox' }] } });
    assert.equal(create.code, 422);
    assert.match(String(create.json()['message']), /spec\.ephemeralContainers: Forbidden: cannot be set on create/);
    const update = await call(t, 'PATCH', `${BASE}/web`, { spec: { ephemeralContainers: [{ name: 'fourth', image: 'busybox:1.36' }] } }, SMP);
    assert.equal(update.code, 422);
    assert.match(String(update.json()['message']), /spec: Forbidden: pod updates may not change fields other than/);
  });
});

/**
 * Fidelity fixes found by upstream's client suites, checked with the real kubectl and raw HTTP against the
 * in-process API server: dry-run deletes delete nothing, immortal namespaces, boolean query parameters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from './testing/test-server.js';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: keep
  labels: {app: keep}
spec:
  containers:
  - name: app
    image: busybox:1.36
`;

describe('API server fidelity', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(undefined, { namespaceController: true });
  });
  after(async () => {
    await t.close();
  });

  it('kubectl delete --dry-run=server of a pod, a configmap and a namespace deletes nothing', async () => {
    let r = await t.kubectl(['apply', '-f', '-'], POD);
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['create', 'configmap', 'keep-cm', '--from-literal=a=b']);
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['create', 'namespace', 'keep-ns']);
    assert.equal(r.code, 0, r.stderr);

    r = await t.kubectl(['delete', 'pod', 'keep', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod "keep" deleted (server dry run)');
    r = await t.kubectl(['delete', 'configmap', 'keep-cm', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['delete', 'namespace', 'keep-ns', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['delete', 'pods', '--all', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);

    r = await t.kubectl(['get', 'pod/keep', 'configmap/keep-cm', 'namespace/keep-ns', '-o', 'jsonpath={range .items[*]}{.metadata.name}:{.metadata.deletionTimestamp}{"\\n"}{end}']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['keep:', 'keep-cm:', 'keep-ns:']);
    r = await t.kubectl(['get', 'namespace', 'keep-ns', '-o', 'jsonpath={.status.phase}']);
    assert.equal(r.stdout, 'Active');
  });

  it('honours dryRun in the DeleteOptions body of delete and deletecollection, and answers what the delete would', async () => {
    await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'body-dry', labels: { dry: 'yes' } } });
    const one = await call(t, 'DELETE', '/api/v1/namespaces/default/configmaps/body-dry', { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] });
    assert.equal(one.code, 200, one.body);
    assert.equal(one.json()['status'], 'Success');
    // An unscheduled pod is deleted at once (CheckGracefulDelete): the dry run answers with the pod itself.
    const pod = await call(t, 'DELETE', '/api/v1/namespaces/default/pods/keep', { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'], gracePeriodSeconds: 30 });
    assert.equal(pod.code, 200, pod.body);
    assert.deepEqual([pod.json()['kind'], (pod.json()['metadata'] as { name: string }).name], ['Pod', 'keep']);
    const coll = await call(t, 'DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=dry%3Dyes', { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] });
    assert.equal(coll.code, 200, coll.body);
    assert.deepEqual((coll.json()['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name), ['body-dry']);

    assert.equal((await call(t, 'GET', '/api/v1/namespaces/default/configmaps/body-dry')).code, 200);
    const still = (await call(t, 'GET', '/api/v1/namespaces/default/pods/keep')).json() as { metadata: { deletionTimestamp?: string } };
    assert.equal(still.metadata.deletionTimestamp, undefined);
  });

  it('rejects invalid DeleteOptions with 422 and malformed ones with 400, deleting nothing', async () => {
    const bad = await call(t, 'DELETE', '/api/v1/namespaces/default/configmaps/body-dry', { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['Some'] });
    assert.equal(bad.code, 422, bad.body);
    assert.equal(bad.json()['message'], 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"');
    const pp = await call(t, 'DELETE', '/api/v1/namespaces/default/configmaps/body-dry', { propagationPolicy: 'Sideways' });
    assert.equal(pp.code, 422, pp.body);
    assert.match(String(pp.json()['message']), /propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"/);
    const broken = await call(t, 'DELETE', '/api/v1/namespaces/default/configmaps/body-dry', '{"dryRun": [');
    assert.equal(broken.code, 400, broken.body);
    assert.equal((await call(t, 'GET', '/api/v1/namespaces/default/configmaps/body-dry')).code, 200);
  });

  it('refuses to delete default, kube-system and kube-public with 403; kube-node-lease is deleted and re-created', async () => {
    const r = await t.kubectl(['delete', 'ns', 'default', 'kube-system', 'kube-public']);
    assert.notEqual(r.code, 0);
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      assert.match(r.stderr, new RegExp(`Error from server \\(Forbidden\\): namespaces "${ns}" is forbidden: this namespace may not be deleted`));
    }
    const dry = await call(t, 'DELETE', '/api/v1/namespaces/kube-system', { dryRun: ['All'] });
    assert.equal(dry.code, 403);
    assert.equal(dry.json()['reason'], 'Forbidden');
    const uidOf = async (): Promise<string> => (await t.kubectl(['get', 'ns', 'kube-node-lease', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    const oldUid = await uidOf();
    const lease = await t.kubectl(['delete', 'ns', 'kube-node-lease']);
    assert.equal(lease.code, 0, lease.stderr);
    assert.equal(lease.stdout.trim(), 'namespace "kube-node-lease" deleted');
    let phases = '';
    for (let i = 0; i < 40 && !/^kube-node-lease=Active$/m.test(phases); i++) {
      await new Promise((r) => setTimeout(r, 100));
      phases = (await t.kubectl(['get', 'ns', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.phase}{"\\n"}{end}'])).stdout;
    }
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(phases, new RegExp(`^${ns}=Active$`, 'm'));
    const newUid = await uidOf();
    assert.ok(newUid !== '' && newUid !== oldUid, `kube-node-lease re-created with a new uid (${oldUid} -> ${newUid})`);
  });

  it('refuses deletecollection of namespaces (not a namespace verb) with 405', async () => {
    const r = await call(t, 'DELETE', '/api/v1/namespaces');
    assert.equal(r.code, 405, r.body);
    assert.equal((await call(t, 'GET', '/api/v1/namespaces/keep-ns')).code, 200);
  });

  it('reads boolean query parameters as apimachinery does (True, 1, anything but false/0)', async () => {
    const w = await call(t, 'GET', '/api/v1/namespaces/default/configmaps?watch=True&timeoutSeconds=1');
    assert.equal(w.code, 200);
    assert.match(w.body, /"type":"ADDED"/);
    const w1 = await call(t, 'GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&resourceVersion=0');
    assert.match(w1.body, /"type":"ADDED"/);
    const list = await call(t, 'GET', '/api/v1/namespaces/default/configmaps?watch=False');
    assert.equal(list.json()['kind'], 'ConfigMapList');
  });

  it('kubectl replace -f with the manifest the pod was created from is accepted and changes nothing', async () => {
    const manifest = POD.replace('name: keep', 'name: replaced');
    let r = await t.kubectl(['create', '-f', '-'], manifest);
    assert.equal(r.code, 0, r.stderr);
    const before = JSON.parse((await t.kubectl(['get', 'pod', 'replaced', '-o', 'json'])).stdout) as { metadata: { resourceVersion: string }; spec: unknown };
    r = await t.kubectl(['replace', '-f', '-'], manifest);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod/replaced replaced');
    const after = JSON.parse((await t.kubectl(['get', 'pod', 'replaced', '-o', 'json'])).stdout) as { metadata: { resourceVersion: string }; spec: unknown };
    assert.deepEqual(after.spec, before.spec);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    r = await t.kubectl(['replace', '-f', '-'], manifest.replace('image: busybox:1.36', 'image: busybox:1.37'));
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['get', 'pod', 'replaced', '-o', 'jsonpath={.spec.containers[0].image} {.spec.priority} {.spec.tolerations[*].key}']);
    assert.equal(r.stdout, 'busybox:1.37 0 node.kubernetes.io/not-ready node.kubernetes.io/unreachable');
  });

  it('serves storageVersionHash for every resource in /api/v1 discovery', async () => {
    const list = (await call(t, 'GET', '/api/v1')).json() as { resources: { name: string; storageVersionHash?: string }[] };
    const top = list.resources.filter((r) => !r.name.includes('/'));
    assert.ok(top.length >= 7);
    for (const r of top) assert.match(r.storageVersionHash ?? '', /^[A-Za-z0-9+/]{11}=$/, r.name);
    assert.equal(top.find((r) => r.name === 'pods')?.storageVersionHash, 'xPOwRZ+Yhw8=');
  });

  it('kubectl api-resources lists the served kinds with short names, and short names resolve', async () => {
    const r = await t.kubectl(['api-resources', '--api-group=']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    assert.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(r.stdout, /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m);
    for (const short of ['po', 'ns', 'cm', 'sa', 'ev', 'no']) {
      const g = await t.kubectl(['get', short, '-A', '-o', 'name']);
      assert.equal(g.code, 0, `${short}: ${g.stderr}`);
    }
  });

  it('kubectl version reads the server version as a release, not a pre-release', async () => {
    const r = await t.kubectl(['version', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const v = (JSON.parse(r.stdout) as { serverVersion: { major: string; minor: string; gitVersion: string } }).serverVersion;
    assert.deepEqual([v.major, v.minor], ['1', '32']);
    assert.match(v.gitVersion, /^v1\.32\.0\+k1s\d+$/);
    const plain = await t.kubectl(['version']);
    assert.match(plain.stdout, /^Server Version: v1\.32\.0\+k1s\d+$/m);
  });

  it('answers 406 NotAcceptable to a review asked for as a Table, as kube-apiserver does for kinds without a table convertor', async () => {
    const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { nonResourceAttributes: { path: '/', verb: 'get' } } };
    const asTable = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
    const r = await call(t, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review, asTable);
    assert.equal(r.code, 406);
    const status = JSON.parse(r.body) as { reason: string; message: string; code: number };
    assert.deepEqual([status.code, status.reason, status.message], [406, 'NotAcceptable', 'the resource selfsubjectaccessreviews does not support being converted to a Table']);
    const plain = await call(t, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review, { Accept: 'application/json' });
    assert.equal(plain.code, 201);
    assert.equal((JSON.parse(plain.body) as { status: { allowed: boolean } }).status.allowed, true);
  });
});

/** End-to-end tests of the API server driven by the real kubectl (/usr/bin/kubectl) over HTTPS with client certs. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './testing/test-server.js';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  initContainers:
  - name: init
    image: busybox:1.36
    command: ["true"]
  containers:
  - name: app
    image: busybox:1.36
    command: ["sleep", "3600"]
  - name: side
    image: busybox:1.36
    command: ["sleep", "3600"]
`;

describe('API server with kubectl', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(undefined, { namespaceController: true });
  });
  after(async () => {
    await t.close();
  });

  it('kubectl get ns lists the bootstrap namespaces as Active', async () => {
    const r = await t.kubectl(['get', 'ns']);
    assert.equal(r.code, 0, r.stderr);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(r.stdout, new RegExp(`^${ns}\\s+Active`, 'm'));
  });

  it('kubectl version reports the server gitVersion', async () => {
    const r = await t.kubectl(['version', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion, 'v1.32.0+k1s1');
  });

  it('kubectl apply creates, then configures on an image change, then reports unchanged', async () => {
    let r = await t.kubectl(['apply', '-f', '-'], POD);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod/web created');
    r = await t.kubectl(['apply', '-f', '-'], POD.replace('image: busybox:1.36\n    command: ["sleep", "3600"]\n  - name: side', 'image: busybox:1.37\n    command: ["sleep", "3600"]\n  - name: side'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod/web configured');
    r = await t.kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.spec.containers[*].image}']);
    assert.equal(r.stdout, 'busybox:1.37 busybox:1.36');
  });

  it('kubectl get pods prints NAME READY STATUS RESTARTS AGE', async () => {
    const r = await t.kubectl(['get', 'pods']);
    assert.equal(r.code, 0, r.stderr);
    const [header, row] = r.stdout.trim().split('\n');
    assert.match(header ?? '', /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.match(row ?? '', /^web\s+0\/2\s+\S+\s+0\s+\d+s$/);
  });

  it('kubectl get pod -o yaml shows server-set metadata', async () => {
    const r = await t.kubectl(['get', 'pod', 'web', '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^kind: Pod$/m);
    assert.match(r.stdout, /uid: [0-9a-f-]{36}/);
    assert.match(r.stdout, /resourceVersion: "\d+"/);
    assert.match(r.stdout, /creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
  });

  it('kubectl get with a label selector and a field selector', async () => {
    let r = await t.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name']);
    assert.equal(r.stdout.trim(), 'pod/web');
    r = await t.kubectl(['get', 'pods', '-l', 'app=other', '-o', 'name']);
    assert.equal(r.stdout.trim(), '');
    r = await t.kubectl(['get', 'pods', '--field-selector', 'metadata.name=web', '-o', 'name']);
    assert.equal(r.stdout.trim(), 'pod/web');
  });

  it('an invalid manifest is rejected with the field path', async () => {
    const bad = POD.replace('name: web', 'name: bad').replace('image: busybox:1.36\n    command: ["sleep", "3600"]\n  - name: side', 'command: ["sleep", "3600"]\n  - name: side');
    const r = await t.kubectl(['apply', '-f', '-'], bad);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Pod "bad" is invalid: .*spec\.containers\[0\]\.image: Required value/);
  });

  it('an unknown field is a strict decoding error', async () => {
    const r = await t.kubectl(['create', '-f', '-'], POD.replace('name: web', 'name: strict').replace('    command: ["true"]', '    command: ["true"]\n    colour: blue'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "spec\.initContainers\[0\]\.colour"/);
  });

  it('a missing namespace is 404', async () => {
    // Through `create -f` (a JSON body), so the namespace check is what answers.
    const r = await t.kubectl(['create', '-n', 'nope', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /namespaces "nope" not found/);
  });

  it('kubectl get pods -w receives an update', async () => {
    const child = t.kubectlSpawn(['get', 'pods', '-w']);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const lines = (): number => out.split('\n').filter((l) => l.trim() !== '').length;
    const waitLines = async (n: number): Promise<void> => {
      const deadline = Date.now() + 15000;
      while (lines() < n) {
        if (Date.now() > deadline) throw new Error(`timeout waiting for ${n} lines, got: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitLines(2);
      const r = await t.kubectl(['label', 'pod', 'web', 'tier=front']);
      assert.equal(r.code, 0, r.stderr);
      await waitLines(3);
      assert.match(out.trim().split('\n').at(-1) ?? '', /^web\s+0\/2/);
    } finally {
      child.kill();
    }
  });

  it('kubectl delete --wait=false deletes the pod', async () => {
    const r = await t.kubectl(['delete', 'pod', 'web', '--wait=false']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod "web" deleted');
    const g = await t.kubectl(['get', 'pod', 'web']);
    assert.match(g.stderr, /pods "web" not found/);
  });

  it('kubectl create/get/delete configmap with -o json and generateName via create', async () => {
    let r = await t.kubectl(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n');
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['get', 'cm', 'cfg', '-o', 'jsonpath={.data.a}']);
    assert.equal(r.stdout, '1');
    r = await t.kubectl(['create', '-f', '-', '-o', 'name'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: gen-\ndata: {}\n');
    assert.match(r.stdout.trim(), /^configmap\/gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    r = await t.kubectl(['delete', 'cm', 'cfg']);
    assert.equal(r.stdout.trim(), 'configmap "cfg" deleted');
  });

  it('kubectl apply --dry-run=server does not store', async () => {
    const r = await t.kubectl(['apply', '--dry-run=server', '-f', '-'], POD.replace('name: web', 'name: dry'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pod\/dry created \(server dry run\)/);
    const g = await t.kubectl(['get', 'pod', 'dry']);
    assert.match(g.stderr, /not found/);
  });

  it('kubectl api-resources lists pods with short names from aggregated discovery', async () => {
    const r = await t.kubectl(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  });

  it('kubectl delete namespace removes it with its contents', async () => {
    let r = await t.kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scratch\n');
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['apply', '-n', 'scratch', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n');
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['delete', 'ns', 'scratch', '--timeout=10s']);
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['get', 'ns', 'scratch']);
    assert.match(r.stderr, /namespaces "scratch" not found/);
  });
});

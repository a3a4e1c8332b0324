/**
 * The simple kinds added for the conformance suite (core/v1 PodTemplate, coordination.k8s.io/v1 Lease, node.k8s.io/v1
 * RuntimeClass) through the real API server: kubectl apply,
 * get (server-side Table columns), strategic merge patch, api-resources, and a client-go-like client speaking
 * protobuf (create, get, list by label, delete a collection), as the e2e specs do; and RuntimeClass admission of pods.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../apiserver/testing/test-server.js';
import { encodeProtobufObject, messageNameOf, PROTOBUF_MEDIA_TYPE } from '../apiserver/protobuf/codec.js';
import { decodeEnvelope } from '../apiserver/protobuf/envelope.js';
import { decodeMessage } from '../apiserver/protobuf/wire-codec.js';

interface Reply {
  code: number;
  contentType: string;
  body: Buffer;
}

/** One HTTPS request as admin with client-go's protobuf Accept; `body` objects are sent as protobuf. */
function pbCall(t: TestServer, method: string, path: string, body?: Record<string, unknown>): Promise<Reply> {
  const bytes = body ? encodeProtobufObject(body) : undefined;
  if (body) assert.ok(bytes, `no protobuf form for ${String(body['kind'])}`);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: `${PROTOBUF_MEDIA_TYPE}, */*` };
    if (bytes) Object.assign(headers, { 'Content-Type': PROTOBUF_MEDIA_TYPE, 'Content-Length': String(bytes.length) });
    const req = request({ host: '127.0.0.1', port: t.server.port, method, path, ca: t.pki.caPem, cert: t.pki.admin.certPem, key: t.pki.admin.keyPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

/** The JSON form of a protobuf reply (object, list or Status). */
function decoded(r: Reply): Record<string, unknown> {
  assert.equal(r.contentType, PROTOBUF_MEDIA_TYPE, r.body.toString('utf8'));
  const env = decodeEnvelope(r.body);
  const name = messageNameOf(env.apiVersion, env.kind);
  assert.ok(name, `${env.apiVersion} ${env.kind}`);
  return { apiVersion: env.apiVersion, kind: env.kind, ...decodeMessage(name, env.raw) };
}

function names(list: Record<string, unknown>): string[] {
  return ((list['items'] ?? []) as { metadata: { name: string } }[]).map((i) => i.metadata.name);
}

/** `kubectl get` output with runs of spaces squeezed, one string a line. */
function rows(stdout: string): string[] {
  return stdout.trimEnd().split('\n').map((l) => l.trimEnd().replace(/\s+/g, ' '));
}

const POD_TEMPLATE = `apiVersion: v1
kind: PodTemplate
metadata:
  name: nginx-pod-template
  labels:
    podtemplate-static: "true"
template:
  metadata:
    labels:
      app: web
  spec:
    containers:
    - name: nginx
      image: nginx:1.25
    - name: log
      image: busybox:1.36
`;

describe('simple kinds with kubectl and protobuf', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t.close());

  it('kubectl api-resources lists the added kinds', async () => {
    const r = await t.kubectl(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^podtemplates\s+v1\s+true\s+PodTemplate$/m);
    assert.match(r.stdout, /^leases\s+coordination.k8s.io\/v1\s+true\s+Lease$/m);
    assert.match(r.stdout, /^runtimeclasses\s+node.k8s.io\/v1\s+false\s+RuntimeClass$/m);
  });

  it('kubectl explain finds the added kinds in the served OpenAPI', async () => {
    for (const [path, doc] of [
      ['podtemplate.template', /Template defines the pods that will be created from this pod template/],
      ['lease.spec.holderIdentity', /holderIdentity contains the identity of the holder of a current lease/],
      ['runtimeclass.handler', /handler specifies the underlying runtime and configuration/],
    ] as const) {
      const r = await t.kubectl(['explain', path]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, doc);
    }
  });

  describe('core/v1 PodTemplate', () => {
    it('applies, prints NAME CONTAINERS IMAGES POD LABELS and takes a strategic merge patch', async () => {
      let r = await t.kubectl(['apply', '-f', '-'], POD_TEMPLATE);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'podtemplate/nginx-pod-template created\n');
      r = await t.kubectl(['get', 'podtemplates']);
      assert.deepEqual(rows(r.stdout), ['NAME CONTAINERS IMAGES POD LABELS', 'nginx-pod-template nginx,log nginx:1.25,busybox:1.36 app=web']);
      const patch = JSON.stringify({ metadata: { labels: { podtemplate: 'patched' } }, template: { spec: { terminationGracePeriodSeconds: 1 } } });
      r = await t.kubectl(['patch', 'podtemplate', 'nginx-pod-template', '--type=strategic', '-p', patch]);
      assert.equal(r.code, 0, r.stderr);
      r = await t.kubectl(['get', 'podtemplate', 'nginx-pod-template', '-o', 'jsonpath={.metadata.labels.podtemplate} {.template.spec.terminationGracePeriodSeconds} {.template.spec.containers[*].name} {.metadata.generation}']);
      assert.equal(r.stdout, 'patched 1 nginx log 2');
      r = await t.kubectl(['delete', 'podtemplate', 'nginx-pod-template']);
      assert.equal(r.stdout, 'podtemplate "nginx-pod-template" deleted\n');
    });

    it('refuses an invalid template with kube-apiserver field paths', async () => {
      const r = await t.kubectl(['apply', '-f', '-'], POD_TEMPLATE.replace('image: nginx:1.25', 'image: ""'));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /The PodTemplate "nginx-pod-template" is invalid: template.spec.containers\[0\].image: Required value/);
    });

    it('creates, gets, lists by label and deletes a collection in protobuf', async () => {
      const base = '/api/v1/namespaces/default/podtemplates';
      for (const name of ['pt-1', 'pt-2', 'pt-3']) {
        const body = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name, labels: { podtemplate: 'set' } }, template: { spec: { containers: [{ name: 'token-test', image: 'busybox:1.36' }] } } };
        const r = await pbCall(t, 'POST', base, body);
        assert.equal(r.code, 201, r.body.toString());
        assert.equal(decoded(r)['kind'], 'PodTemplate');
      }
      const got = decoded(await pbCall(t, 'GET', `${base}/pt-2`));
      assert.equal((got['template'] as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
      let list = decoded(await pbCall(t, 'GET', `${base}?labelSelector=podtemplate%3Dset`));
      assert.equal(list['kind'], 'PodTemplateList');
      assert.deepEqual(names(list), ['pt-1', 'pt-2', 'pt-3']);
      const del = await pbCall(t, 'DELETE', `${base}?labelSelector=podtemplate%3Dset`);
      assert.equal(del.code, 200, del.body.toString());
      list = decoded(await pbCall(t, 'GET', `${base}?labelSelector=podtemplate%3Dset`));
      assert.deepEqual(names(list), []);
    });
  });

  describe('coordination.k8s.io/v1 Lease', () => {
    const base = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
    /** The e2e spec's times: MicroTimes in year 1 (`time.Time{}.Add(n * time.Second)`). */
    const yearOne = (seconds: number): string => {
      const two = (n: number): string => String(n).padStart(2, '0');
      return `0001-01-01T${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.000000Z`;
    };
    const spec = (holder: string, seconds: number, transitions: number): Record<string, unknown> => ({
      holderIdentity: holder,
      leaseDurationSeconds: 30,
      acquireTime: yearOne(seconds),
      renewTime: yearOne(seconds * 2 + 1),
      leaseTransitions: transitions,
    });

    it('runs the e2e lease lifecycle in protobuf: create, get, update, patch, list, delete a collection, delete', async () => {
      let r = await pbCall(t, 'POST', base, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lease' }, spec: spec('holder', 2, 0) });
      assert.equal(r.code, 201, r.body.toString());
      let got = decoded(await pbCall(t, 'GET', `${base}/lease`));
      assert.deepEqual(got['spec'], spec('holder', 2, 0));
      got['spec'] = spec('holder2', 20, 1);
      r = await pbCall(t, 'PUT', `${base}/lease`, got);
      assert.equal(r.code, 200, r.body.toString());
      assert.deepEqual(decoded(await pbCall(t, 'GET', `${base}/lease`))['spec'], spec('holder2', 20, 1));
      const patch = await t.kubectl(['patch', 'lease', 'lease', '--type=strategic', '-p', JSON.stringify({ spec: spec('holder3', 200, 2) })]);
      assert.equal(patch.code, 0, patch.stderr);
      assert.deepEqual(decoded(await pbCall(t, 'GET', `${base}/lease`))['spec'], spec('holder3', 200, 2));
      r = await pbCall(t, 'POST', base, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lease2', labels: { deletecollection: 'true' } }, spec: spec('holder', 2, 0) });
      assert.equal(r.code, 201, r.body.toString());
      assert.deepEqual(names(decoded(await pbCall(t, 'GET', base))), ['lease', 'lease2']);
      assert.equal((await pbCall(t, 'DELETE', `${base}?labelSelector=deletecollection%3Dtrue`)).code, 200);
      assert.deepEqual(names(decoded(await pbCall(t, 'GET', base))), ['lease']);
      const table = await t.kubectl(['get', 'leases']);
      assert.match(rows(table.stdout).join('\n'), /^NAME HOLDER AGE\nlease holder3 \S+$/);
      assert.equal((await pbCall(t, 'DELETE', `${base}/lease`)).code, 200);
      const gone = decoded(await pbCall(t, 'GET', `${base}/lease`));
      assert.equal(gone['reason'], 'NotFound');
    });

    it('refuses a non-positive leaseDurationSeconds', async () => {
      const r = await t.kubectl(['create', '-f', '-'], 'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: bad\nspec:\n  leaseDurationSeconds: 0\n');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /The Lease "bad" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0/);
    });
  });

  describe('node.k8s.io/v1 RuntimeClass', () => {
    const base = '/apis/node.k8s.io/v1/runtimeclasses';
    const runtimeClass = (name: string, handler: string): Record<string, unknown> => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name, labels: { test: 'rc-api' } }, handler });

    it('is discoverable as node.k8s.io/v1 runtimeclasses', async () => {
      const group = (await call(t, 'GET', '/apis/node.k8s.io')).json() as { versions: { groupVersion: string }[] };
      assert.deepEqual(group.versions.map((v) => v.groupVersion), ['node.k8s.io/v1']);
      const list = (await call(t, 'GET', '/apis/node.k8s.io/v1')).json() as { resources: { name: string; namespaced: boolean }[] };
      assert.deepEqual(list.resources.map((r) => [r.name, r.namespaced]), [['runtimeclasses', false]]);
    });

    it('runs the e2e API operations in protobuf: create, get, list, patch, update, delete, delete a collection', async () => {
      for (const [name, handler] of [['rc-1', 'runc'], ['rc-2', 'runsc'], ['rc-3', 'kata']] as const) {
        const r = await pbCall(t, 'POST', base, runtimeClass(name, handler));
        assert.equal(r.code, 201, r.body.toString());
      }
      const got = decoded(await pbCall(t, 'GET', `${base}/rc-2`));
      assert.equal(got['handler'], 'runsc');
      assert.deepEqual(names(decoded(await pbCall(t, 'GET', `${base}?labelSelector=test%3Drc-api`))), ['rc-1', 'rc-2', 'rc-3']);
      const patch = await t.kubectl(['patch', 'runtimeclass', 'rc-2', '--type=merge', '-p', '{"metadata":{"annotations":{"patched":"true"}}}']);
      assert.equal(patch.code, 0, patch.stderr);
      const patched = decoded(await pbCall(t, 'GET', `${base}/rc-2`));
      assert.deepEqual((patched['metadata'] as { annotations: Record<string, string> }).annotations, { patched: 'true' });
      (patched['metadata'] as { annotations: Record<string, string> }).annotations['updated'] = 'true';
      let r = await pbCall(t, 'PUT', `${base}/rc-2`, patched);
      assert.equal(r.code, 200, r.body.toString());
      r = await pbCall(t, 'PUT', `${base}/rc-2`, { ...decoded(r), handler: 'other' });
      assert.equal(r.code, 422);
      assert.equal(decoded(r)['message'], 'RuntimeClass.node.k8s.io "rc-2" is invalid: handler: Invalid value: "other": field is immutable');
      const table = await t.kubectl(['get', 'runtimeclasses']);
      assert.match(rows(table.stdout).join('\n'), /^NAME HANDLER AGE\nrc-1 runc \S+\nrc-2 runsc \S+\nrc-3 kata \S+$/);
      assert.equal((await pbCall(t, 'DELETE', `${base}/rc-1`)).code, 200);
      assert.equal((await pbCall(t, 'DELETE', `${base}?labelSelector=test%3Drc-api`)).code, 200);
      assert.deepEqual(names(decoded(await pbCall(t, 'GET', base))), []);
    });

    it('refuses a handler that is not a DNS-1123 label', async () => {
      const r = await t.kubectl(['create', '-f', '-'], 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: bad\nhandler: Run_SC\n');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /The RuntimeClass "bad" is invalid: handler: Invalid value: "Run_SC": a lowercase RFC 1123 label must consist of/);
    });
  });
});

describe('RuntimeClass admission with kubectl', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(undefined, { access: true });
  });
  after(async () => t.close());

  const podYaml = (name: string, runtimeClass: string): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  runtimeClassName: ${runtimeClass}\n  containers:\n  - name: app\n    image: busybox:1.36\n`;

  it('refuses a pod naming a missing RuntimeClass with 403, and gives an existing class\'s overhead', async () => {
    let r = await t.kubectl(['create', '-f', '-'], podYaml('orphan', 'missing'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): .*pods "orphan" is forbidden: pod rejected: RuntimeClass "missing" not found/);
    r = await t.kubectl(['create', '-f', '-'], 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: costly\nhandler: runc\noverhead:\n  podFixed:\n    cpu: 10m\n    memory: 1Mi\n');
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['create', '-f', '-'], podYaml('priced', 'costly'));
    assert.equal(r.code, 0, r.stderr);
    r = await t.kubectl(['get', 'pod', 'priced', '-o', 'jsonpath={.spec.overhead}']);
    assert.equal(r.stdout, '{"cpu":"10m","memory":"1Mi"}');
  });
});

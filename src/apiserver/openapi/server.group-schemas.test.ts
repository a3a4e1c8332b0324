/**
 * The generated apps/v1, discovery.k8s.io/v1 and core/v1 Service schemas through the API server and the real
 * kubectl 1.32: OpenAPI v3/v2 listing, `kubectl explain`, server-side strict field validation, strategic merge
 * patch by container name (`kubectl set image`), and protobuf bodies of non-core groups. The strategies here are
 * stubs (no defaulting or validation): only the schema side is under test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResourceInfo, Strategy } from '../../registry/strategy.js';
import { decodeEnvelope } from '../protobuf/envelope.js';
import { encodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../protobuf/codec.js';
import { decodeMessage } from '../protobuf/wire-codec.js';
import { call, startTestServer, strategiesForTest, type TestServer } from '../testing/test-server.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** A strategy that stores what it is given: just enough for the generic store to serve `info`. */
function stub(info: Partial<ResourceInfo> & Pick<ResourceInfo, 'group' | 'resource' | 'kind'>): Strategy {
  return {
    info: { version: 'v1', singular: info.kind.toLowerCase(), namespaced: true, shortNames: [], categories: [], verbs: VERBS, subresources: [], ...info },
    prepareForCreate: () => undefined,
    prepareForUpdate: () => undefined,
    validate: () => [],
    validateUpdate: () => [],
  };
}

const STUBS = [
  stub({ group: 'apps', resource: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  stub({ group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  stub({ group: 'discovery.k8s.io', resource: 'endpointslices', kind: 'EndpointSlice' }),
  stub({ group: '', resource: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
];

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.25
      - name: sidecar
        image: busybox:1.36
        command: ["sleep", "3600"]
`;

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads deep JSON

describe('generated group schemas through the API server and kubectl 1.32', () => {
  let t: TestServer;
  before(async () => {
    // The stubs replace whatever the registry serves for the same resources, so only the schema side is exercised.
    const stubbed = (s: Strategy): boolean => STUBS.some((x) => x.info.group === s.info.group && x.info.resource === s.info.resource);
    t = await startTestServer([...(await strategiesForTest()).filter((s) => !stubbed(s)), ...STUBS]);
  });
  after(async () => {
    await t.close();
  });

  it('/openapi/v3 lists apis/apps/v1 and apis/discovery.k8s.io/v1 with the generated schemas', async () => {
    const root = (await call(t, 'GET', '/openapi/v3')).json() as J;
    assert.ok(root['paths']['apis/apps/v1'], 'apis/apps/v1');
    assert.ok(root['paths']['apis/discovery.k8s.io/v1'], 'apis/discovery.k8s.io/v1');
    const apps = (await call(t, 'GET', root['paths']['apis/apps/v1']['serverRelativeURL'])).json() as J;
    const schemas = apps['components']['schemas'];
    assert.deepEqual(schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.deepEqual(schemas['io.k8s.api.autoscaling.v1.Scale']['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
    assert.ok(apps['paths']['/apis/apps/v1/namespaces/{namespace}/replicasets/{name}/scale']['put']);
  });

  it('/openapi/v2 carries the apps/v1, autoscaling/v1 and discovery.k8s.io/v1 definitions', async () => {
    const v2 = (await call(t, 'GET', '/openapi/v2', undefined, { Accept: 'application/json' })).json() as J;
    const defs = v2['definitions'];
    for (const name of ['io.k8s.api.apps.v1.DeploymentSpec', 'io.k8s.api.apps.v1.ReplicaSet', 'io.k8s.api.autoscaling.v1.Scale', 'io.k8s.api.discovery.v1.EndpointSlice', 'io.k8s.api.core.v1.ServiceSpec']) {
      assert.ok(defs[name], name);
    }
    assert.equal(defs['io.k8s.api.apps.v1.DeploymentSpec']['properties']['strategy']['x-kubernetes-patch-strategy'], 'retainKeys');
  });

  it('kubectl explain deployment.spec.strategy prints the generated field docs', async () => {
    const r = await t.kubectl(['explain', 'deployment.spec.strategy']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /GROUP:\s+apps\n/);
    assert.match(r.stdout, /KIND:\s+Deployment\n/);
    assert.match(r.stdout, /FIELD: strategy <DeploymentStrategy>/);
    assert.match(r.stdout, /The deployment strategy to use to replace existing pods with new ones\./);
    assert.match(r.stdout, /rollingUpdate\s+<RollingUpdateDeployment>/);
    assert.match(r.stdout, /type\s+<string>/);
  });

  it('kubectl explain endpointslice.ports tells discovery/v1 EndpointPort from core/v1', async () => {
    const r = await t.kubectl(['explain', 'endpointslices.ports']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /GROUP:\s+discovery\.k8s\.io\n/);
    assert.match(r.stdout, /FIELD: ports <\[\]EndpointPort>/);
    assert.match(r.stdout, /appProtocol\s+<string>/);
  });

  it('kubectl apply --validate=strict rejects a Deployment with a misspelled field', async () => {
    const r = await t.kubectl(['apply', '--validate=strict', '-f', '-'], DEPLOYMENT.replace('name: web', 'name: typo').replace('  replicas: 2', '  replica: 2'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "spec\.replica"/);
    const inner = await t.kubectl(['apply', '--validate=strict', '-f', '-'], DEPLOYMENT.replace('name: web', 'name: typo').replace('        image: nginx:1.25', '        image: nginx:1.25\n        imagePullPolicyy: Always'));
    assert.notEqual(inner.code, 0);
    assert.match(inner.stderr, /unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolicyy"/);
    assert.notEqual((await t.kubectl(['get', 'deployment', 'typo'])).code, 0, 'nothing stored');
  });

  it('kubectl set image merges spec.template.spec.containers by name', async () => {
    const created = await t.kubectl(['apply', '--validate=strict', '-f', '-'], DEPLOYMENT);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /deployment.apps\/web created/);
    const set = await t.kubectl(['set', 'image', 'deployment/web', 'sidecar=busybox:1.37']);
    assert.equal(set.code, 0, set.stderr);
    const got = JSON.parse((await t.kubectl(['get', 'deployment', 'web', '-o', 'json'])).stdout) as J;
    assert.deepEqual(got['spec']['template']['spec']['containers'], [
      { name: 'app', image: 'nginx:1.25' },
      { name: 'sidecar', image: 'busybox:1.37', command: ['sleep', '3600'] },
    ]);
    // A field only another writer set (env) survives a later apply: its three-way strategic merge patch merges the
    // containers by name instead of replacing the list, while the manifest's own fields win (images).
    const env = await t.kubectl(['set', 'env', 'deployment/web', '-c', 'sidecar', 'MODE=debug']);
    assert.equal(env.code, 0, env.stderr);
    const applied = await t.kubectl(['apply', '-f', '-'], DEPLOYMENT.replace('nginx:1.25', 'nginx:1.26'));
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /deployment.apps\/web configured/);
    const again = JSON.parse((await t.kubectl(['get', 'deployment', 'web', '-o', 'json'])).stdout) as J;
    assert.deepEqual(again['spec']['template']['spec']['containers'], [
      { name: 'app', image: 'nginx:1.26' },
      { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', '3600'], env: [{ name: 'MODE', value: 'debug' }] },
    ]);
  });

  it('kubectl create deployment (a typed protobuf client) stores an apps/v1 Deployment', async () => {
    const r = await t.kubectl(['create', 'deployment', 'pb', '--image=nginx:1.25', '--replicas=3', '-v=8']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/);
    const got = JSON.parse((await t.kubectl(['get', 'deployment', 'pb', '-o', 'json'])).stdout) as J;
    assert.equal(got['apiVersion'], 'apps/v1');
    assert.equal(got['spec']['replicas'], 3);
    assert.equal(got['spec']['template']['spec']['containers'][0]['image'], 'nginx:1.25');
  });

  it('answers a protobuf client in apps/v1 and accepts a protobuf discovery.k8s.io/v1 EndpointSlice', async () => {
    const get = await rawCall(t, 'GET', '/apis/apps/v1/namespaces/default/deployments/web');
    assert.equal(get.contentType, PROTOBUF_MEDIA_TYPE);
    const env = decodeEnvelope(get.body);
    assert.deepEqual([env.apiVersion, env.kind], ['apps/v1', 'Deployment']);
    assert.equal((decodeMessage('apps.v1.Deployment', env.raw)['metadata'] as J)['name'], 'web');
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.42.0.5'], conditions: { ready: true, terminating: false } }],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    };
    const created = await rawCall(t, 'POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', encodeProtobufObject(slice));
    assert.equal(created.code, 201, created.body.toString('utf8'));
    const back = decodeEnvelope(created.body);
    assert.deepEqual([back.apiVersion, back.kind], ['discovery.k8s.io/v1', 'EndpointSlice']);
    const json = (await call(t, 'GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-abc')).json() as J;
    assert.deepEqual(json['endpoints'], slice.endpoints);
    assert.deepEqual(json['ports'], slice.ports);
  });
});

/** One request as a client-go protobuf client: Accept protobuf, body (if any) in protobuf. */
async function rawCall(t: TestServer, method: string, path: string, body?: Buffer): Promise<{ code: number; contentType: string; body: Buffer }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: `${PROTOBUF_MEDIA_TYPE}, */*` };
    if (body) Object.assign(headers, { 'Content-Type': PROTOBUF_MEDIA_TYPE, 'Content-Length': String(body.length) });
    const req = request({ host: '127.0.0.1', port: t.server.port, method, path, ca: t.pki.caPem, cert: t.pki.admin.certPem, key: t.pki.admin.keyPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** End-to-end tests of protobuf request bodies: kubectl's typed `create` subcommands and raw HTTPS requests. */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../test-server.js';
import { encodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './codec.js';

/** POSTs `body` with the protobuf content type and kubectl's Accept header; resolves status code and parsed JSON. */
function postProtobuf(t: TestServer, path: string, body: Buffer): Promise<{ code: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.server.port,
        method: 'POST',
        path,
        ca: t.pki.caPem,
        cert: t.pki.admin.certPem,
        key: t.pki.admin.keyPem,
        headers: { 'Content-Type': PROTOBUF_MEDIA_TYPE, Accept: `${PROTOBUF_MEDIA_TYPE},application/json`, 'Content-Length': String(body.length) },
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, json: JSON.parse(data) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('protobuf bodies', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  it('kubectl create configmap --from-literal stores the data', async () => {
    let r = await t.kubectl(['create', 'configmap', 'cm1', '--from-literal=a=b']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'configmap/cm1 created');
    r = await t.kubectl(['get', 'cm', 'cm1', '-o', 'jsonpath={.data.a}']);
    assert.equal(r.stdout, 'b');
  });

  it('kubectl create secret generic stores data base64-encoded', async () => {
    let r = await t.kubectl(['create', 'secret', 'generic', 's1', '--from-literal=k=v']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'secret/s1 created');
    r = await t.kubectl(['get', 'secret', 's1', '-o', 'jsonpath={.data.k}']);
    assert.equal(r.stdout, Buffer.from('v').toString('base64'));
  });

  it('kubectl create namespace and serviceaccount', async () => {
    let r = await t.kubectl(['create', 'namespace', 'n1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'namespace/n1 created');
    r = await t.kubectl(['get', 'ns', 'n1', '-o', 'jsonpath={.status.phase}']);
    assert.equal(r.stdout, 'Active');
    r = await t.kubectl(['create', 'serviceaccount', 'sa1', '-n', 'n1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'serviceaccount/sa1 created');
    r = await t.kubectl(['get', 'sa', 'sa1', '-n', 'n1', '-o', 'name']);
    assert.equal(r.stdout.trim(), 'serviceaccount/sa1');
  });

  it('kubectl create configmap --dry-run=server stores nothing', async () => {
    let r = await t.kubectl(['create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'configmap/dry created (server dry run)');
    r = await t.kubectl(['get', 'cm', 'dry']);
    assert.match(r.stderr, /configmaps "dry" not found/);
  });

  it('kubectl create of an existing configmap is AlreadyExists', async () => {
    const r = await t.kubectl(['create', 'configmap', 'cm1', '--from-literal=a=c']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /configmaps "cm1" already exists/);
  });

  it('a protobuf body for a kind without a schema is 415', async () => {
    const body = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const r = await postProtobuf(t, '/api/v1/namespaces/default/pods', body);
    assert.equal(r.code, 415);
    assert.equal(r.json['reason'], 'UnsupportedMediaType');
    assert.match(String(r.json['message']), /\(got application\/vnd\.kubernetes\.protobuf\)$/);
  });

  it('a protobuf Secret posted to configmaps and non-protobuf bytes are 400', async () => {
    let r = await postProtobuf(t, '/api/v1/namespaces/default/configmaps', encodeProtobufObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }));
    assert.equal(r.code, 400);
    assert.match(String(r.json['message']), /cannot be handled as a ConfigMap/);
    r = await postProtobuf(t, '/api/v1/namespaces/default/configmaps', Buffer.from('{"kind":"ConfigMap"}'));
    assert.equal(r.code, 400);
    assert.match(String(r.json['message']), /provided data does not appear to be a protobuf message/);
  });
});

/**
 * End-to-end tests of protobuf bodies against the in-process API server: kubectl's typed `create` subcommands
 * (protobuf requests and responses through the real kubectl's decoder) and a client-go-like HTTPS client
 * (`Accept: application/vnd.kubernetes.protobuf, *\/*`) creating, reading, listing, watching and deleting in protobuf.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { decodeProtobufBody, encodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './codec.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { decodeMessage, encodeMessage } from './wire-codec.js';
import { PROTOBUF_WATCH_CONTENT_TYPE, readWatchFrames, type WatchFrame } from './watch-frames.js';

/** client-go's Accept for protobuf clients. */
const CLIENT_GO_ACCEPT = `${PROTOBUF_MEDIA_TYPE}, */*`;

interface Reply {
  code: number;
  contentType: string;
  body: Buffer;
}

/** One HTTPS request as the admin user; resolves status, Content-Type and raw body. */
function call(t: TestServer, method: string, path: string, opts: { body?: Buffer; contentType?: string; accept?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: opts.accept ?? CLIENT_GO_ACCEPT };
    if (opts.body) {
      headers['Content-Type'] = opts.contentType ?? PROTOBUF_MEDIA_TYPE;
      headers['Content-Length'] = String(opts.body.length);
    }
    const req = request({ host: '127.0.0.1', port: t.server.port, method, path, ca: t.pki.caPem, cert: t.pki.admin.certPem, key: t.pki.admin.keyPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Decodes a protobuf response body (object, list or Status) into its JSON shape with apiVersion/kind. */
function object(r: Reply): Record<string, unknown> {
  assert.equal(r.contentType, PROTOBUF_MEDIA_TYPE, r.body.toString('utf8'));
  const env = decodeEnvelope(r.body);
  const name = env.kind === 'Status' ? 'meta.v1.Status' : `core.v1.${env.kind}`;
  return { apiVersion: env.apiVersion, kind: env.kind, ...decodeMessage(name, env.raw) };
}

function pb(obj: Record<string, unknown>): Buffer {
  const b = encodeProtobufObject(obj);
  assert.ok(b);
  return b;
}

function deleteOptions(opts: Record<string, unknown>): Buffer {
  return encodeEnvelope('meta.k8s.io/v1', 'DeleteOptions', encodeMessage('meta.v1.DeleteOptions', opts));
}

/** Opens a protobuf watch and collects its events until `until` holds; resolves the Content-Type and events. */
function watch(t: TestServer, path: string, until: (events: WatchFrame[]) => boolean, start: () => Promise<void>): Promise<{ contentType: string; events: WatchFrame[] }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: t.server.port, method: 'GET', path, ca: t.pki.caPem, cert: t.pki.admin.certPem, key: t.pki.admin.keyPem, headers: { Accept: CLIENT_GO_ACCEPT } },
      (res) => {
        const events: WatchFrame[] = [];
        let pending: Uint8Array = new Uint8Array(0);
        res.on('data', (d: Buffer) => {
          const { events: got, rest } = readWatchFrames(Buffer.concat([pending, d]));
          pending = Buffer.from(rest);
          events.push(...got);
          if (until(events)) {
            resolve({ contentType: String(res.headers['content-type'] ?? ''), events });
            req.destroy();
          }
        });
        start().catch(reject);
      },
    );
    req.on('error', (err) => {
      if ((err as { code?: string }).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}

function eventObject(e: WatchFrame): Record<string, unknown> {
  const env = decodeEnvelope(e.object);
  return { apiVersion: env.apiVersion, kind: env.kind, ...decodeMessage(env.kind === 'Status' ? 'meta.v1.Status' : `core.v1.${env.kind}`, env.raw) };
}

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'pb', labels: { app: 'web' } },
  spec: {
    containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { limits: { memory: '64Mi' } } }],
    terminationGracePeriodSeconds: 0,
    enableServiceLinks: false,
  },
};

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

  it('kubectl create namespace and serviceaccount, printing the protobuf replies', async () => {
    let r = await t.kubectl(['create', 'namespace', 'n1', '-o', 'jsonpath={.metadata.name} {.status.phase}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'n1 Active');
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

  it('kubectl create of an existing configmap prints the protobuf AlreadyExists Status', async () => {
    const r = await t.kubectl(['create', 'configmap', 'cm1', '--from-literal=a=c']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /configmaps "cm1" already exists/);
  });

  it('creates a namespace and a Pod in protobuf and reads the Pod back in protobuf', async () => {
    let r = await call(t, 'POST', '/api/v1/namespaces', { body: pb({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pb' } }) });
    assert.equal(r.code, 201, r.body.toString());
    assert.equal(object(r)['kind'], 'Namespace');
    r = await call(t, 'POST', '/api/v1/namespaces/pb/pods', { body: pb(POD) });
    assert.equal(r.code, 201, r.body.toString());
    const created = object(r);
    const spec = created['spec'] as Record<string, unknown>;
    assert.equal(spec['terminationGracePeriodSeconds'], 0);
    assert.equal(spec['enableServiceLinks'], false);
    r = await call(t, 'GET', '/api/v1/namespaces/pb/pods/web');
    assert.equal(r.code, 200);
    const got = object(r);
    assert.equal(got['kind'], 'Pod');
    assert.deepEqual((got['metadata'] as Record<string, unknown>)['labels'], { app: 'web' });
    const c = ((got['spec'] as { containers: Record<string, unknown>[] }).containers)[0];
    assert.deepEqual(c?.['command'], ['sleep', '3600']);
    assert.deepEqual(c?.['ports'], [{ containerPort: 8080, protocol: 'TCP' }]);
    assert.deepEqual(c?.['resources'], { limits: { memory: '64Mi' }, requests: { memory: '64Mi' } });
    assert.deepEqual(got, created);
    r = await call(t, 'GET', '/api/v1/namespaces/pb/pods/web', { accept: 'application/json' });
    assert.equal(r.contentType, 'application/json');
    assert.equal((JSON.parse(r.body.toString()) as { spec: { terminationGracePeriodSeconds: number } }).spec.terminationGracePeriodSeconds, 0);
  });

  it('updates the Pod and its status in protobuf', async () => {
    const current = object(await call(t, 'GET', '/api/v1/namespaces/pb/pods/web'));
    (current['metadata'] as { labels: Record<string, string> }).labels['tier'] = 'front';
    let r = await call(t, 'PUT', '/api/v1/namespaces/pb/pods/web', { body: pb(current) });
    assert.equal(r.code, 200, r.body.toString());
    assert.deepEqual((object(r)['metadata'] as Record<string, unknown>)['labels'], { app: 'web', tier: 'front' });
    const updated = object(r);
    updated['status'] = { ...(updated['status'] as object), message: 'from protobuf' };
    r = await call(t, 'PUT', '/api/v1/namespaces/pb/pods/web/status', { body: pb(updated) });
    assert.equal(r.code, 200, r.body.toString());
    assert.equal((object(r)['status'] as Record<string, unknown>)['message'], 'from protobuf');
    r = await call(t, 'PATCH', '/api/v1/namespaces/pb/pods/web', { body: Buffer.from('{"metadata":{"annotations":{"patched":"yes"}}}'), contentType: 'application/merge-patch+json' });
    assert.equal(r.code, 200, r.body.toString());
    assert.deepEqual((object(r)['metadata'] as Record<string, unknown>)['annotations'], { patched: 'yes' });
  });

  it('lists in protobuf as a PodList and keeps Table requests in JSON', async () => {
    let r = await call(t, 'GET', '/api/v1/namespaces/pb/pods');
    const list = object(r);
    assert.equal(list['kind'], 'PodList');
    assert.deepEqual((list['items'] as { metadata: { name: string } }[]).map((p) => p.metadata.name), ['web']);
    assert.match(String((list['metadata'] as Record<string, unknown>)['resourceVersion']), /^\d+$/);
    r = await call(t, 'GET', '/api/v1/namespaces/pb/pods', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    assert.equal(r.contentType, 'application/json');
    assert.equal((JSON.parse(r.body.toString()) as { kind: string }).kind, 'Table');
  });

  it('answers errors with a protobuf Status', async () => {
    const r = await call(t, 'GET', '/api/v1/namespaces/pb/pods/missing');
    assert.equal(r.code, 404);
    const s = object(r);
    assert.equal(s['kind'], 'Status');
    assert.equal(s['reason'], 'NotFound');
    assert.equal(s['code'], 404);
    assert.equal(s['message'], 'pods "missing" not found');
  });

  it('watches in protobuf: length-prefixed WatchEvents carrying enveloped objects', async () => {
    const list = object(await call(t, 'GET', '/api/v1/namespaces/pb/pods'));
    const rv = String((list['metadata'] as Record<string, unknown>)['resourceVersion']);
    const w = await watch(
      t,
      `/api/v1/namespaces/pb/pods?watch=true&resourceVersion=${rv}`,
      (events) => events.some((e) => e.type === 'DELETED'),
      async () => {
        const r = await call(t, 'POST', '/api/v1/namespaces/pb/pods', { body: pb({ ...POD, metadata: { name: 'watched', namespace: 'pb' } }) });
        assert.equal(r.code, 201, r.body.toString());
        const d = await call(t, 'DELETE', '/api/v1/namespaces/pb/pods/watched', { body: deleteOptions({ gracePeriodSeconds: 0 }) });
        assert.equal(d.code, 200, d.body.toString());
      },
    );
    assert.equal(w.contentType, PROTOBUF_WATCH_CONTENT_TYPE);
    assert.equal(w.events[0]?.type, 'ADDED');
    const added = eventObject(w.events[0]!);
    assert.equal(added['kind'], 'Pod');
    assert.equal((added['metadata'] as Record<string, unknown>)['name'], 'watched');
    assert.equal(w.events.at(-1)?.type, 'DELETED');
  });

  it('deletes a Pod and a namespace with protobuf DeleteOptions', async () => {
    let r = await call(t, 'DELETE', '/api/v1/namespaces/pb/pods/web', { body: deleteOptions({ gracePeriodSeconds: 0, propagationPolicy: 'Background' }) });
    assert.equal(r.code, 200, r.body.toString());
    assert.equal(object(r)['kind'], 'Pod');
    r = await call(t, 'GET', '/api/v1/namespaces/pb/pods/web');
    assert.equal(r.code, 404);
    r = await call(t, 'DELETE', '/api/v1/namespaces/pb/configmaps?labelSelector=none%3Dx', { body: deleteOptions({ propagationPolicy: 'Background' }) });
    assert.equal(r.code, 200, r.body.toString());
    assert.equal(object(r)['kind'], 'ConfigMapList');
    r = await call(t, 'DELETE', '/api/v1/namespaces/pb', { body: deleteOptions({ propagationPolicy: 'Background' }) });
    assert.equal(r.code, 200, r.body.toString());
    const ns = object(r);
    assert.equal(ns['kind'], 'Namespace');
    assert.equal((ns['status'] as Record<string, unknown>)['phase'], 'Terminating');
  });

  it('a protobuf Secret posted to configmaps and malformed protobuf are 400, never 500', async () => {
    let r = await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { body: pb({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }) });
    assert.equal(r.code, 400);
    assert.match(String(object(r)['message']), /cannot be handled as a ConfigMap/);
    r = await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { body: Buffer.from('{"kind":"ConfigMap"}') });
    assert.equal(r.code, 400);
    assert.match(String(object(r)['message']), /^the object provided is unrecognized \(must be of type ConfigMap\): provided data does not appear to be a protobuf message/);
    r = await call(t, 'POST', '/api/v1/namespaces/default/pods', { body: pb(POD).subarray(0, 40) });
    assert.equal(r.code, 400);
    assert.match(String(object(r)['message']), /^the object provided is unrecognized \(must be of type Pod\): unexpected EOF \(6b387300/);
    r = await call(t, 'DELETE', '/api/v1/namespaces/default/configmaps/cm1', { body: Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x12, 0x05, 0x08]) });
    assert.equal(r.code, 400);
    assert.equal(object(r)['message'], 'the object provided is unrecognized (must be of type DeleteOptions): unexpected EOF');
    r = await call(t, 'DELETE', '/api/v1/namespaces/default/configmaps/cm1', { body: Buffer.from('{"gracePeriodSeconds":'), contentType: 'application/json', accept: 'application/json' });
    assert.equal(r.code, 400);
    assert.match(String((JSON.parse(r.body.toString()) as { message: string }).message), /^the object provided is unrecognized \(must be of type DeleteOptions\): couldn't get version\/kind; json parse error: /);
    r = await call(t, 'GET', '/api/v1/namespaces/default/configmaps/cm1');
    assert.equal(r.code, 200);
    assert.deepEqual(decodeProtobufBody(r.body, { group: '', version: 'v1', kind: 'ConfigMap' })['data'], { a: 'b' });
  });

  it('answers corrupted protobuf Pod bodies with 4xx, never 5xx', async () => {
    const body = pb({ ...POD, metadata: { name: 'fuzz', namespace: 'default' } });
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const failures: string[] = [];
    for (let i = 0; i < 60; i++) {
      const b = Buffer.from(body);
      b[4 + rand(b.length - 4)] = rand(256);
      const r = await call(t, 'POST', '/api/v1/namespaces/default/pods?dryRun=All', { body: b, accept: 'application/json' });
      if (r.code >= 500) failures.push(`${r.code} ${r.body.toString()}`);
    }
    assert.deepEqual(failures, []);
  });
});

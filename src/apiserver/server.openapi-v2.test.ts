/** GET /openapi/v2 through the API server: authentication, negotiation, caching, and kubectl 1.27/1.28 reading it. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeOpenAPIV2, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_DEPRECATED } from './openapi/index.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

interface Reply {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(t: TestServer, path: string, headers: Record<string, string> = {}, anonymous = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.server.port,
        method: 'GET',
        path,
        ca: t.pki.caPem,
        ...(anonymous ? {} : { cert: t.pki.admin.certPem, key: t.pki.admin.keyPem }),
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const KUBECTL = (v: string): string => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
const haveOldKubectl = existsSync(KUBECTL('1.27')) && existsSync(KUBECTL('1.28'));

function kubectlOf(t: TestServer, version: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL(version),
      ['--kubeconfig', t.kubeconfig, '--cache-dir', join(t.dir, `cache-${version}`), ...args],
      { env: { ...process.env, HOME: t.dir }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

const pod = (name: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sleep", "3600"]
    resources:
      limits: {cpu: 1, memory: 64Mi}
    ports:
    - containerPort: 8080
    readinessProbe:
      httpGet: {port: 8080, path: /}${extra}
`;

describe('GET /openapi/v2', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  it('is 401 without a client certificate, like /openapi/v3', async () => {
    assert.equal((await get(t, '/openapi/v2', {}, true)).code, 401);
    assert.equal((await get(t, '/openapi/v3', {}, true)).code, 401);
  });

  it('answers client-go\'s protobuf Accept with a gnostic Document holding every served kind', async () => {
    const r = await get(t, '/openapi/v2', { Accept: OPENAPI_V2_PROTOBUF_DEPRECATED });
    assert.equal(r.code, 200);
    assert.equal(r.headers['content-type'], OPENAPI_V2_PROTOBUF);
    assert.equal(r.headers['vary'], 'Accept-Encoding, Accept');
    const doc = decodeOpenAPIV2(r.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads deep JSON
    assert.equal(doc['swagger'], '2.0');
    for (const s of t.strategies) {
      if (s.info.resource.includes('/')) continue;
      const gvks = Object.values(doc['definitions'] as Record<string, Record<string, unknown>>).flatMap((d) => (d['x-kubernetes-group-version-kind'] ?? []) as unknown[]);
      assert.ok(gvks.some((g) => JSON.stringify(g) === JSON.stringify({ group: s.info.group, kind: s.info.kind, version: s.info.version })), `definition of ${s.info.kind}`);
    }
  });

  it('serves JSON for application/json, the same ETag for both encodings, 304 for If-None-Match, 406 for others', async () => {
    const json = await get(t, '/openapi/v2', { Accept: 'application/json' });
    assert.equal(json.code, 200);
    assert.equal(json.headers['content-type'], 'application/json');
    const pb = await get(t, '/openapi/v2', { Accept: OPENAPI_V2_PROTOBUF });
    assert.deepEqual(decodeOpenAPIV2(pb.body), JSON.parse(json.body.toString()));
    const etag = String(json.headers['etag']);
    assert.match(etag, /^"[0-9A-F]{128}"$/);
    assert.equal(pb.headers['etag'], etag);
    const again = await get(t, '/openapi/v2', { Accept: OPENAPI_V2_PROTOBUF, 'If-None-Match': etag });
    assert.equal(again.code, 304);
    assert.equal(again.body.length, 0);
    const bad = await get(t, '/openapi/v2', { Accept: 'application/yaml' });
    assert.equal(bad.code, 406);
    assert.equal((await get(t, '/openapi/v2/', { Accept: 'application/json' })).code, 404, 'exact path only');
  });

  it('kubectl 1.27 and 1.28 apply and create a pod, then re-apply it as a patch', { skip: !haveOldKubectl && 'needs kubectl 1.27 and 1.28' }, async () => {
    for (const v of ['1.27', '1.28']) {
      const name = `web-${v.replace('.', '-')}`;
      const applied = await kubectlOf(t, v, ['apply', '-f', '-'], pod(name));
      assert.equal(applied.code, 0, applied.stderr);
      assert.equal(applied.stdout.trim(), `pod/${name} created`);
      const patched = await kubectlOf(t, v, ['apply', '-f', '-'], pod(name).replace(`name: ${name}`, `name: ${name}\n  labels: {tier: web}`));
      assert.equal(patched.code, 0, patched.stderr);
      assert.equal(patched.stdout.trim(), `pod/${name} configured`);
      assert.equal(patched.stderr, '', 'the strategic merge patch was computed from the v2 schema without warnings');
      const created = await kubectlOf(t, v, ['create', '-f', '-'], pod(`${name}-c`));
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stdout.trim(), `pod/${name}-c created`);
    }
  });

  it('kubectl 1.27 and 1.28 reject an unknown field: server-side for a Pod, client-side (from /openapi/v2) inside a List', { skip: !haveOldKubectl && 'needs kubectl 1.27 and 1.28' }, async () => {
    for (const v of ['1.27', '1.28']) {
      const bad = pod('bad', '\n    bogusField: 1');
      const server = await kubectlOf(t, v, ['create', '-f', '-'], bad);
      assert.equal(server.code, 1);
      assert.equal(
        server.stderr.trim(),
        'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].bogusField"',
      );
      const list = `apiVersion: v1\nkind: List\nitems:\n${bad.replace(/^/gm, '  ').replace(/^ {2}apiVersion/, '- apiVersion')}`;
      const client = await kubectlOf(t, v, ['create', '-f', '-'], list);
      assert.equal(client.code, 1);
      assert.equal(
        client.stderr.trim(),
        'error: error validating "STDIN": error validating data: ValidationError(Pod.spec.containers[0]): unknown field "bogusField" in io.k8s.api.core.v1.Container; if you choose to ignore these errors, turn validation off with --validate=false',
      );
      assert.equal((await kubectlOf(t, v, ['get', 'pod', 'bad'])).code, 1, 'nothing stored');
    }
  });

  it('kubectl 1.27 explain prints field docs with the v3 and the v2 renderer', { skip: !haveOldKubectl && 'needs kubectl 1.27' }, async () => {
    const v3 = await kubectlOf(t, '1.27', ['explain', 'pods.spec.containers']);
    assert.equal(v3.code, 0, v3.stderr);
    assert.match(v3.stdout, /^FIELD: containers <\[\]Container>$/m);
    assert.match(v3.stdout, /^ {2}image\t<string>$/m);
    const v2 = await kubectlOf(t, '1.27', ['explain', 'pods.spec.containers', '--output', 'plaintext-openapiv2']);
    assert.equal(v2.code, 0, v2.stderr);
    assert.match(v2.stdout, /^RESOURCE: containers <\[\]Object>$/m);
    assert.match(v2.stdout, /^ {5}List of containers belonging to the pod\.$/m);
    assert.match(v2.stdout, /^ {3}name\t<string> -required-$/m);
  });
});

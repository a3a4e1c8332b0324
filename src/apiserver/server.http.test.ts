/** HTTP-level tests of the API server: authentication, limits, registry semantics, watch, Table and the kubelet proxy. */
import assert from 'node:assert/strict';
import { request, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { call, startTestServer, type TestServer } from './testing/test-server.js';

const pod = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'x' } },
  spec: { containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }], initContainers: [{ name: 'i', image: 'busybox' }], ...extra },
});

describe('API server over HTTP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  it('a request without a client certificate is 401, healthz is open', async () => {
    const r = await call(t, 'GET', '/api/v1/pods', undefined, {}, true);
    assert.equal(r.code, 401);
    assert.equal(r.json()['reason'], 'Unauthorized');
    const h = await call(t, 'GET', '/healthz', undefined, {}, true);
    assert.equal(h.code, 200);
    assert.equal(h.body, 'ok');
  });

  it('a body over 3 MiB is 413 with kube message', async () => {
    const r = await call(t, 'POST', '/api/v1/namespaces/default/configmaps', 'x'.repeat(3 * 1024 * 1024 + 10));
    assert.equal(r.code, 413);
    assert.equal(r.json()['message'], 'Request entity too large: limit is 3145728');
  });

  it('unknown paths are 404 with kube body', async () => {
    const r = await call(t, 'GET', '/apis/nope.io/v1/things');
    assert.equal(r.code, 404);
    assert.equal(r.json()['message'], 'the server could not find the requested resource');
  });

  it('aggregated discovery answers with the exact v2 content type only when asked', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const r = await call(t, 'GET', '/api', undefined, { Accept: accept });
    assert.equal(r.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const doc = r.json() as { items: { versions: { resources: { resource: string; subresources?: { subresource: string }[] }[] }[] }[] };
    const pods = doc.items[0]?.versions[0]?.resources.find((x) => x.resource === 'pods');
    assert.ok(pods?.subresources?.some((s) => s.subresource === 'status'));
    const legacy = await call(t, 'GET', '/api');
    assert.equal(legacy.headers['content-type'], 'application/json');
    assert.equal(legacy.json()['kind'], 'APIVersions');
  });

  it('namespace mismatch is 400 and generateName gets 5 characters', async () => {
    let r = await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'c', namespace: 'kube-system' } });
    assert.equal(r.code, 400);
    assert.equal(r.json()['message'], 'the namespace of the provided object does not match the namespace sent on the request');
    r = await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'g-' } });
    assert.equal(r.code, 201);
    assert.match(String((r.json()['metadata'] as { name: string }).name), /^g-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('PUT with a stale resourceVersion is 409 Conflict', async () => {
    const c = await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cas' }, data: { a: '1' } });
    const obj = c.json() as { metadata: { resourceVersion: string }; data: Record<string, string> };
    obj.data = { a: '2' };
    assert.equal((await call(t, 'PUT', '/api/v1/namespaces/default/configmaps/cas', obj)).code, 200);
    obj.data = { a: '3' };
    const r = await call(t, 'PUT', '/api/v1/namespaces/default/configmaps/cas', obj);
    assert.equal(r.code, 409);
    assert.equal(r.json()['message'], 'Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('binding, status update and graceful deletion of a pod', async () => {
    const cr = await call(t, 'POST', '/api/v1/namespaces/default/pods', pod('g'));
    assert.equal(cr.code, 201, cr.body);
    const b = await call(t, 'POST', '/api/v1/namespaces/default/pods/g/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'g' }, target: { kind: 'Node', name: 'node1' } });
    assert.equal(b.code, 201, b.body);
    const again = await call(t, 'POST', '/api/v1/namespaces/default/pods/g/binding', { metadata: { name: 'g' }, target: { name: 'node2' } });
    assert.equal(again.code, 409, again.body);
    const s = await call(t, 'PATCH', '/api/v1/namespaces/default/pods/g/status', { status: { phase: 'Running' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(s.code, 200, s.body);
    assert.equal((s.json()['status'] as { phase: string }).phase, 'Running');
    const d = await call(t, 'DELETE', '/api/v1/namespaces/default/pods/g');
    assert.equal(d.code, 200, d.body);
    const meta = d.json()['metadata'] as { deletionTimestamp?: string; deletionGracePeriodSeconds?: number };
    assert.ok(meta.deletionTimestamp);
    assert.equal(meta.deletionGracePeriodSeconds, 30);
    const g1 = await call(t, 'GET', '/api/v1/namespaces/default/pods/g');
    assert.equal(g1.code, 200, g1.body);
    const now = await call(t, 'DELETE', '/api/v1/namespaces/default/pods/g', { gracePeriodSeconds: 0 });
    assert.equal(now.code, 200, now.body);
    assert.equal((await call(t, 'GET', '/api/v1/namespaces/default/pods/g')).code, 404);
  });

  it('list pages with limit and continue', async () => {
    for (let i = 0; i < 5; i++) await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `page-${i}`, labels: { page: 'y' } } });
    const p1 = (await call(t, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=page%3Dy&limit=3')).json() as { items: unknown[]; metadata: { continue?: string } };
    assert.equal(p1.items.length, 3);
    assert.ok(p1.metadata.continue);
    const p2 = (await call(t, 'GET', `/api/v1/namespaces/default/configmaps?labelSelector=page%3Dy&limit=3&continue=${encodeURIComponent(p1.metadata.continue ?? '')}`)).json() as { items: unknown[]; metadata: { continue?: string } };
    assert.equal(p2.items.length, 2);
    assert.equal(p2.metadata.continue, undefined);
  });

  it('bad selectors on list, watch and deletecollection are 400 with kube messages', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/api/v1/pods?labelSelector=a%20b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
      ['GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.foo%3Dbar', 'field label not supported: spec.foo'],
      ['GET', '/api/v1/nodes?fieldSelector=metadata.namespace%3Dx', 'field label not supported: metadata.namespace'],
      ['GET', '/api/v1/configmaps?watch=true&fieldSelector=data.x%3Dy', '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"'],
      ['GET', '/api/v1/namespaces/default/configmaps?fieldSelector=nope', "invalid selector: 'nope'; can't understand 'nope'"],
      ['DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=%3Dx', "found '=', expected: !, identifier, or 'end of string'"],
      ['GET', '/api/v1/namespaces/default/configmaps/one?watch=true&fieldSelector=metadata.name%3Dtwo', "fieldSelector metadata.name doesn't match requested name"],
    ];
    for (const [method, path, message] of cases) {
      const r = await call(t, method, path);
      assert.equal(r.code, 400, `${method} ${path}: ${r.body}`);
      assert.deepEqual([r.json()['reason'], r.json()['message']], ['BadRequest', message], `${method} ${path}`);
    }
  });

  it('Table output has Name first and the default table for kinds without columns', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const r = (await call(t, 'GET', '/api/v1/namespaces/default/configmaps?limit=1', undefined, { Accept: accept })).json() as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string } }[] };
    assert.equal(r.kind, 'Table');
    assert.equal(r.columnDefinitions[0]?.name, 'Name');
    assert.equal(r.rows[0]?.cells.length, r.columnDefinitions.length);
    assert.equal(r.rows[0]?.object.kind, 'PartialObjectMetadata');
    const plain = (await call(t, 'GET', '/api/v1/nodes', undefined, { Accept: accept })).json() as { kind: string };
    assert.equal(plain.kind, 'Table');
  });

  it('watch from a compacted resourceVersion sends a 410 ERROR event', async () => {
    for (let i = 0; i < 5; i++) await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `w-${i}` } });
    await t.store.compact(2);
    const r = await call(t, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&timeoutSeconds=1');
    const ev = JSON.parse(r.body.trim().split('\n')[0] ?? '{}') as { type: string; object: { code: number; reason: string; message: string } };
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
    assert.match(ev.object.message, /^too old resource version: 1 \(\d+\)$/);
  });

  it('lists at an exact or continued resourceVersion read that revision; compacted ones are 410 Expired like kube-apiserver', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const names = (l: { items: { metadata: { name: string } }[] }): string[] => l.items.map((i) => i.metadata.name);
    for (let i = 0; i < 3; i++) await call(t, 'POST', path, { metadata: { name: `exact-${i}`, labels: { exact: 'y' } } });
    const p1 = (await call(t, 'GET', `${path}?labelSelector=exact%3Dy&limit=2`)).json() as { items: { metadata: { name: string } }[]; metadata: { continue: string; resourceVersion: string } };
    const rv = p1.metadata.resourceVersion;
    await call(t, 'POST', path, { metadata: { name: 'exact-3', labels: { exact: 'y' } } });
    const then = (await call(t, 'GET', `${path}?labelSelector=exact%3Dy&resourceVersion=${rv}&resourceVersionMatch=Exact`)).json() as { items: { metadata: { name: string } }[]; metadata: { resourceVersion: string } };
    assert.deepEqual([names(then), then.metadata.resourceVersion], [['exact-0', 'exact-1', 'exact-2'], rv]);
    const p2 = (await call(t, 'GET', `${path}?labelSelector=exact%3Dy&limit=2&continue=${encodeURIComponent(p1.metadata.continue)}`)).json() as { items: { metadata: { name: string } }[]; metadata: { resourceVersion: string } };
    assert.deepEqual([names(p2), p2.metadata.resourceVersion], [['exact-2'], rv]);

    const future = await call(t, 'GET', `${path}?resourceVersion=${t.store.currentRevision() + 1000}&resourceVersionMatch=Exact`);
    assert.deepEqual([future.code, future.json()['reason'], future.json()['message']], [504, 'Timeout', `Timeout: Too large resource version: ${t.store.currentRevision() + 1000}, current: ${t.store.currentRevision()}`]);

    await t.store.compact(0);
    const exact = await call(t, 'GET', `${path}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.deepEqual([exact.code, exact.json()['reason'], exact.json()['message']], [410, 'Expired', 'The resourceVersion for the provided list is too old.']);
    const legacy = await call(t, 'GET', `${path}?resourceVersion=${rv}&limit=2`);
    assert.equal(legacy.code, 410);
    const cont = await call(t, 'GET', `${path}?labelSelector=exact%3Dy&limit=2&continue=${encodeURIComponent(p1.metadata.continue)}`);
    const status = cont.json() as { code: number; reason: string; message: string; metadata: { continue: string } };
    assert.deepEqual([status.code, status.reason], [410, 'Expired']);
    assert.match(status.message, /^The provided continue parameter is too old to display a consistent list result\. .* or use the continue token in this response to retrieve the remainder of the results\./);
    const rest = (await call(t, 'GET', `${path}?labelSelector=exact%3Dy&limit=2&continue=${encodeURIComponent(status.metadata.continue)}`)).json() as { items: { metadata: { name: string } }[]; metadata: { resourceVersion: string } };
    assert.deepEqual([names(rest), rest.metadata.resourceVersion], [['exact-2', 'exact-3'], String(t.store.currentRevision())]);
    const notOlder = await call(t, 'GET', `${path}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
    assert.equal(notOlder.code, 200);
  });

  it('resourceVersionMatch follows ValidateListOptions: 422 without resourceVersion, with continue, unknown, or Exact at 0', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const cases: [string, number, string][] = [
      ['resourceVersionMatch=Exact', 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
      ['resourceVersion=1&resourceVersionMatch=Newest', 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""'],
      ['resourceVersion=0&resourceVersionMatch=Exact', 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
      ['limit=1&continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJhXHUwMDAwIn0&resourceVersion=5', 400, 'specifying resource version is not allowed when using continue'],
    ];
    for (const [q, code, message] of cases) {
      const r = await call(t, 'GET', `${path}?${q}`);
      assert.deepEqual([r.code, r.json()['message']], [code, message], q);
    }
  });

  it('a watch with a label selector sees an object leave as DELETED', async () => {
    const c = await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'sel', labels: { w: 'on' } } });
    const rv = (c.json()['metadata'] as { resourceVersion: string }).resourceVersion;
    const watching = call(t, 'GET', `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=w%3Don&resourceVersion=${rv}&timeoutSeconds=1`);
    await new Promise((r) => setTimeout(r, 100));
    await call(t, 'PATCH', '/api/v1/namespaces/default/configmaps/sel', { metadata: { labels: { w: 'off' } } }, { 'Content-Type': 'application/merge-patch+json' });
    const types = (await watching).body.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    assert.deepEqual(types, ['DELETED']);
  });

  it('pods/log is proxied to the kubelet and exec is piped after the upgrade', async () => {
    const seen: string[] = [];
    // Like a kubelet, answers 400 with its own message until the container has started (validateContainerLogStatus).
    let started = false;
    const kubelet = createHttpsServer({ cert: t.pki.kubeletServing.certPem, key: t.pki.kubeletServing.keyPem, ca: t.pki.caPem, requestCert: true }, (req, res) => {
      seen.push(req.url ?? '');
      if (!started) {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('container "a" in pod "lg" is waiting to start: ContainerCreating');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('hello from a\n');
    });
    const kubeletSockets: { destroy(): void }[] = [];
    kubelet.on('upgrade', (req, socket) => {
      kubeletSockets.push(socket);
      seen.push(`upgrade ${req.url ?? ''}`);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(d));
    });
    await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
    const port = (kubelet.address() as AddressInfo).port;
    try {
      await call(t, 'POST', '/api/v1/nodes', { metadata: { name: 'node1' } });
      await call(t, 'PATCH', '/api/v1/nodes/node1/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }, { 'Content-Type': 'application/merge-patch+json' });
      await call(t, 'POST', '/api/v1/namespaces/default/pods', pod('lg', { nodeName: 'node1' }));
      let r = await call(t, 'GET', '/api/v1/namespaces/default/pods/lg/log');
      assert.equal(r.code, 400);
      assert.equal(r.json()['message'], 'a container name must be specified for pod lg, choose one of: [a b] or one of the init containers: [i]');
      r = await call(t, 'GET', '/api/v1/namespaces/default/pods/lg/log?container=zz');
      assert.equal(r.json()['message'], 'container zz is not valid for pod lg');
      r = await call(t, 'GET', '/api/v1/namespaces/default/pods/lg/log?container=a');
      assert.equal(r.code, 400);
      assert.equal(r.json()['message'], 'container "a" in pod "lg" is waiting to start: ContainerCreating');
      assert.equal(seen[0], '/containerLogs/default/lg/a');
      started = true;
      await call(t, 'PATCH', '/api/v1/namespaces/default/pods/lg/status', { status: { containerStatuses: [{ name: 'a', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: {} } }] } }, { 'Content-Type': 'application/merge-patch+json' });
      r = await call(t, 'GET', '/api/v1/namespaces/default/pods/lg/log?container=a&tailLines=5&follow=false');
      assert.equal(r.code, 200, r.body);
      assert.equal(r.body, 'hello from a\n');
      assert.equal(seen[1], '/containerLogs/default/lg/a?tailLines=5');

      const echoed = await new Promise<string>((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port: t.server.port, ca: t.pki.caPem, cert: t.pki.admin.certPem, key: t.pki.admin.keyPem, servername: 'localhost' }, () => {
          s.write(`GET /api/v1/namespaces/default/pods/lg/exec?command=sh&container=a&stdout=true HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`);
        });
        let got = '';
        s.on('data', (d: Buffer) => {
          got += d.toString();
          if (got.includes('\r\n\r\n') && !got.includes('ping')) s.write('ping');
          if (got.endsWith('ping')) {
            s.destroy();
            resolve(got);
          }
        });
        s.on('error', reject);
      });
      assert.match(echoed, /^HTTP\/1\.1 101/);
      assert.equal(seen[2], 'upgrade /exec/default/lg/a?command=sh&stdout=true');
    } finally {
      for (const s of kubeletSockets) s.destroy();
      kubelet.closeAllConnections();
      kubelet.close();
    }
  });
  it('pods/log over a WebSocket sends the kubelet stream as binary.k8s.io or base64.binary.k8s.io messages', async () => {
    const seen: string[] = [];
    let releaseFollow: () => void = () => undefined;
    const kubelet = createHttpsServer({ cert: t.pki.kubeletServing.certPem, key: t.pki.kubeletServing.keyPem, ca: t.pki.caPem, requestCert: true }, (req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.includes('/missing')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('container not found ("missing")');
        return;
      }
      if (req.url?.startsWith('/containerLogs/default/wsl/b')) {
        // Container b has no status: the kubelet's validateContainerLogStatus answer.
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('container "b" in pod "wsl" is waiting to start: ContainerCreating');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      if (req.url?.includes('follow=true')) {
        res.write('first\n');
        releaseFollow = () => res.end('second\n');
        return;
      }
      res.end('line one\n' + 'x'.repeat(5000) + '\n');
    });
    await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
    const port = (kubelet.address() as AddressInfo).port;
    const wsUrl = (q: string): string => `wss://127.0.0.1:${t.server.port}/api/v1/namespaces/default/pods/wsl/log?${q}`;
    const open = (q: string, protocols: string[]): WebSocket =>
      new WebSocket(wsUrl(q), protocols, { ca: t.pki.caPem, cert: t.pki.admin.certPem, key: t.pki.admin.keyPem });
    /** Collects every message until the server closes; returns them with the negotiated protocol. */
    const read = (ws: WebSocket, onMessage: (n: number) => void = () => undefined): Promise<{ protocol: string; messages: { binary: boolean; data: Buffer }[]; code: number }> =>
      new Promise((resolve, reject) => {
        const messages: { binary: boolean; data: Buffer }[] = [];
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          messages.push({ binary: isBinary, data: Buffer.from(data) });
          onMessage(messages.length);
        });
        ws.on('close', (code) => resolve({ protocol: ws.protocol, messages, code }));
        ws.on('error', reject);
      });
    /** The HTTP status of a refused upgrade. */
    const refused = (ws: WebSocket): Promise<number> =>
      new Promise((resolve) => {
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
          ws.terminate();
        });
        ws.on('error', () => resolve(-1));
      });
    try {
      await call(t, 'POST', '/api/v1/nodes', { metadata: { name: 'nodews' } });
      await call(t, 'PATCH', '/api/v1/nodes/nodews/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }, { 'Content-Type': 'application/merge-patch+json' });
      await call(t, 'POST', '/api/v1/namespaces/default/pods', pod('wsl', { nodeName: 'nodews' }));
      await call(t, 'PATCH', '/api/v1/namespaces/default/pods/wsl/status', { status: { containerStatuses: [{ name: 'a', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: {} } }] } }, { 'Content-Type': 'application/merge-patch+json' });

      const bin = await read(open('container=a&tailLines=3', ['binary.k8s.io']));
      assert.equal(bin.protocol, 'binary.k8s.io');
      assert.equal(bin.code, 1000);
      assert.ok(bin.messages.every((m) => m.binary));
      assert.equal(bin.messages[0]?.data.length, 0, 'the first message is the empty ping');
      assert.ok(bin.messages.every((m) => m.data.length <= 2048));
      assert.equal(Buffer.concat(bin.messages.map((m) => m.data)).toString(), 'line one\n' + 'x'.repeat(5000) + '\n');
      assert.equal(seen.at(-1), '/containerLogs/default/wsl/a?tailLines=3');

      const b64 = await read(open('container=a', ['base64.binary.k8s.io']));
      assert.equal(b64.protocol, 'base64.binary.k8s.io');
      assert.ok(b64.messages.every((m) => !m.binary));
      assert.equal(b64.messages.map((m) => Buffer.from(m.data.toString(), 'base64').toString()).join(''), 'line one\n' + 'x'.repeat(5000) + '\n');

      const unnamed = await read(open('container=a', []));
      assert.equal(unnamed.protocol, '');
      assert.ok(unnamed.messages.every((m) => m.binary));

      const follow = await read(open('container=a&follow=true', ['binary.k8s.io']), (n) => {
        if (n === 2) releaseFollow();
      });
      assert.deepEqual(follow.messages.map((m) => m.data.toString()), ['', 'first\n', 'second\n']);
      assert.equal(follow.code, 1000);

      assert.equal(await refused(open('container=a', ['v4.channel.k8s.io'])), 403);
      assert.equal(await refused(open('container=zz', ['binary.k8s.io'])), 400);
      assert.equal(await refused(open('container=b', ['binary.k8s.io'])), 400, 'container b has not started');
    } finally {
      kubelet.closeAllConnections();
      kubelet.close();
    }
  });
});

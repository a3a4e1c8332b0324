// Tests of the kubelet's /portForward: port parsing, refusals before the upgrade, and hand-over to the runtime's streaming URL over SPDY and WebSocket.

import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { makePod } from '../testing/builders.js';
import { startFakePortForwardServer, type FakePortForwardServer } from '../testing/fake-port-forward-server.js';
import { FakeRuntime } from '../testing/fake-runtime.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { portForwardPorts } from './port-forward.js';
import { startKubeletServer, type KubeletServer } from './server.js';
import { SpdySession } from './spdy/session.js';

describe('portForwardPorts', () => {
  it('reads repeated and comma-separated port parameters of WebSocket requests only', () => {
    assert.deepEqual(portForwardPorts(new URLSearchParams('port=80,81&port=9000'), true), [80, 81, 9000]);
    assert.deepEqual(portForwardPorts(new URLSearchParams('port=80'), false), []);
  });

  it('refuses missing, empty, unparsable and zero ports with the kubelet messages', () => {
    const cases: [string, string][] = [
      ['', 'query parameter "port" is required'],
      ['port=', 'query parameter "port" cannot be empty'],
      ['port=http', 'unable to parse "http" as a port: strconv.ParseUint: parsing "http": invalid syntax'],
      ['port=80,99999', 'unable to parse "80,99999" as a port: strconv.ParseUint: parsing "99999": value out of range'],
      ['port=0', 'port "0" must be > 0'],
    ];
    for (const [q, msg] of cases) assert.throws(() => portForwardPorts(new URLSearchParams(q), true), { message: msg }, q);
  });
});

describe('kubelet /portForward', () => {
  const cri = new FakeRuntime(new FakeClock(Date.parse('2025-01-01T00:00:00Z')));
  const pod = makePod('web', ['app']);
  let kubelet: KubeletServer;
  let streaming: FakePortForwardServer;
  let app: http.Server;
  let appPort: number;
  let sandboxId: string;

  before(async () => {
    app = http.createServer((req, res) => res.end(`pod says ${req.url ?? ''}`));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appPort = (app.address() as AddressInfo).port;
    streaming = await startFakePortForwardServer('127.0.0.1', (id) => cri.portForwardPorts.get(id) ?? []);
    cri.streamingBaseUrl = streaming.url;
    const meta = { name: 'web', namespace: 'default', uid: 'uid-web', attempt: 0 };
    await cri.runPodSandbox({ metadata: { ...meta, attempt: 0 }, labels: { 'io.kubernetes.pod.uid': 'uid-web' } });
    sandboxId = await cri.runPodSandbox({ metadata: { ...meta, attempt: 1 }, labels: { 'io.kubernetes.pod.uid': 'uid-web' } });
    kubelet = await startKubeletServer({ host: '127.0.0.1', port: 0, runtime: cri, getPod: (ns, name) => (ns === 'default' && name === 'web' ? pod : undefined) });
  });

  after(async () => {
    await kubelet.close();
    await streaming.close();
    await new Promise((r) => app.close(r));
  });

  /** An upgrade request with `headers` to `path`; resolves with the status and body of a refusal, or the upgraded socket. */
  function upgrade(path: string, headers: Record<string, string>): Promise<{ code: number; body: string; socket?: import('node:net').Socket; head?: Buffer; headers?: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`http://127.0.0.1:${kubelet.port}${path}`, { method: 'POST', headers: { Connection: 'Upgrade', ...headers } });
      req.on('upgrade', (res, socket, head) => resolve({ code: res.statusCode ?? 0, body: '', socket, head, headers: res.headers }));
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it("hands a SPDY upgrade to the streaming URL of the pod's newest sandbox, which forwards each stream pair", async () => {
    const r = await upgrade('/portForward/default/web', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
    assert.equal(r.code, 101);
    assert.equal(r.headers?.['x-stream-protocol-version'], 'portforward.k8s.io');
    assert.equal(cri.calls.at(-1), `PortForward ${sandboxId} `);
    assert.equal(streaming.requests.at(-1)?.path, `/portforward/${sandboxId}`);
    assert.equal(streaming.requests.at(-1)?.method, 'POST');
    if (r.head?.length) r.socket!.unshift(r.head);
    const session = new SpdySession(r.socket!, { isServer: false });
    const error = session.openStream({ streamtype: ['error'], port: [String(appPort)], requestid: ['0'] });
    const data = session.openStream({ streamtype: ['data'], port: [String(appPort)], requestid: ['0'] });
    data.write(`GET /spdy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    let got = '';
    for await (const c of data) got += (c as Buffer).toString();
    assert.match(got, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\npod says \/spdy$/);
    let err = '';
    for await (const c of error) err += (c as Buffer).toString();
    assert.equal(err, '');
    session.destroy();
  });

  it('passes the ports of a WebSocket request to CRI PortForward and the handshake to the runtime', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${kubelet.port}/portForward/default/web?port=${appPort}`, ['v4.channel.k8s.io']);
    const frames: Buffer[] = [];
    ws.on('message', (d: Buffer) => frames.push(d));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    assert.equal(ws.protocol, 'v4.channel.k8s.io');
    assert.equal(cri.calls.at(-1), `PortForward ${sandboxId} ${appPort}`);
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
    await new Promise((resolve) => ws.once('close', resolve));
    const portLE = Buffer.alloc(2);
    portLE.writeUInt16LE(appPort);
    assert.deepEqual(frames.slice(0, 2), [Buffer.concat([Buffer.from([0]), portLE]), Buffer.concat([Buffer.from([1]), portLE])]);
    const data = Buffer.concat(frames.slice(2).filter((f) => f[0] === 0).map((f) => f.subarray(1))).toString();
    assert.match(data, /\r\n\r\npod says \/ws$/);
  });

  it('refuses before any upgrade: bad ports 400, unknown pod or uid 404, no sandbox 500, no upgrade 400', async () => {
    const ws = { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io' };
    const spdy = { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' };
    assert.deepEqual(await upgrade('/portForward/default/web', ws), { code: 400, body: 'query parameter "port" is required' });
    assert.deepEqual(await upgrade('/portForward/default/nope', spdy), { code: 404, body: 'pod does not exist' });
    assert.deepEqual(await upgrade('/portForward/default/web/other-uid', spdy), { code: 404, body: 'pod not found' });
    const lonely = makePod('lonely', ['app']);
    const k2 = await startKubeletServer({ host: '127.0.0.1', port: 0, runtime: cri, getPod: () => lonely });
    try {
      const res = await new Promise<{ code: number; body: string }>((resolve) => {
        const req = http.request(`http://127.0.0.1:${k2.port}/portForward/default/lonely`, { method: 'POST', headers: { Connection: 'Upgrade', ...spdy } });
        req.on('response', (r) => {
          let body = '';
          r.on('data', (d: Buffer) => (body += d.toString()));
          r.on('end', () => resolve({ code: r.statusCode ?? 0, body }));
        });
        req.end();
      });
      assert.deepEqual(res, { code: 500, body: 'failed to find sandboxID for pod lonely_default(uid-lonely)' });
    } finally {
      await k2.close();
    }
    const plain = await fetch(`http://127.0.0.1:${kubelet.port}/portForward/default/web`, { method: 'POST' });
    assert.deepEqual([plain.status, await plain.text()], [400, 'Upgrade request required']);
  });

  it('close() ends open port-forward sessions instead of waiting for them', async () => {
    const k3 = await startKubeletServer({ host: '127.0.0.1', port: 0, runtime: cri, getPod: () => pod });
    const socket = await new Promise<import('node:net').Socket>((resolve, reject) => {
      const req = http.request(`http://127.0.0.1:${k3.port}/portForward/default/web`, { method: 'POST', headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' } });
      req.on('upgrade', (_res, s) => resolve(s));
      req.on('error', reject);
      req.end();
    });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const t0 = Date.now();
    await k3.close();
    await closed;
    assert.ok(Date.now() - t0 < 2000, `closed in ${Date.now() - t0} ms`);
  });
});

// Tests of the kubelet server: /containerLogs over HTTP, /exec and /attach over WebSocket channel framing, relayed to a fake runtime's SPDY streaming server.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import type { Pod } from '../../api/types.js';
import { makePod } from '../testing/builders.js';
import { FakeRuntime } from '../testing/fake-runtime.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { encodeStatus, frame, frameBase64, negotiateProtocol, unframe, unframeBase64 } from './remote-command.js';
import { startKubeletServer, type KubeletServer } from './server.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelet-server-test-'));
const cri = new FakeRuntime(new FakeClock(Date.parse('2025-01-01T00:00:00Z')));
const pod: Pod = makePod('web', ['app']);
pod.status = {
  ...pod.status,
  containerStatuses: [
    { name: 'app', ready: true, restartCount: 1, image: 'busybox', imageID: '', state: { running: {} }, lastState: { terminated: { exitCode: 1, containerID: 'fake://old' } } },
  ],
};
let server: KubeletServer;

async function setup(): Promise<void> {
  if (server) return;
  const sb = await cri.runPodSandbox({ metadata: { name: 'web', namespace: 'default', uid: 'uid-web', attempt: 0 }, logDirectory: dir, labels: { 'io.kubernetes.pod.uid': 'uid-web' } });
  const labels = { 'io.kubernetes.pod.uid': 'uid-web', 'io.kubernetes.container.name': 'app' };
  const old = await cri.createContainer(sb, { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox' }, labels, logPath: 'app/0.log' }, { metadata: { name: 'web', namespace: 'default', uid: 'uid-web', attempt: 0 }, logDirectory: dir });
  await cri.startContainer(old);
  cri.writeLog(cri.containers.get(old)!, 'stdout', 'from the first run');
  cri.finish(cri.containers.get(old)!, 1);
  const cur = await cri.createContainer(sb, { metadata: { name: 'app', attempt: 1 }, image: { image: 'busybox' }, labels, logPath: 'app/1.log' }, { metadata: { name: 'web', namespace: 'default', uid: 'uid-web', attempt: 0 }, logDirectory: dir });
  await cri.startContainer(cur);
  cri.writeLog(cri.containers.get(cur)!, 'stdout', 'hello');
  cri.writeLog(cri.containers.get(cur)!, 'stderr', 'warn');
  await cri.startStreaming();
  server = await startKubeletServer({ host: '127.0.0.1', port: 0, runtime: cri, getPod: (ns, name) => (ns === 'default' && name === 'web' ? pod : undefined) });
}

after(async () => {
  await server?.close();
  await cri.stopStreaming();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ code: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
  return { code: res.status, body: await res.text() };
}

test('kubelet server returns the current and previous container logs', async () => {
  await setup();
  assert.deepEqual(await get('/containerLogs/default/web/app'), { code: 200, body: 'hello\nwarn\n' });
  assert.deepEqual(await get('/containerLogs/default/web/app?previous=true'), { code: 200, body: 'from the first run\n' });
  assert.equal((await get('/containerLogs/default/web/app?tailLines=1')).body, 'warn\n');
});

test('kubelet server answers log errors in plain text like the kubelet', async () => {
  await setup();
  assert.equal((await get('/containerLogs/default/nope/app')).code, 404);
  const bad = await get('/containerLogs/default/web/zzz');
  assert.deepEqual(bad, { code: 400, body: 'container zzz is not valid for pod web' });
});

interface Session {
  protocol: string;
  frames: { stream: number; payload: string }[];
}

/** Opens `/KIND/default/web/app?query` with `protocols`; `send` runs once open; resolves at the server's close. */
function session(kind: 'exec' | 'attach', protocols: string[], query: string, send: (ws: WebSocket) => void = () => {}): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/${kind}/default/web/app?${query}`, protocols);
    const frames: { stream: number; payload: string }[] = [];
    ws.on('open', () => send(ws));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const f = isBinary ? unframe(data) : unframeBase64(data.toString());
      if (f) frames.push({ stream: f.stream, payload: f.payload.toString() });
    });
    ws.on('close', () => resolve({ protocol: ws.protocol, frames }));
    ws.on('error', reject);
  });
}

const execOver = (protocol: string, query: string, send?: (ws: WebSocket) => void): Promise<Session> => session('exec', [protocol], query, send);

test('kubelet server exec streams stdout/stderr frames and a Success status on v5', async () => {
  await setup();
  cri.execHandler = (_c, cmd) => ({ stdout: Buffer.from(`ran ${cmd.join(' ')}\n`), stderr: Buffer.from('e\n'), exitCode: 0 });
  const { protocol, frames } = await execOver('v5.channel.k8s.io', 'command=echo&command=hi&stdout=true&stderr=true');
  assert.equal(protocol, 'v5.channel.k8s.io');
  assert.deepEqual(frames, [
    { stream: 1, payload: '' },
    { stream: 1, payload: 'ran echo hi\n' },
    { stream: 2, payload: 'e\n' },
    { stream: 3, payload: '{"metadata":{},"status":"Success"}' },
  ]);
});

test('kubelet server exec passes the v5 close signal on as the end of stdin', async () => {
  await setup();
  cri.execHandler = (_c, _cmd, stdin) => ({ stdout: Buffer.from(`${stdin.toString().split('\n').length - 1}\n`), stderr: Buffer.alloc(0), exitCode: 0 });
  const { frames } = await execOver('v5.channel.k8s.io', 'command=wc&command=-l&stdin=true&stdout=true&stderr=true', (ws) => {
    ws.send(frame(0, 'a\n'));
    ws.send(frame(0, 'b\n'));
    ws.send(Buffer.from([255, 0]));
  });
  assert.deepEqual(frames.filter((f) => f.stream === 1).map((f) => f.payload).join(''), '2\n');
  assert.deepEqual(frames.at(-1), { stream: 3, payload: '{"metadata":{},"status":"Success"}' });
});

test('kubelet server exec delivers all of a large output before the status', async () => {
  await setup();
  const big = Buffer.alloc(4 * 1024 * 1024, 'x');
  cri.execHandler = () => ({ stdout: big, stderr: Buffer.alloc(0), exitCode: 0 });
  // A slow reader (a pause after each message): the kubelet's writes queue up while the runtime is done.
  const { frames } = await execOver('v5.channel.k8s.io', 'command=cat&command=big&stdout=true', (ws) => {
    ws.on('message', () => {
      ws.pause();
      setTimeout(() => ws.resume(), 1);
    });
  });
  assert.equal(frames.filter((f) => f.stream === 1).reduce((n, f) => n + f.payload.length, 0), big.length);
  assert.deepEqual(frames.at(-1), { stream: 3, payload: '{"metadata":{},"status":"Success"}' });
});

test('kubelet server exec reports a non-zero exit as NonZeroExitCode with an ExitCode cause', async () => {
  await setup();
  cri.execHandler = () => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 3 });
  const { frames } = await execOver('v4.channel.k8s.io', 'command=false&stdout=1');
  const status = JSON.parse(frames.at(-1)!.payload) as { status: string; reason: string; details: { causes: { reason: string; message: string }[] } };
  assert.equal(frames.at(-1)!.stream, 3);
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '3' }]);
});

test('kubelet server exec over channel.k8s.io writes only a failure message, and base64.channel.k8s.io encodes frames', async () => {
  await setup();
  cri.execHandler = () => ({ stdout: Buffer.from('out\n'), stderr: Buffer.alloc(0), exitCode: 2 });
  const v1 = await execOver('channel.k8s.io', 'command=false&stdout=1');
  assert.equal(v1.frames.at(-1)!.payload, 'command terminated with non-zero exit code: error executing command [false], exit code 2');
  cri.execHandler = (_c, _cmd, stdin) => ({ stdout: Buffer.from(`got ${stdin.length} bytes\n`), stderr: Buffer.alloc(0), exitCode: 0 });
  const b64 = await execOver('base64.channel.k8s.io', 'command=true&stdout=1', (ws) => ws.send('0' + Buffer.from('ignored: no stdin asked').toString('base64')));
  assert.equal(b64.protocol, 'base64.channel.k8s.io');
  assert.deepEqual(b64.frames, [
    { stream: 1, payload: '' },
    { stream: 1, payload: 'got 0 bytes\n' },
  ]);
});

test('kubelet server attach relays stdin and output through CRI Attach until the client closes stdin', async () => {
  await setup();
  const { frames } = await session('attach', ['v5.channel.k8s.io'], 'stdin=true&stdout=true&stderr=true', (ws) => {
    ws.send(frame(0, 'typed\n'));
    setTimeout(() => ws.send(Buffer.from([255, 0])), 20);
  });
  assert.equal(frames.filter((f) => f.stream === 1).map((f) => f.payload).join(''), 'typed\n');
  assert.deepEqual(frames.at(-1), { stream: 3, payload: '{"metadata":{},"status":"Success"}' });
  assert.deepEqual(cri.streamRequests.at(-1), { kind: 'attach', request: { containerId: cri.latest('app')!.id, tty: false, stdin: true, stdout: true, stderr: true } });
});

test('kubelet server reports a runtime that cannot be reached as an InternalError status', async () => {
  await setup();
  await cri.stopStreaming();
  try {
    const { frames } = await execOver('v4.channel.k8s.io', 'command=true&stdout=1');
    const status = JSON.parse(frames.at(-1)!.payload) as { reason: string; code: number; message: string };
    assert.deepEqual([frames.at(-1)!.stream, status.reason, status.code], [3, 'InternalError', 500]);
    assert.match(status.message, /^Internal error occurred: error executing command in container: error dialing runtime streaming server/);
  } finally {
    await cri.startStreaming();
  }
});

test('kubelet server refuses exec into a container that is not running before the upgrade', async () => {
  await setup();
  const res = await fetch(`http://127.0.0.1:${server.port}/exec/default/nope/app?command=ls`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' } }).catch(() => undefined);
  assert.ok(!res || res.status === 404);
});

test('remote-command framing and protocol negotiation', () => {
  assert.deepEqual([...frame(2, 'x')], [2, 120]);
  assert.deepEqual(unframe(Buffer.from([255, 0])), { stream: 255, payload: Buffer.from([0]) });
  assert.equal(frameBase64(1, Buffer.from('hi')), '1aGk=');
  assert.deepEqual(unframeBase64('0aGk='), { stream: 0, payload: Buffer.from('hi') });
  assert.equal(negotiateProtocol(['channel.k8s.io', 'v4.channel.k8s.io']), 'v4.channel.k8s.io');
  assert.equal(negotiateProtocol(['v3.channel.k8s.io']), undefined);
  assert.equal(negotiateProtocol([]), '');
});

test('encodeStatus keeps v4 Status bytes and reduces them to the failure message for v1', () => {
  const failure = Buffer.from('{"metadata":{},"status":"Failure","message":"boom","reason":"NonZeroExitCode"}');
  assert.equal(encodeStatus('v4', failure), failure);
  assert.equal(encodeStatus('v1', failure)?.toString(), 'boom');
  assert.equal(encodeStatus('v1', Buffer.from('{"metadata":{},"status":"Success"}')), undefined);
  assert.equal(encodeStatus('v4', Buffer.alloc(0)), undefined);
});

test('kubelet server serves /metrics/resource as Prometheus text', async () => {
  const s = await startKubeletServer({ host: '127.0.0.1', port: 0, runtime: cri, getPod: () => undefined, resourceMetrics: async () => 'resource_scrape_error 0\n' });
  try {
    const res = await fetch(`http://127.0.0.1:${s.port}/metrics/resource`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(await res.text(), 'resource_scrape_error 0\n');
  } finally {
    await s.close();
  }
});

test('kubelet server listens on alsoHosts on the same port as host (the node IP beside 127.0.0.1)', async () => {
  const both = await startKubeletServer({ host: '127.0.0.1', port: 0, alsoHosts: ['127.0.0.1', '127.0.0.2'], runtime: cri, getPod: () => undefined });
  try {
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      const res = await fetch(`http://${host}:${both.port}/healthz`);
      assert.deepEqual([host, res.status, await res.text()], [host, 200, 'ok']);
    }
  } finally {
    await both.close();
  }
  await assert.rejects(fetch(`http://127.0.0.2:${both.port}/healthz`), 'closed on every address');
});

test('kubelet server fails to start when an alsoHosts address is not local', async () => {
  await assert.rejects(startKubeletServer({ host: '127.0.0.1', port: 0, alsoHosts: ['192.0.2.254'], runtime: cri, getPod: () => undefined }), /EADDRNOTAVAIL/);
});

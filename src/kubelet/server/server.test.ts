// Tests of the kubelet server: /containerLogs over HTTP and /exec over WebSocket channel framing.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import type { Pod } from '../../api/types.js';
import { makePod } from '../testing/builders.js';
import { FakeRuntime } from '../testing/fake-runtime.js';
import { FakeClock } from '../util/clock.js';
import { frame, negotiateProtocol, unframe } from './remote-command.js';
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
  server = await startKubeletServer({ host: '127.0.0.1', port: 0, runtime: cri, getPod: (ns, name) => (ns === 'default' && name === 'web' ? pod : undefined) });
}

after(async () => {
  await server?.close();
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

function execOver(protocol: string, query: string): Promise<{ protocol: string; frames: { stream: number; payload: string }[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/exec/default/web/app?${query}`, [protocol]);
    const frames: { stream: number; payload: string }[] = [];
    ws.on('message', (data: Buffer) => {
      const f = unframe(data);
      if (f) frames.push({ stream: f.stream, payload: f.payload.toString() });
    });
    ws.on('close', () => resolve({ protocol: ws.protocol, frames }));
    ws.on('error', reject);
  });
}

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

test('kubelet server refuses exec into a container that is not running before the upgrade', async () => {
  await setup();
  const res = await fetch(`http://127.0.0.1:${server.port}/exec/default/nope/app?command=ls`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' } }).catch(() => undefined);
  assert.ok(!res || res.status === 404);
});

test('remote-command framing and protocol negotiation', () => {
  assert.deepEqual([...frame(2, 'x')], [2, 120]);
  assert.deepEqual(unframe(Buffer.from([255, 0])), { stream: 255, payload: Buffer.from([0]) });
  assert.equal(negotiateProtocol(['channel.k8s.io', 'v4.channel.k8s.io']), 'v4.channel.k8s.io');
  assert.equal(negotiateProtocol(['base64.channel.k8s.io']), undefined);
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

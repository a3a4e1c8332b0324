// Tests of the kubelet server's exec over SPDY/3.1 with a fake runtime: handshake, typed streams, v4 and v3 status.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makePod } from '../testing/builders.js';
import { FakeRuntime } from '../testing/fake-runtime.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { startKubeletServer, type KubeletServer } from './server.js';
import { SpdySession, type SpdyStream } from './spdy/session.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelet-spdy-test-'));
const cri = new FakeRuntime(new FakeClock(Date.parse('2025-01-01T00:00:00Z')));
let server: KubeletServer;

before(async () => {
  const sandbox = { metadata: { name: 'web', namespace: 'default', uid: 'uid-web', attempt: 0 }, logDirectory: dir, labels: { 'io.kubernetes.pod.uid': 'uid-web' } };
  const sb = await cri.runPodSandbox(sandbox);
  const labels = { 'io.kubernetes.pod.uid': 'uid-web', 'io.kubernetes.container.name': 'app' };
  await cri.startContainer(await cri.createContainer(sb, { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox' }, labels, logPath: 'app/0.log' }, sandbox));
  const pod = makePod('web', ['app']);
  await cri.startStreaming();
  server = await startKubeletServer({ host: '127.0.0.1', port: 0, runtime: cri, getPod: (ns, name) => (ns === 'default' && name === 'web' ? pod : undefined) });
});

after(async () => {
  await server?.close();
  await cri.stopStreaming();
  rmSync(dir, { recursive: true, force: true });
});

/** Upgrades like client-go's SPDY executor and opens `types` streams; returns each stream's bytes once the server closed them. */
async function execOverSpdy(protocols: string[], query: string, types: string[], stdin = ''): Promise<{ status: number; protocol: string; out: Record<string, string> }> {
  const req = http.request(`http://127.0.0.1:${server.port}/exec/default/web/app?${query}`, {
    method: 'POST',
    headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols },
  });
  req.end();
  const [res, socket] = (await once(req, 'upgrade')) as [http.IncomingMessage, import('node:net').Socket];
  const session = new SpdySession(socket, { isServer: false });
  const out: Record<string, string> = {};
  await Promise.all(
    types.map(async (t) => {
      const s: SpdyStream = session.openStream({ streamtype: [t] });
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => chunks.push(c));
      if (t === 'stdin') s.end(stdin);
      await once(s, 'end');
      out[t] = Buffer.concat(chunks).toString();
    }),
  );
  socket.destroy();
  return { status: res.statusCode ?? 0, protocol: String(res.headers['x-stream-protocol-version'] ?? ''), out };
}

test('kubelet server answers a SPDY upgrade with 101 and v4, then stdout, stderr and a v4 exit Status', async () => {
  cri.execHandler = (_c, cmd) => ({ stdout: Buffer.from(`ran ${cmd.join(' ')}\n`), stderr: Buffer.from('e\n'), exitCode: 3 });
  const r = await execOverSpdy(['v4.channel.k8s.io', 'v3.channel.k8s.io'], 'command=echo&command=hi&stdout=true&stderr=true', ['error', 'stdout', 'stderr']);
  assert.equal(r.status, 101);
  assert.equal(r.protocol, 'v4.channel.k8s.io');
  assert.equal(r.out['stdout'], 'ran echo hi\n');
  assert.equal(r.out['stderr'], 'e\n');
  const status = JSON.parse(r.out['error'] ?? '') as { status: string; reason: string; details: { causes: unknown[] } };
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '3' }]);
});

test('kubelet server passes the half-close of the stdin stream on as the end of stdin', async () => {
  cri.execHandler = (_c, _cmd, stdin) => ({ stdout: Buffer.from(`${stdin.toString().split('\n').length - 1}\n`), stderr: Buffer.alloc(0), exitCode: 0 });
  const r = await execOverSpdy(['v4.channel.k8s.io'], 'command=wc&command=-l&stdin=true&stdout=true&stderr=true', ['error', 'stdin', 'stdout', 'stderr'], 'a\nb\n');
  assert.deepEqual([r.out['stdout'], r.out['error']], ['2\n', '{"metadata":{},"status":"Success"}']);
});

test('kubelet server writes v3 failures as plain text and nothing on success', async () => {
  cri.execHandler = () => ({ stdout: Buffer.from('ok\n'), stderr: Buffer.alloc(0), exitCode: 0 });
  const ok = await execOverSpdy(['v3.channel.k8s.io'], 'command=true&stdout=true', ['error', 'stdout']);
  assert.deepEqual([ok.protocol, ok.out['stdout'], ok.out['error']], ['v3.channel.k8s.io', 'ok\n', '']);
  cri.execHandler = () => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 2 });
  const bad = await execOverSpdy(['v3.channel.k8s.io'], 'command=false&stdout=true', ['error', 'stdout']);
  assert.match(bad.out['error'] ?? '', /^command terminated with non-zero exit code: .*exit code 2$/);
});

test('kubelet server refuses a SPDY upgrade with no served protocol or no running container, before switching', async () => {
  const ask = async (path: string, protocol: string): Promise<number> => {
    const req = http.request(`http://127.0.0.1:${server.port}${path}`, { method: 'POST', headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocol } });
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    res.resume();
    return res.statusCode ?? 0;
  };
  assert.equal(await ask('/exec/default/web/app?command=ls&stdout=true', 'v9.channel.k8s.io'), 403);
  assert.equal(await ask('/exec/default/nope/app?command=ls&stdout=true', 'v4.channel.k8s.io'), 404);
});

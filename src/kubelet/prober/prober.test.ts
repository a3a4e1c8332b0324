// runProbe once per handler kind: exec exit codes, HTTP status codes and errors, TCP connects, undeclared port names.

import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { ExecSyncResponse } from '../../cri/types.js';
import { container } from '../testing/builders.js';
import { runProbe, type ProbeRuntime } from './prober.js';

const noExec: ProbeRuntime = { execSync: () => Promise.reject(new Error('no exec here')) };

/** A port nothing listens on (a server's, just closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('an exec probe succeeds on exit code 0 and fails with stdout and stderr otherwise, or with the call error', async () => {
  const answers: ExecSyncResponse[] = [
    { exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) },
    { exitCode: 2, stdout: Buffer.from('out '), stderr: Buffer.from('err') },
  ];
  const seen: string[] = [];
  const rt: ProbeRuntime = {
    execSync: async (id, cmd, timeout) => {
      seen.push(`${id} ${cmd.join(' ')} ${timeout}`);
      return answers.shift()!;
    },
  };
  const probe = { exec: { command: ['cat', '/tmp/healthy'] }, timeoutSeconds: 4 };
  assert.deepEqual(await runProbe(rt, 'c1', container('app'), probe, '10.88.0.5'), ['success', '']);
  assert.deepEqual(await runProbe(rt, 'c1', container('app'), probe, '10.88.0.5'), ['failure', 'out err']);
  assert.deepEqual(seen, ['c1 cat /tmp/healthy 4', 'c1 cat /tmp/healthy 4']);
  const failing: ProbeRuntime = { execSync: () => Promise.reject(Object.assign(new Error('rpc error'), { details: 'container not running' })) };
  assert.deepEqual(await runProbe(failing, 'c1', container('app'), probe, '10.88.0.5'), ['failure', 'container not running']);
});

test('an HTTP probe succeeds on 2xx and 3xx, fails on other codes, and words a refused connection as Go does', async () => {
  const agents: string[] = [];
  const server = http.createServer((req, res) => {
    agents.push(String(req.headers['user-agent']));
    res.statusCode = Number(req.url?.slice(1));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const app = container('app', { ports: [{ name: 'web', containerPort: port }] });
  try {
    assert.deepEqual(await runProbe(noExec, 'c1', app, { httpGet: { port: 'web', path: '/200' } }, '127.0.0.1'), ['success', '']);
    assert.deepEqual(await runProbe(noExec, 'c1', app, { httpGet: { port, path: '/302' } }, '127.0.0.1'), ['success', '']);
    assert.deepEqual(await runProbe(noExec, 'c1', app, { httpGet: { port, path: '/500' } }, '127.0.0.1'), ['failure', 'HTTP probe failed with statuscode: 500']);
    assert.deepEqual(agents, ['kube-probe/1.32', 'kube-probe/1.32', 'kube-probe/1.32']);
  } finally {
    await new Promise((r) => server.close(r));
  }
  const closed = await closedPort();
  assert.deepEqual(await runProbe(noExec, 'c1', app, { httpGet: { port: closed, path: '/healthz' } }, '127.0.0.1'), ['failure', `Get "http://127.0.0.1:${closed}/healthz": connect ECONNREFUSED 127.0.0.1:${closed}`]);
});

test('a TCP probe succeeds when the port accepts and fails with a dial error when it does not', async () => {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    assert.deepEqual(await runProbe(noExec, 'c1', container('app'), { tcpSocket: { port } }, '127.0.0.1'), ['success', '']);
  } finally {
    await new Promise((r) => server.close(r));
  }
  const closed = await closedPort();
  assert.deepEqual(await runProbe(noExec, 'c1', container('app'), { tcpSocket: { port: closed, host: '127.0.0.1' } }, '10.0.0.1'), ['failure', `dial tcp 127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed}`]);
});

test('an HTTP or TCP probe on a port name the container does not declare fails with the lookup error', async () => {
  const app = container('app', { ports: [{ name: 'web', containerPort: 8080 }] });
  const message = `couldn't find port: metrics in [{"name":"web","containerPort":8080}]`;
  assert.deepEqual(await runProbe(noExec, 'c1', app, { httpGet: { port: 'metrics' } }, '127.0.0.1'), ['failure', message]);
  assert.deepEqual(await runProbe(noExec, 'c1', app, { tcpSocket: { port: 'metrics' } }, '127.0.0.1'), ['failure', message]);
});

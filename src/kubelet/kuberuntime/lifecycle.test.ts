// The httpGet lifecycle hook through the shared HTTP GET helper: path and headers, any status code, connection errors, undeclared ports.

import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { RuntimeService } from '../../cri/types.js';
import { container } from '../testing/builders.js';
import { runLifecycleHandler } from './lifecycle.js';

const runtime = {} as RuntimeService; // httpGet hooks never call the runtime

test('an httpGet hook GETs path with its headers from the pod IP, succeeds whatever the status, and words a failure', async () => {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.url} ${String(req.headers['x-hook'])} ${String(req.headers['user-agent'])}`);
    res.statusCode = 500;
    res.end('ignored');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const app = container('app', { ports: [{ name: 'admin', containerPort: port }] });
  try {
    const handler = { httpGet: { port: 'admin', path: '/shutdown', httpHeaders: [{ name: 'X-Hook', value: 'preStop' }] } };
    assert.equal(await runLifecycleHandler(runtime, 'c1', app, 'default/p', handler, '127.0.0.1', 5), '');
    assert.deepEqual(seen, ['/shutdown preStop undefined']);
  } finally {
    await new Promise((r) => server.close(r));
  }
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const closed = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  assert.equal(
    await runLifecycleHandler(runtime, 'c1', app, 'default/p', { httpGet: { port: closed } }, '127.0.0.1', 5),
    `HTTP lifecycle hook (/) for Container "app" in Pod "default/p" failed - error: connect ECONNREFUSED 127.0.0.1:${closed}`,
  );
  await assert.rejects(runLifecycleHandler(runtime, 'c1', app, 'default/p', { httpGet: { port: 'web' } }, '127.0.0.1', 5), {
    message: `couldn't find port: web in [{"name":"admin","containerPort":${port}}]`,
  });
});

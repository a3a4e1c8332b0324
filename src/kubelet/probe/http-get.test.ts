// The shared port resolution and HTTP GET of probes and hooks, against a server on 127.0.0.1.

import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { container } from '../testing/builders.js';
import { doHTTPGet, httpGetRequest, requestURL, resolveContainerPort } from './http-get.js';

const web = container('app', { ports: [{ name: 'web', containerPort: 8080 }] });

test('resolveContainerPort takes numbers, declared names and numeric strings, and refuses unknown names', () => {
  assert.equal(resolveContainerPort(81, web), 81);
  assert.equal(resolveContainerPort('web', web), 8080);
  assert.equal(resolveContainerPort('9090', web), 9090);
  assert.throws(() => resolveContainerPort('metrics', web), { message: `couldn't find port: metrics in [{"name":"web","containerPort":8080}]` });
  assert.throws(() => resolveContainerPort('metrics', container('bare')), { message: "couldn't find port: metrics in []" });
});

test('httpGetRequest defaults host to the pod IP, path to / and scheme to HTTP; action headers override defaults', () => {
  const r = httpGetRequest({ port: 'web', httpHeaders: [{ name: 'User-Agent', value: 'mine' }, { name: 'X-A', value: '1' }] }, web, '10.88.0.5', { 'User-Agent': 'kube-probe/1.32' });
  assert.deepEqual(r, { scheme: 'http', host: '10.88.0.5', port: 8080, path: '/', headers: { 'User-Agent': 'mine', 'X-A': '1' } });
  assert.equal(requestURL(r), 'http://10.88.0.5:8080/');
  const s = httpGetRequest({ port: 443, host: 'example.internal', path: '/healthz', scheme: 'HTTPS' }, web, '10.88.0.5');
  assert.equal(requestURL(s), 'https://example.internal:443/healthz');
  assert.deepEqual(s.headers, {});
});

test('doHTTPGet sends path and headers and resolves the status code; a closed port rejects', async () => {
  const seen: { url?: string; ua?: string; x?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', ua: String(req.headers['user-agent']), x: String(req.headers['x-a']) });
    res.statusCode = req.url === '/bad' ? 503 : 200;
    res.end('body');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const opts = { timeoutMs: 1000, timeoutMessage: 'timeout', untilBodyEnd: true };
    assert.equal(await doHTTPGet({ scheme: 'http', host: '127.0.0.1', port, path: '/ok?x=1', headers: { 'User-Agent': 'kube-probe/1.32', 'X-A': '1' } }, opts), 200);
    assert.equal(await doHTTPGet({ scheme: 'http', host: '127.0.0.1', port, path: '/bad', headers: {} }, { ...opts, untilBodyEnd: false }), 503);
    assert.deepEqual(seen[0], { url: '/ok?x=1', ua: 'kube-probe/1.32', x: '1' });
  } finally {
    await new Promise((r) => server.close(r));
  }
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  await assert.rejects(doHTTPGet({ scheme: 'http', host: '127.0.0.1', port: closedPort, path: '/', headers: {} }, { timeoutMs: 1000, timeoutMessage: 'timeout', untilBodyEnd: false }), { code: 'ECONNREFUSED' });
});

// Tests of the REST client against a local HTTP server: JSON, Status errors, watch streaming, abort.

import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { isConflict, isNotFound } from '../api/errors.js';
import { createApiClient, encodeQuery, type RestClient } from './rest-client.js';

let server: http.Server;
let client: RestClient;
const seen: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''} ${req.headers['user-agent'] ?? ''}`);
    if (req.url?.startsWith('/api/v1/namespaces/default/pods?watch=true')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODI');
      setTimeout(() => res.end('FIED","object":{"metadata":{"name":"a","resourceVersion":"2"}}}\n'), 20);
      return;
    }
    if (req.url === '/api/v1/namespaces/default/pods/hang?watch=true') return; // never answers
    if (req.url === '/api/v1/namespaces/default/pods/missing') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "missing" not found', reason: 'NotFound', code: 404 }));
      return;
    }
    if (req.method === 'PUT') {
      res.writeHead(409);
      res.end('conflict!');
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ metadata: { name: 'x' }, echo: body ? JSON.parse(body) : null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  client = createApiClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, userAgent: 'kubelet/test' });
});

after(() => {
  client.close();
  server.closeAllConnections();
  server.close();
});

test('rest client sends JSON and decodes JSON responses', async () => {
  const got = await client.create<{ metadata: object; echo: unknown }>('/api/v1/namespaces/default/pods', { metadata: { name: 'x' } });
  assert.deepEqual(got.echo, { metadata: { name: 'x' } });
  assert.ok(seen.some((s) => s === 'POST /api/v1/namespaces/default/pods application/json kubelet/test'));
  await client.patch('/api/v1/namespaces/default/pods/x', { a: 1 }, 'merge');
  assert.ok(seen.some((s) => s.startsWith('PATCH /api/v1/namespaces/default/pods/x application/merge-patch+json')));
});

test('rest client turns error responses into StatusErrors', async () => {
  await assert.rejects(client.get('/api/v1/namespaces/default/pods/missing'), (err: unknown) => isNotFound(err) && (err as Error).message === 'pods "missing" not found');
  await assert.rejects(client.update('/api/v1/namespaces/default/pods/x', { metadata: {} }), (err: unknown) => isConflict(err) && (err as Error).message === 'conflict!');
});

test('rest client watch yields newline-delimited events across chunk boundaries', async () => {
  const events: string[] = [];
  for await (const ev of client.watch('/api/v1/namespaces/default/pods', {}, new AbortController().signal)) events.push(`${ev.type} ${ev.object.metadata.resourceVersion ?? ''}`);
  assert.deepEqual(events, ['ADDED ', 'MODIFIED 2']);
});

test('rest client watch ends quietly when aborted', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 30);
  const events = [];
  for await (const ev of client.watch('/api/v1/namespaces/default/pods/hang', {}, ac.signal)) events.push(ev);
  assert.equal(events.length, 0);
});

test('encodeQuery skips undefined values', () => {
  assert.equal(encodeQuery({ a: 'x y', b: undefined, c: true, d: 3 }), '?a=x+y&c=true&d=3');
});

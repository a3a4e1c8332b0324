import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDashboard, type Dashboard } from './server.js';

let upstream: http.Server;
let dashboard: Dashboard;
let assets: string;
const seen: { path: string; accept: string | undefined; authorization: string | undefined }[] = [];

before(async () => {
  upstream = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', accept: req.headers.accept, authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'PodList', items: [] }));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  assets = mkdtempSync(join(tmpdir(), 'k1s-dashboard-'));
  writeFileSync(join(assets, 'index.html'), '<div id="app"></div>');
  const port = (upstream.address() as { port: number }).port;
  dashboard = await startDashboard({ access: { server: `http://127.0.0.1:${port}`, token: 'sa-token', insecureSkipTlsVerify: false, namespace: 'default' }, port: 0, assetsDir: assets, token: 'login' });
});

after(async () => {
  await dashboard.close();
  upstream.close();
  rmSync(assets, { recursive: true, force: true });
});

test('the API proxy answers 401 without the session cookie and reaches the API server with the kubeconfig credentials after login', async () => {
  const base = `http://127.0.0.1:${dashboard.port}`;
  assert.equal(dashboard.url, `${base}/?token=login`);
  const anonymous = await fetch(`${base}/k8s/api/v1/pods`);
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { reason: string }).reason, 'Unauthorized');
  assert.equal(seen.length, 0, 'nothing reached the API server');
  assert.equal((await fetch(`${base}/?token=wrong`, { redirect: 'manual' })).status, 401);
  const login = await fetch(dashboard.url, { redirect: 'manual' });
  assert.equal(login.status, 302);
  assert.equal(login.headers.get('location'), '/');
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  assert.equal((await fetch(dashboard.url, { redirect: 'manual' })).status, 401, 'the token works once');
  const table = 'application/json;as=Table;v=v1;g=meta.k8s.io';
  const res = await fetch(`${base}/k8s/api/v1/namespaces/default/pods?limit=5`, { headers: { cookie, accept: table } });
  assert.equal(res.status, 200);
  assert.deepEqual(seen, [{ path: '/api/v1/namespaces/default/pods?limit=5', accept: table, authorization: 'Bearer sa-token' }]);
  assert.equal((await fetch(`${base}/k8s/api/v1/namespaces/default/pods`, { method: 'DELETE', headers: { cookie } })).status, 405, 'read-only');
  assert.equal((await fetch(`${base}/`)).status, 200, 'the page itself holds no data');
});

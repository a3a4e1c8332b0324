// Tests of the proxy subresources' pieces: request routing of `.../proxy/...`, `scheme:name:port` ids, target URLs,
// and the pod and Service locations (src/registry/{pods,services}/proxy.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoints, Service } from '../api/services.js';
import type { Pod } from '../api/types.js';
import { podProxyLocation } from '../registry/pods/proxy.js';
import { serviceProxyLocation } from '../registry/services/proxy.js';
import { proxyTarget, splitSchemeNamePort } from './http-proxy.js';
import { parseRequestInfo } from './routing.js';

describe('proxy routing', () => {
  it('keeps the raw path after proxy, with its trailing slash, and the verb of the method', () => {
    assert.deepEqual(parseRequestInfo('GET', '/api/v1/namespaces/ns/pods/web:80/proxy/a/b%20c/', false), {
      kind: 'resource', group: '', version: 'v1', namespace: 'ns', resource: 'pods', name: 'web:80', subresource: 'proxy', verb: 'get', proxyPath: '/a/b%20c/',
    });
    const bare = parseRequestInfo('POST', '/api/v1/namespaces/ns/services/http:web:/proxy', false);
    assert.equal(bare.kind === 'resource' && bare.proxyPath, '');
    assert.equal(bare.kind === 'resource' && bare.verb, 'create');
    const slash = parseRequestInfo('GET', '/api/v1/namespaces/ns/services/web/proxy/', false);
    assert.equal(slash.kind === 'resource' && slash.proxyPath, '/');
  });

  it('still refuses extra segments after other subresources', () => {
    assert.deepEqual(parseRequestInfo('GET', '/api/v1/namespaces/ns/pods/web/log/extra', false), { kind: 'unknown' });
  });

  it('splits scheme:name:port as utilnet.SplitSchemeNamePort', () => {
    assert.deepEqual(splitSchemeNamePort('web'), { scheme: '', name: 'web', port: '' });
    assert.deepEqual(splitSchemeNamePort('web:8080'), { scheme: '', name: 'web', port: '8080' });
    assert.deepEqual(splitSchemeNamePort('https:web:443'), { scheme: 'https', name: 'web', port: '443' });
    assert.equal(splitSchemeNamePort('ftp:web:21'), undefined);
    assert.equal(splitSchemeNamePort(':80'), undefined);
    assert.equal(splitSchemeNamePort('a:b:c:d'), undefined);
  });

  it('builds the target URL with the path joined and the query kept', () => {
    assert.equal(proxyTarget({ scheme: 'http', host: '10.42.0.5', port: 80 }, '/x/', 'a=1&b=2'), 'http://10.42.0.5:80/x/?a=1&b=2');
    assert.equal(proxyTarget({ scheme: 'https', host: '10.42.0.5' }, '', ''), 'https://10.42.0.5/');
  });
});

describe('pod proxy location', () => {
  const pod = (ip: string | undefined): Pod => ({
    metadata: { name: 'web' },
    spec: { containers: [{ name: 'sidecar', image: 'x' }, { name: 'app', image: 'y', ports: [{ containerPort: 8080, name: 'http' }] }] },
    status: ip ? { podIP: ip } : {},
  });

  it('defaults to the first port a container declares, and takes a number or a port name', () => {
    assert.deepEqual(podProxyLocation(pod('10.42.0.7'), { scheme: '', port: '' }), { scheme: 'http', host: '10.42.0.7', port: 8080 });
    assert.deepEqual(podProxyLocation(pod('10.42.0.7'), { scheme: 'https', port: '9443' }), { scheme: 'https', host: '10.42.0.7', port: 9443 });
    assert.deepEqual(podProxyLocation(pod('10.42.0.7'), { scheme: '', port: 'http' }), { scheme: 'http', host: '10.42.0.7', port: 8080 });
  });

  it('refuses a pod without an IP or with a loopback one: address not allowed', () => {
    assert.throws(() => podProxyLocation(pod(undefined), { scheme: '', port: '' }), (e: { status: { code: number; message: string } }) => e.status.code === 400 && e.status.message === 'address not allowed');
    assert.throws(() => podProxyLocation(pod('127.0.0.1'), { scheme: '', port: '' }), /address not allowed/);
  });
});

describe('service proxy location', () => {
  const svc: Service = { metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'admin', port: 81 }] } };
  const eps: Endpoints = {
    metadata: { name: 'web' },
    subsets: [{ addresses: [{ ip: '10.42.0.8' }, { ip: '10.42.0.9' }], ports: [{ name: 'http', port: 8080 }, { name: 'admin', port: 9000 }] }],
  };

  it('maps a Service port number to its name, then to the endpoint port', () => {
    assert.deepEqual(serviceProxyLocation(svc, eps, { scheme: '', port: '80' }, () => 0), { scheme: 'http', host: '10.42.0.8', port: 8080 });
    assert.deepEqual(serviceProxyLocation(svc, eps, { scheme: '', port: 'admin' }, () => 0.99), { scheme: 'http', host: '10.42.0.9', port: 9000 });
  });

  it('answers 503 as kube-apiserver: an unknown port number, no endpoints, no subset with the port', () => {
    const is503 = (message: string) => (e: { status: { code: number; reason: string; message: string } }) =>
      e.status.code === 503 && e.status.reason === 'ServiceUnavailable' && e.status.message === message;
    assert.throws(() => serviceProxyLocation(svc, eps, { scheme: '', port: '99' }), is503('no service port 99 found for service "web"'));
    assert.throws(() => serviceProxyLocation(svc, undefined, { scheme: '', port: '80' }), is503('no endpoints available for service "web"'));
    assert.throws(() => serviceProxyLocation(svc, eps, { scheme: '', port: 'metrics' }), is503('no endpoints available for service "web:metrics"'));
  });
});

describe('proxyRequest', () => {
  it('passes method, path, query and body on, rewrites HTML links and redirects, and answers 503 for a refused backend', async () => {
    const { createServer } = await import('node:http');
    const { gzipSync } = await import('node:zlib');
    const { proxyRequest } = await import('./http-proxy.js');
    const seen: string[] = [];
    const backend = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body} auth=${req.headers.authorization ?? 'none'}`);
        if (req.url?.startsWith('/redirect')) {
          res.writeHead(302, { Location: '/elsewhere/' });
          res.end();
        } else if (req.url?.startsWith('/gz')) {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Encoding': 'gzip' });
          res.end(gzipSync('<a href="/zipped">z</a>'));
        } else {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end('<a href="/rewriteme">test</a>');
        }
      });
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const backendPort = (backend.address() as { port: number }).port;
    const prefix = '/api/v1/namespaces/ns/pods/p/proxy';
    let target = backendPort;
    const front = createServer((req, res) => {
      const path = (req.url ?? '').slice(prefix.length).split('?')[0] ?? '';
      const query = (req.url ?? '').split('?')[1] ?? '';
      proxyRequest(req, res, { scheme: 'http', host: '127.0.0.1', port: target }, path, query, prefix).catch((err: { status: { code: number; message: string } }) => {
        res.writeHead(err.status.code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(err.status));
      });
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(front.address() as { port: number }).port}${prefix}`;
    try {
      const page = await fetch(`${base}/page/?a=1`, { method: 'POST', body: 'hello', headers: { Authorization: 'Bearer secret' } });
      assert.equal(await page.text(), `<a href="${prefix}/rewriteme">test</a>`);
      assert.equal(seen[0], 'POST /page/?a=1 hello auth=none');
      const zipped = await fetch(`${base}/gz`);
      assert.equal(await zipped.text(), `<a href="${prefix}/zipped">z</a>`);
      const redirect = await fetch(`${base}/redirect`, { redirect: 'manual' });
      assert.equal(redirect.status, 302);
      assert.equal(redirect.headers.get('location'), `${prefix}/elsewhere/`);
      backend.close();
      target = 1; // nothing listens on port 1
      const refused = await fetch(`${base}/`);
      assert.equal(refused.status, 503);
      assert.match(((await refused.json()) as { message: string }).message, /^error trying to reach service: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    } finally {
      backend.close();
      front.close();
    }
  });
});

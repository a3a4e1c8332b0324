/**
 * `k1s dashboard`'s web server on 127.0.0.1: the bundled front end (dist/dashboard/), the login token exchange,
 * and a read-only proxy of the cluster's public API under `/k8s/` (GETs, watches, log streams, and the exec
 * WebSocket), which adds the kubeconfig's credentials; the browser never sees them.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterAccess } from './kubeconfig.js';
import { sameOrigin, Sessions } from './session.js';

/** Where the esbuild step (scripts/build-dashboard.mjs) writes the front end: dist/dashboard/. */
export const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboard');

const ASSETS: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The only upgrade the proxy passes on: a pod's exec subresource (kubectl exec's WebSocket). */
const EXEC_PATH = /^\/api\/v1\/namespaces\/[a-z0-9-]+\/pods\/[a-z0-9.-]+\/exec(\?|$)/;

/** A running dashboard. */
export interface Dashboard {
  /** `http://127.0.0.1:PORT/?token=…`: the one-time login URL. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Options of startDashboard. */
export interface DashboardOptions {
  access: ClusterAccess;
  /** 0 picks a free port. */
  port: number;
  /** Folder of index.html, app.js, app.css; default ASSETS_DIR. */
  assetsDir?: string;
  /** The login token; default random (tests may fix it). */
  token?: string;
}

function send(res: http.ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

/** A Kubernetes Status body for errors of the proxy itself. */
function status(res: http.ServerResponse, code: number, reason: string, message: string): void {
  send(res, code, 'application/json', JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

function upstreamOptions(access: ClusterAccess, method: string, path: string, headers: http.OutgoingHttpHeaders): https.RequestOptions {
  const url = new URL(access.server);
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    method,
    path,
    headers: { ...headers, ...(access.token ? { authorization: `Bearer ${access.token}` } : {}), 'user-agent': 'k1s-dashboard' },
    ...(access.caPem ? { ca: access.caPem } : {}),
    ...(access.certPem ? { cert: access.certPem } : {}),
    ...(access.keyPem ? { key: access.keyPem } : {}),
    rejectUnauthorized: !access.insecureSkipTlsVerify,
  };
}

function request(access: ClusterAccess, options: https.RequestOptions): http.ClientRequest {
  return access.server.startsWith('https:') ? https.request(options) : http.request(options);
}

/**
 * Starts the dashboard on 127.0.0.1:`port`. Resolves once it listens; rejects when the port is taken (EADDRINUSE)
 * or the front end was not built (no index.html: run `npm run build`).
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const assetsDir = options.assetsDir ?? ASSETS_DIR;
  if (!existsSync(join(assetsDir, 'index.html'))) throw new Error(`dashboard: no front end in ${assetsDir}: run 'npm run build'`);
  const sessions = new Sessions(options.token);
  const { access } = options;
  let port = options.port;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (!sameOrigin(req, port)) return status(res, 403, 'Forbidden', 'dashboard: requests must come from its own page (Host and Origin 127.0.0.1 or localhost)');
    if (url.pathname.startsWith('/k8s/')) {
      if (!sessions.authenticated(req)) return status(res, 401, 'Unauthorized', 'dashboard: not logged in: open the URL k1s dashboard printed');
      if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', 'dashboard: the API proxy is read-only');
      const path = req.url!.slice('/k8s'.length);
      const headers: http.OutgoingHttpHeaders = { accept: req.headers.accept ?? 'application/json' };
      const up = request(access, upstreamOptions(access, 'GET', path, headers));
      up.on('response', (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, { 'content-type': upRes.headers['content-type'] ?? 'application/json', 'cache-control': 'no-store' });
        res.flushHeaders();
        upRes.pipe(res);
      });
      up.on('error', (err) => {
        if (!res.headersSent) status(res, 502, 'ServiceUnavailable', `dashboard: cannot reach the API server ${access.server}: ${err.message}`);
        else res.destroy();
      });
      // A closed page ends its watches and log streams upstream too.
      res.on('close', () => up.destroy());
      up.end();
      return;
    }
    const token = url.searchParams.get('token');
    if (url.pathname === '/' && token !== null) {
      const login = sessions.login(token);
      if (!login.ok) return send(res, 401, 'text/plain; charset=utf-8', `k1s dashboard: ${login.reason}\n`);
      // The browser keeps the #fragment across this redirect, so `URL#/namespaces/NS/pods/NAME` lands on the pod.
      res.writeHead(302, { location: '/', 'set-cookie': login.cookie, 'cache-control': 'no-store' });
      return res.end();
    }
    const asset = ASSETS[url.pathname];
    if (req.method !== 'GET' || !asset) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    send(res, 200, TYPES[asset.split('.').pop()!] ?? 'application/octet-stream', readFileSync(join(assetsDir, asset), 'utf8'));
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').replace(/^\/k8s/, '');
    const refuse = (code: number, text: string): void => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (!sameOrigin(req, port) || req.headers.origin === undefined) return refuse(403, 'Forbidden');
    if (!sessions.authenticated(req)) return refuse(401, 'Unauthorized');
    if (!(req.url ?? '').startsWith('/k8s/') || !EXEC_PATH.test(path)) return refuse(403, 'Forbidden');
    const headers: http.OutgoingHttpHeaders = {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': req.headers['sec-websocket-version'] ?? '13',
      'sec-websocket-key': req.headers['sec-websocket-key'] ?? '',
      ...(req.headers['sec-websocket-protocol'] ? { 'sec-websocket-protocol': req.headers['sec-websocket-protocol'] } : {}),
    };
    const up = request(access, upstreamOptions(access, 'GET', path, headers));
    up.on('upgrade', (upRes, upSocket, upHead) => {
      const lines = [`HTTP/1.1 101 Switching Protocols`];
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) lines.push(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.pipe(socket);
      socket.pipe(upSocket);
      const end = (): void => {
        upSocket.destroy();
        socket.destroy();
      };
      upSocket.on('error', end).on('close', end);
      socket.on('error', end).on('close', end);
    });
    up.on('response', (upRes) => {
      upRes.resume();
      refuse(upRes.statusCode ?? 502, upRes.statusMessage ?? 'Bad Gateway');
    });
    up.on('error', () => refuse(502, 'Bad Gateway'));
    socket.on('error', () => up.destroy());
    up.end();
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/?token=${sessions.token}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

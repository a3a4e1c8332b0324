// The kubelet's HTTPS API (pkg/kubelet/server/server.go): /containerLogs, /exec and /attach (WebSocket or SPDY/3.1), /portForward, /metrics/resource, /healthz.

import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { realClock, type Clock } from '../../api/clock.js';
import type { Pod } from '../../api/types.js';
import type { CriContainer, RuntimeService } from '../../cri/types.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../container/labels.js';
import { RESOURCE_METRICS_CONTENT_TYPE } from '../stats/resource-metrics.js';
import { parseLogQuery } from './cri-log.js';
import { containerLogStatusError } from './log-status.js';
import { streamLogFile } from './log-stream.js';
import { PortForwardError, servePortForward } from './port-forward.js';
import { negotiateProtocol } from './remote-command.js';
import { acceptSpdy, isSpdyUpgrade, negotiateSpdyProtocol, SPDY_STREAM_PROTOCOLS } from './spdy-remote-command.js';
import { parseExecQuery, runStreamSession, type ExecParams, type StreamKind } from './stream-session.js';
import { acceptWebSocket } from './websocket-streams.js';

/** Options of {@link startKubeletServer}. */
export interface KubeletServerOptions {
  host: string;
  /** 0 = pick a free port. */
  port: number;
  /**
   * More addresses served on the same port (the node IP when it is not `host`; upstream's kubelet listens on
   * `--address`, 0.0.0.0, and the API server reaches it at the node's InternalIP). Listening fails as `host` does.
   */
  alsoHosts?: string[];
  /** When set, HTTPS requiring a client certificate signed by `caPem`; otherwise plain HTTP (tests). */
  tls?: { certPem: string | Buffer; keyPem: string | Buffer; caPem: string | Buffer };
  runtime: RuntimeService;
  /** The pod bound to this node with that namespace/name, if any. */
  getPod(namespace: string, name: string): Pod | undefined;
  /** The body of `/metrics/resource` (stats/resource-metrics.ts); absent = 404 there. */
  resourceMetrics?: () => Promise<string>;
  /** Clock of log requests: `sinceSeconds` is counted back from its now, follow polls on it (default the wall clock). */
  clock?: Clock;
  log?: (msg: string) => void;
}

/** A running kubelet server. */
export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Container instances of `name` in pod `uid`, newest first. */
async function instances(runtime: RuntimeService, uid: string, name: string): Promise<CriContainer[]> {
  const list = await runtime.listContainers({ labelSelector: { [POD_UID_LABEL]: uid, [CONTAINER_NAME_LABEL]: name } });
  return list.sort((a, b) => b.createdAt - a.createdAt);
}

function resolvePod(opts: KubeletServerOptions, ns: string, podName: string, container: string): Pod {
  const pod = opts.getPod(ns, podName);
  if (!pod) throw new HttpError(404, `pod "${podName}" cannot be found - no logs available`);
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === container)) throw new HttpError(400, `container ${container} is not valid for pod ${podName}`);
  return pod;
}

async function handleLogs(opts: KubeletServerOptions, req: http.IncomingMessage, res: http.ServerResponse, parts: string[], query: URLSearchParams): Promise<void> {
  const [ns = '', podName = '', container = ''] = parts;
  const pod = resolvePod(opts, ns, podName, container);
  let logOpts;
  try {
    logOpts = parseLogQuery(query, (opts.clock ?? realClock).now());
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
  const notReady = containerLogStatusError(pod, container, logOpts.previous);
  if (notReady) throw new HttpError(400, notReady);
  const list = await instances(opts.runtime, pod.metadata.uid ?? '', container);
  const target = logOpts.previous ? list[1] : list[0];
  if (!target) {
    if (logOpts.previous) throw new HttpError(400, `previous terminated container "${container}" in pod "${podName}" not found`);
    const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])].find((s) => s.name === container)?.state?.waiting;
    throw new HttpError(400, `container "${container}" in pod "${podName}" is waiting to start: ${waiting?.reason || 'ContainerCreating'}`);
  }
  const status = await opts.runtime.containerStatus(target.id);
  const abort = new AbortController();
  req.on('close', () => abort.abort());
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  await streamLogFile(status.logPath, logOpts, res, {
    signal: abort.signal,
    ...(opts.clock ? { clock: opts.clock } : {}),
    isRunning: async () => {
      try {
        const s = await opts.runtime.containerStatus(target.id);
        return s.state === 'CONTAINER_RUNNING' || s.state === 'CONTAINER_CREATED';
      } catch {
        return false;
      }
    },
  });
  res.end();
}

async function runningInstance(opts: KubeletServerOptions, ns: string, podName: string, container: string): Promise<string> {
  const pod = opts.getPod(ns, podName);
  if (!pod) throw new HttpError(404, `pod ${podName} not found`);
  const list = await instances(opts.runtime, pod.metadata.uid ?? '', container);
  const running = list.find((c) => c.state === 'CONTAINER_RUNNING');
  if (!running) throw new HttpError(400, `container not found ("${container}")`);
  return running.id;
}

/**
 * exec/attach over SPDY/3.1: refuses before the upgrade (plain 4xx) when no offered protocol is served or
 * the container is not running, then relays the client's streams to the runtime.
 */
function spdyUpgrade(opts: KubeletServerOptions, req: http.IncomingMessage, socket: Duplex, head: Buffer, kind: StreamKind, target: SessionTarget, reject: (code: number, msg: string) => void): void {
  const log = opts.log ?? (() => {});
  const protocol = negotiateSpdyProtocol(req);
  if (protocol === undefined) return reject(403, `unable to upgrade: unable to negotiate protocol: client supports ${String(req.headers['x-stream-protocol-version'])}, server supports ${SPDY_STREAM_PROTOCOLS.join(', ')}`);
  runningInstance(opts, target.namespace, target.pod, target.container)
    .then(async (containerId) => {
      const streams = await acceptSpdy(socket, head, protocol, target.params);
      await runStreamSession(kind, streams, opts.runtime, containerId, target.params, log);
    }, (err: unknown) => reject(err instanceof HttpError ? err.code : 500, (err as Error).message))
    .catch((err: unknown) => {
      log(`${kind} ${target.namespace}/${target.pod}/${target.container} (spdy): ${(err as Error).message}`);
      socket.destroy();
    });
}

/** The container and options of one exec/attach request. */
interface SessionTarget {
  namespace: string;
  pod: string;
  container: string;
  params: ExecParams;
}

/**
 * Starts the kubelet server on `host:port`. HTTP errors are plain text with the kubelet's status codes;
 * WebSocket upgrades on /exec and /attach negotiate v5/v4/channel.k8s.io and are refused with a plain 4xx
 * before the upgrade when the pod or running container does not exist.
 */
export async function startKubeletServer(opts: KubeletServerOptions): Promise<KubeletServer> {
  const log = opts.log ?? (() => {});
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const fail = (err: unknown): void => {
      const code = err instanceof HttpError ? err.code : 500;
      if (!res.headersSent) {
        res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end((err as Error).message);
      } else res.destroy();
    };
    if (req.method === 'GET' && (parts[0] === 'healthz' || parts[0] === 'readyz')) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.method === 'GET' && parts[0] === 'metrics' && parts[1] === 'resource' && parts.length === 2 && opts.resourceMetrics) {
      opts.resourceMetrics().then((body) => {
        res.writeHead(200, { 'Content-Type': RESOURCE_METRICS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      }, fail);
      return;
    }
    if (req.method === 'GET' && parts[0] === 'containerLogs' && parts.length === 4) {
      handleLogs(opts, req, res, parts.slice(1), url.searchParams).catch(fail);
      return;
    }
    if (parts[0] === 'exec' || parts[0] === 'attach' || parts[0] === 'portForward') {
      fail(new HttpError(400, 'Upgrade request required'));
      return;
    }
    fail(new HttpError(404, '404 page not found'));
  };

  const tls = opts.tls;
  const makeServer = (): http.Server =>
    tls ? https.createServer({ cert: tls.certPem, key: tls.keyPem, ca: tls.caPem, requestCert: true, rejectUnauthorized: true }, onRequest) : http.createServer(onRequest);
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => negotiateProtocol(protocols) ?? false,
  });

  // Upgraded connections leave the HTTP server's bookkeeping: tracked here so close() ends them (a kubectl
  // port-forward can hold one for hours).
  const upgraded = new Set<Duplex>();
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const reject = (code: number, msg: string): void => {
      socket.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(msg)}\r\nConnection: close\r\n\r\n${msg}`);
    };
    if (parts[0] === 'portForward' && (parts.length === 3 || parts.length === 4)) {
      servePortForward(opts, req, socket, head, parts.slice(1), url.searchParams).catch((err: unknown) => {
        log(`portForward ${parts[1] ?? ''}/${parts[2] ?? ''}: ${(err as Error).message}`);
        reject(err instanceof PortForwardError ? err.code : 500, (err as Error).message);
      });
      return;
    }
    if ((parts[0] !== 'exec' && parts[0] !== 'attach') || parts.length !== 4) return reject(404, '404 page not found');
    const kind: StreamKind = parts[0];
    const [, namespace = '', pod = '', container = ''] = parts;
    let params: ExecParams;
    try {
      params = parseExecQuery(url.searchParams);
    } catch (err) {
      return reject(400, (err as Error).message);
    }
    const target = { namespace, pod, container, params };
    if (isSpdyUpgrade(req)) return spdyUpgrade(opts, req, socket, head, kind, target, reject);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',');
    const protocol = negotiateProtocol(offered);
    if (protocol === undefined) return reject(400, `unable to upgrade: no supported protocol among ${offered.join(', ')}`);
    runningInstance(opts, namespace, pod, container).then(
      (containerId) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          void runStreamSession(kind, acceptWebSocket(ws, protocol, params), opts.runtime, containerId, params, log);
        });
      },
      (err: unknown) => reject(err instanceof HttpError ? err.code : 500, (err as Error).message),
    );
  };

  const listen = (server: http.Server, port: number, host: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  const closeServer = (server: http.Server): Promise<void> =>
    new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
  const servers: http.Server[] = [];
  const closeAll = async (): Promise<void> => {
    for (const c of wss.clients) c.terminate();
    for (const s of upgraded) s.destroy();
    await Promise.all(servers.map(closeServer));
  };
  const primary = makeServer();
  primary.on('upgrade', onUpgrade);
  await listen(primary, opts.port, opts.host);
  servers.push(primary);
  const port = (primary.address() as AddressInfo).port;
  try {
    for (const host of new Set(opts.alsoHosts ?? [])) {
      if (host === opts.host) continue;
      const extra = makeServer();
      extra.on('upgrade', onUpgrade);
      await listen(extra, port, host);
      servers.push(extra);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return { port, close: closeAll };
}

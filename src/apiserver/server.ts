/**
 * The API server process: an HTTPS listener with client-certificate authentication that routes requests to
 * discovery, OpenAPI, health, version and the resource handler, and upgrade requests to the kubelet proxy.
 *
 * Mirrors kube-apiserver's handler chain (`k8s.io/apiserver/pkg/server/config.go` DefaultBuildHandlerChain):
 * authentication (x509 client certs verified by the cluster CA, ServiceAccount bearer tokens; anonymous only for
 * health and version), impersonation, authorization (access.ts), then routing; every failure is written as a
 * meta/v1 Status, never as a crash.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { badRequest, methodNotSupported } from '../api/errors.js';
import { queryBool } from '../api/query.js';
import { KUBERNETES_VERSION } from '../api/version.js';
import type { ReadOnlyResource } from '../registry/read-only.js';
import type { Strategy } from '../registry/strategy.js';
import type { Store } from '../storage/store.js';
import { setUpAccess, type AccessOptions } from './access.js';
import { bootstrapNamespaces, recreateSystemNamespace } from './bootstrap.js';
import { aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, DISCOVERY_V2_CONTENT_TYPE, DISCOVERY_V2BETA1_CONTENT_TYPE, wantsAggregated } from './discovery.js';
import { parseAccept, sendError, sendJson, sentErrorMessage, toStatusError } from './http.js';
import { serveOpenAPIV2, serveOpenAPIV3 } from './openapi/index.js';
import { defaultPatchOps, type PatchOps } from './patch-adapter.js';
import { KubeletProxy, type KubeletClientTls } from './pod-proxy.js';
import { ReadOnlyResources } from './read-only-handler.js';
import { tunnelingSpdyProtocols } from './stream-tunnel.js';
import { isWebSocketRequest } from './wsstream.js';
import { handleResource, notFoundPath, type HandlerContext } from './resource-handler.js';
import { Resources } from './resources.js';
import { parseRequestInfo, type RequestInfo } from './routing.js';

/** Options of `startApiServer`; the access options (tokens, authorization mode, admission) are access.ts's. */
export interface ApiServerOptions extends AccessOptions {
  store: Store;
  strategies: Strategy[];
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Serving certificate and the CA that verifies client certificates. */
  tls: { caPem: string; certPem: string; keyPem: string };
  /** The API server's client identity towards kubelets (logs, exec, attach). */
  kubeletClient: KubeletClientTls;
  /** Injected clock (timestamps, ages); default `() => new Date()`. */
  clock?: () => Date;
  /** `gitVersion` reported by /version; default KUBERNETES_VERSION (src/api/version.ts). */
  gitVersion?: string;
  /** Patch and strict-decoding implementations; default the real modules. */
  patchOps?: PatchOps;
  /**
   * Resources served from a component's memory (registry/read-only.ts; metrics.k8s.io), in discovery and
   * answering get and list from the first request on, as kube-aggregator serves a registered APIService's
   * group (the component answers 503 until it is ready). Throws when one is also a stored kind.
   */
  readOnly?: ReadOnlyResource[];
  /**
   * Called once for every answer with a 5xx code, with the request line and the Status message, e.g.
   * `GET /api/v1/pods 500: etcdserver: request timed out` (kube-apiserver logs these too); default: not logged.
   */
  onServerError?: (line: string) => void;
}

/** A running API server. */
export interface ApiServer {
  port: number;
  /**
   * Serves the same API on one more address (the pod bridge's gateway, where pods reach the `kubernetes` Service's
   * endpoint), taking only connections whose peer address `allow` accepts (others are closed at once). Resolves
   * once listening; close() stops it too. Throws (rejects) when the address cannot be bound.
   */
  listenAlso(host: string, port: number, allow: (remoteAddress: string) => boolean): Promise<void>;
  /** Stops listening, ends open connections (watches, streams) and resolves when closed. */
  close(): Promise<void>;
}

function versionInfo(gitVersion: string): unknown {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '32',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/** Writes a JSON body with an ETag, answering 304 when If-None-Match matches (discovery documents). */
function sendCached(req: IncomingMessage, res: ServerResponse, body: unknown, contentType: string): void {
  const text = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag, Vary: 'Accept' });
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ETag: etag, Vary: 'Accept' });
  res.end(text);
}

/** Starts the API server: bootstraps system namespaces, then listens. Resolves once listening. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const clock = options.clock ?? (() => new Date());
  const patch = options.patchOps ?? defaultPatchOps;
  const resources: Resources = new Resources(options.strategies, {
    store: options.store,
    clock,
    patch,
    onRemoved: (obj) => recreateSystemNamespace(resources, obj),
  });
  const storedInfos = options.strategies.map((s) => s.info);
  const readOnly = new ReadOnlyResources();
  readOnly.install(options.readOnly ?? [], (g, v, r) => resources.lookup(g, v, r) !== undefined);
  /** Discovery's view: stored kinds, then the read-only ones (OpenAPI documents only the stored kinds). */
  const infos = [...storedInfos, ...readOnly.all().map((r) => r.info)];
  const gitVersion = options.gitVersion ?? KUBERNETES_VERSION;
  const nodes = resources.lookup('', 'v1', 'nodes');
  const kubelet = new KubeletProxy(options.kubeletClient, async (name) => (nodes ? nodes.get('', name).catch(() => undefined) : undefined));
  await bootstrapNamespaces(resources);
  const access = await setUpAccess(resources, options, clock);
  const ctx: HandlerContext = { resources, patch, clock, kubelet, readOnly, review: access.review, ...(access.admit ? { admit: access.admit } : {}), ...(access.validate ? { validate: access.validate } : {}), ...(access.admitsUpdatesOf ? { admitsUpdatesOf: access.admitsUpdatesOf } : {}) };

  let address = '';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname;
    const watchParam = queryBool(url.searchParams, 'watch');
    const info = parseRequestInfo(req.method ?? 'GET', path, watchParam);
    await access.admitRequest(req, url, info);
    if (req.method === 'GET' && access.serveDiscovery(path, res, address)) return;
    if (info.kind !== 'resource' && req.method !== 'GET' && req.method !== 'HEAD') {
      if (info.kind === 'unknown') throw notFoundPath();
      throw methodNotSupported();
    }
    await route(req, res, info, url);
  };

  const route = async (req: IncomingMessage, res: ServerResponse, info: RequestInfo, url: URL): Promise<void> => {
    const accept = parseAccept(req.headers.accept);
    switch (info.kind) {
      case 'resource':
        return handleResource(req, res, info, url, ctx);
      case 'version': {
        // WriteRawJSON: kube-apiserver indents /version (json.MarshalIndent with two spaces).
        const text = JSON.stringify(versionInfo(gitVersion), null, 2);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      case 'health':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        res.end('ok');
        return;
      case 'api-versions':
      case 'group-list': {
        const core = info.kind === 'api-versions';
        const agg = wantsAggregated(accept);
        if (agg) {
          const ct = agg === 'v2' ? DISCOVERY_V2_CONTENT_TYPE : DISCOVERY_V2BETA1_CONTENT_TYPE;
          return sendCached(req, res, aggregatedDiscovery(infos, core, agg), ct);
        }
        return sendCached(req, res, core ? apiVersions(address) : apiGroupList(infos), 'application/json');
      }
      case 'group': {
        const doc = apiGroupDoc(infos, info.group);
        if (!doc) throw notFoundPath();
        return sendCached(req, res, doc, 'application/json');
      }
      case 'resource-list': {
        const doc = apiResourceList(infos, info.group, info.version);
        if (!doc) throw notFoundPath();
        return sendCached(req, res, doc, 'application/json');
      }
      case 'openapi': {
        if (url.pathname === '/openapi/v2') {
          // Exact path, as kube-apiserver registers it (`/openapi/v2/` is 404).
          const r = serveOpenAPIV2(storedInfos, {
            accept: req.headers.accept,
            ifNoneMatch: req.headers['if-none-match'],
            ifModifiedSince: req.headers['if-modified-since'],
            acceptEncoding: req.headers['accept-encoding'],
          });
          res.writeHead(r.status, r.headers);
          res.end(req.method === 'HEAD' ? undefined : r.body);
          return;
        }
        const r = serveOpenAPIV3(info.path, url.searchParams.get('hash'), storedInfos, req.headers['if-none-match']);
        if (!r) throw notFoundPath();
        res.writeHead(r.status, r.headers);
        res.end(r.body);
        return;
      }
      case 'unknown':
        throw notFoundPath();
    }
  };

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, false);
    await access.admitRequest(req, url, info);
    if (info.kind !== 'resource' || !info.name || !info.subresource) throw notFoundPath();
    const gs = resources.lookup(info.group, info.version, info.resource);
    const handlers = gs?.strategy.subresources ?? {};
    if (!gs || !Object.values(handlers).some((h) => h.kind === 'connect')) throw notFoundPath();
    const handler = handlers[info.subresource];
    const wsStream = handler?.kind === 'connect' && !handler.upgradeRequired && req.method === 'GET' && isWebSocketRequest(req);
    if (handler?.kind !== 'connect' || (!handler.upgradeRequired && !wsStream)) throw badRequest('Upgrade request required');
    const obj = await gs.get(info.namespace, info.name);
    const loc = handler.location(obj, url.searchParams);
    const tunneled = handler.tunnelsSpdyOverWebSocket && isWebSocketRequest(req) ? tunnelingSpdyProtocols(req) : [];
    if (!handler.upgradeRequired) await kubelet.streamWebSocket(req, socket, head, loc);
    else if (!loc) throw badRequest(`${info.resource} ${info.name} has no location`);
    else if (tunneled.length) await kubelet.tunnel(req, socket, head, loc, tunneled);
    else await kubelet.upgrade(req, socket, head, loc);
  };

  const server: Server = createServer({
    ca: options.tls.caPem,
    cert: options.tls.certPem,
    key: options.tls.keyPem,
    requestCert: true,
    rejectUnauthorized: false,
    keepAlive: true,
  });
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (options.onServerError) {
      const report = options.onServerError;
      res.once('finish', () => {
        if (res.statusCode >= 500) report(`${req.method ?? ''} ${req.url ?? ''} ${res.statusCode}: ${sentErrorMessage(res) ?? ''}`);
      });
    }
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      req.resume();
      sendError(res, err);
    });
  });
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    onUpgrade(req, socket, head).catch((err: unknown) => {
      const st = toStatusError(err).status;
      const body = JSON.stringify(st);
      if (socket.writable) {
        socket.end(`HTTP/1.1 ${st.code} ${st.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
    });
  });
  server.on('tlsClientError', () => undefined);
  // As Node's default: answer only a connection that has been sent nothing yet; an idle keep-alive
  // connection that times out is closed without a word (a late 400 there reaches clients as an
  // "unsolicited response on idle HTTP channel").
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number }) => {
    if (socket.writable && (socket.bytesWritten ?? 0) === 0) {
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    } else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `${options.host ?? '127.0.0.1'}:${port}`;
  const extra: NetServer[] = [];
  return {
    port,
    async listenAlso(host, extraPort, allow) {
      const relay = createNetServer((socket) => {
        if (!allow(socket.remoteAddress ?? '')) {
          socket.destroy();
          return;
        }
        server.emit('connection', socket);
      });
      await new Promise<void>((resolve, reject) => {
        relay.once('error', reject);
        relay.listen(extraPort, host, () => {
          relay.off('error', reject);
          resolve();
        });
      });
      extra.push(relay);
    },
    close: () =>
      new Promise<void>((resolve) => {
        access.stop();
        for (const r of extra) r.close();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of upgraded) s.destroy();
      }),
  };
}

/**
 * The API server's HTTP proxy of pods/proxy and services/proxy: passes one request (method, path after `proxy`,
 * query, headers and body) on to the location the registry chose and streams the answer back.
 *
 * Mirrors kube-apiserver `pkg/registry/core/{pod,service}/rest` ProxyREST with apimachinery's
 * `proxy.UpgradeAwareHandler` for plain requests: the location's path joined with the request's (a trailing slash
 * kept, `net.JoinPreservingTrailingSlash`), hop-by-hop headers and the client's credentials not passed on, an
 * unreachable backend answered 503 `error trying to reach service: ...` (`proxy.ErrorResponder`). Upgrades
 * (WebSocket through the proxy) are not served.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { serviceUnavailable } from '../api/errors.js';
import type { ProxyLocation } from '../registry/strategy.js';

/** Request headers never passed on: hop-by-hop ones (RFC 9110 §7.6.1) and the client's credentials. */
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'host']);

/** `scheme:name:port` split as `utilnet.SplitSchemeNamePort`; undefined when malformed. */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0] ?? '';
  else if (parts.length === 2) [name = '', port = ''] = parts;
  else if (parts.length === 3) [scheme = '', name = '', port = ''] = parts;
  else return undefined;
  if (name === '' || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme, name, port };
}

/** The target URL of a proxied request: location + path (trailing slash kept) + raw query. */
export function proxyTarget(loc: ProxyLocation, path: string, rawQuery: string): string {
  const host = isIP(loc.host) === 6 ? `[${loc.host}]` : loc.host;
  const origin = `${loc.scheme}://${host}${loc.port !== undefined ? `:${loc.port}` : ''}`;
  return `${origin}${path === '' ? '/' : path}${rawQuery ? `?${rawQuery}` : ''}`;
}

/**
 * Passes `req` on to `loc` and pipes the answer into `res`. Resolves when the answer is complete; a connection
 * failure before any answer becomes a 503 StatusError (thrown, for the caller to write).
 */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, loc: ProxyLocation, path: string, rawQuery: string): Promise<void> {
  const target = new URL(proxyTarget(loc, path, rawQuery));
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROPPED.has(k)) headers[k] = v;
  headers['host'] = target.host;
  const forwarded = req.socket.remoteAddress?.replace(/^::ffff:/, '');
  if (forwarded) headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], forwarded].filter(Boolean).join(', ');
  const send = loc.scheme === 'https' ? httpsRequest : httpRequest;
  return new Promise<void>((resolve, reject) => {
    const upstream = send(
      target,
      { method: req.method ?? 'GET', headers, ...(loc.scheme === 'https' ? { rejectUnauthorized: false } : {}) },
      (answer) => {
        const out: OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && k !== 'connection' && k !== 'keep-alive' && k !== 'transfer-encoding') out[k] = v;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', () => resolve());
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      },
    );
    upstream.setTimeout(30_000, () => upstream.destroy(new Error('timeout awaiting response headers')));
    upstream.on('error', (err) => {
      if (res.headersSent) {
        res.destroy();
        resolve();
      } else reject(serviceUnavailable(`error trying to reach service: ${err.message}`));
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
}

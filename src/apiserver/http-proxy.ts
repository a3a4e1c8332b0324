/**
 * The API server's HTTP proxy of pods/proxy and services/proxy: passes one request (method, path after `proxy`,
 * query, headers and body) on to the location the registry chose and streams the answer back.
 *
 * Mirrors kube-apiserver `pkg/registry/core/{pod,service}/rest` ProxyREST with apimachinery's
 * `proxy.UpgradeAwareHandler` for plain requests: the location's path joined with the request's (a trailing slash
 * kept, `net.JoinPreservingTrailingSlash`), hop-by-hop headers and the client's credentials not passed on, an
 * unreachable backend answered 503 `error trying to reach service: ...` (`proxy.ErrorResponder`), and the links of
 * HTML answers and redirects rewritten to go through the proxy (`proxy.Transport`, proxy-rewrite.ts). Upgrades
 * (WebSocket through the proxy) are not served.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { serviceUnavailable } from '../api/errors.js';
import type { ProxyLocation } from '../registry/strategy.js';
import { rewriteHtml, rewriteLink } from './proxy-rewrite.js';

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

/** Answers larger than this are passed through without link rewriting (bytes). */
const MAX_REWRITTEN_BYTES = 16 << 20;

/** Reads a whole answer body (up to `limit` bytes; undefined beyond it, with the bytes read so far). */
function readAll(answer: IncomingMessage, limit: number): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    answer.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
    });
    answer.on('end', () => resolve({ body: Buffer.concat(chunks), complete: size <= limit }));
    answer.on('error', reject);
  });
}

/**
 * Passes `req` on to `loc` and pipes the answer into `res`; `pathPrepend` is the request's path up to and with
 * `/proxy`, under which rewritten links point. Resolves when the answer is complete; a connection failure before
 * any answer becomes a 503 StatusError (thrown, for the caller to write).
 */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, loc: ProxyLocation, path: string, rawQuery: string, pathPrepend: string): Promise<void> {
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
        const requestHost = req.headers.host ?? '';
        const location = answer.headers.location;
        if (location) out['location'] = rewriteLink(location, pathPrepend, target.host, requestHost);
        const mediaType = (answer.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        const encoding = answer.headers['content-encoding'] ?? '';
        if (!location && mediaType === 'text/html' && (encoding === '' || encoding === 'gzip')) {
          // transport.go rewriteResponse: the page is read whole, its links rewritten, sent uncompressed.
          readAll(answer, MAX_REWRITTEN_BYTES).then(
            ({ body, complete }) => {
              let data = body;
              if (complete) {
                const html = (encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8');
                data = Buffer.from(rewriteHtml(html, pathPrepend, target.host, requestHost), 'utf8');
                delete out['content-encoding'];
              }
              out['content-length'] = String(data.length);
              res.writeHead(answer.statusCode ?? 502, out);
              res.end(data, () => resolve());
            },
            () => {
              res.destroy();
              resolve();
            },
          );
          return;
        }
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

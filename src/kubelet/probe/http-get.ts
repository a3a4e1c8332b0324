// The port resolution and HTTP GET that probes and lifecycle hooks share (pkg/probe/util.go, pkg/probe/http/request.go).

import * as http from 'node:http';
import * as https from 'node:https';
import type { Container, HTTPGetAction, IntOrString } from '../../api/types.js';

/**
 * The port of an httpGet or tcpSocket action (`probe.ResolveContainerPort`): a number as is, a name as the
 * container's port of that name, a numeric string as its number. Throws `couldn't find port: web in [...]`
 * when a name matches none of `container.ports`.
 */
export function resolveContainerPort(port: IntOrString, container: Container): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (named) return named.containerPort;
  const n = Number.parseInt(port, 10);
  if (!Number.isFinite(n)) throw new Error(`couldn't find port: ${port} in ${JSON.stringify(container.ports ?? [])}`);
  return n;
}

/** One resolved HTTP GET: where it goes and with which headers. */
export interface HTTPGetRequest {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
}

/**
 * Resolves `action` for `container` of a pod at `podIP` (`NewRequestForHTTPGetAction`): host defaults to the pod
 * IP, path to `/`, scheme to HTTP; the action's headers override `defaultHeaders` (e.g. a probe's User-Agent).
 * Throws as {@link resolveContainerPort}.
 */
export function httpGetRequest(action: HTTPGetAction, container: Container, podIP: string, defaultHeaders: Record<string, string> = {}): HTTPGetRequest {
  const headers = { ...defaultHeaders };
  for (const h of action.httpHeaders ?? []) headers[h.name] = h.value;
  return {
    scheme: action.scheme === 'HTTPS' ? 'https' : 'http',
    host: action.host || podIP,
    port: resolveContainerPort(action.port, container),
    path: action.path || '/',
    headers,
  };
}

/** `http://host:port/path`, as Go's client quotes the URL in its errors. */
export function requestURL(r: HTTPGetRequest): string {
  return `${r.scheme}://${r.host}:${r.port}${r.path}`;
}

/** Options of {@link doHTTPGet}. */
export interface HTTPGetOptions {
  /** Socket idle timeout, ms; on expiry the request fails with `timeoutMessage`. */
  timeoutMs: number;
  timeoutMessage: string;
  /** Resolve once the response body has ended (hooks) rather than when the status line arrived (probes). */
  untilBodyEnd: boolean;
}

/**
 * Sends the GET (HTTPS without verifying the server's certificate, as the kubelet does) and resolves with the
 * status code; the body is read and dropped. Rejects with the connection or timeout error.
 */
export function doHTTPGet(r: HTTPGetRequest, opts: HTTPGetOptions): Promise<number> {
  const client = r.scheme === 'https' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      { host: r.host, port: r.port, path: r.path, method: 'GET', headers: r.headers, timeout: opts.timeoutMs, rejectUnauthorized: false },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        if (opts.untilBodyEnd) res.on('end', () => resolve(code));
        else resolve(code);
      },
    );
    req.on('timeout', () => req.destroy(new Error(opts.timeoutMessage)));
    req.on('error', reject);
    req.end();
  });
}

// An ApiClient over node:https (client-go's REST client role): JSON in/out, Status errors, streaming watch and GET.

import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { statusErrorFromResponse } from '../api/errors.js';
import type { DeleteOptions, KubeList, KubeObject, WatchEvent } from '../api/types.js';
import type { ApiClient, PatchType, Query } from './types.js';

export { statusErrorFromResponse } from '../api/errors.js';

/** Options of {@link createApiClient}. `server` is `https://host:port` (or `http://` for tests). */
export interface ApiClientOptions {
  server: string;
  caPem?: string | Buffer;
  certPem?: string | Buffer;
  keyPem?: string | Buffer;
  /** Bearer token, sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  userAgent?: string;
}

/** An ApiClient that can also stream a GET body (pod logs). */
export interface RestClient extends ApiClient {
  /**
   * GET `path` and return the response stream once the status is known.
   * Throws StatusError when the server answers ≥ 400.
   */
  streamGet(path: string, query?: Query, signal?: AbortSignal): Promise<IncomingMessage>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** Encodes `query` as `?a=b&c=d`, skipping undefined values. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/**
 * Creates an ApiClient for `options.server` with a keep-alive agent and client-certificate auth.
 * Every method throws StatusError on an HTTP error status (decoded from the Status body) and rejects with the
 * transport error (ECONNREFUSED...) when the server is unreachable.
 */
export function createApiClient(options: ApiClientOptions): RestClient {
  const base = new URL(options.server);
  const secure = base.protocol === 'https:';
  const agentOptions: https.AgentOptions = { keepAlive: true, maxSockets: 64 };
  if (options.caPem !== undefined) agentOptions.ca = options.caPem;
  if (options.certPem !== undefined) agentOptions.cert = options.certPem;
  if (options.keyPem !== undefined) agentOptions.key = options.keyPem;
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true, maxSockets: 64 });
  const prefix = base.pathname.replace(/\/$/, '');

  function open(
    method: string,
    path: string,
    query: Query | undefined,
    body: unknown,
    contentType: string,
    signal?: AbortSignal,
  ): Promise<IncomingMessage> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.userAgent) headers['User-Agent'] = options.userAgent;
    if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
    let payload: Buffer | undefined;
    if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body));
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(payload.length);
    }
    const reqOptions: https.RequestOptions = {
      method,
      host: base.hostname,
      port: base.port || (secure ? 443 : 80),
      path: prefix + path + encodeQuery(query),
      headers,
      agent,
    };
    if (signal) reqOptions.signal = signal;
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(reqOptions, resolve);
      req.on('error', reject);
      req.end(payload);
    });
  }

  async function call<T>(method: string, path: string, query?: Query, body?: unknown, contentType = 'application/json'): Promise<T> {
    const res = await open(method, path, query, body, contentType);
    const text = await readAll(res);
    const code = res.statusCode ?? 0;
    if (code >= 400 || code === 0) throw statusErrorFromResponse(code, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async function* watch<T extends KubeObject>(path: string, query: Query, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    if (signal.aborted) return;
    let res: IncomingMessage;
    try {
      res = await open('GET', path, { ...query, watch: 'true' }, undefined, '', signal);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    if ((res.statusCode ?? 0) >= 400) throw statusErrorFromResponse(res.statusCode ?? 0, await readAll(res));
    res.setEncoding('utf8');
    let buf = '';
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
        }
      }
      const rest = buf.trim();
      if (rest) yield JSON.parse(rest) as WatchEvent<T>;
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    } finally {
      res.destroy();
    }
  }

  return {
    get: <T extends KubeObject>(path: string, query?: Query) => call<T>('GET', path, query),
    list: <T extends KubeObject>(path: string, query?: Query) => call<KubeList<T>>('GET', path, query),
    create: <T extends KubeObject>(path: string, body: unknown, query?: Query) => call<T>('POST', path, query, body),
    update: <T extends KubeObject>(path: string, body: unknown, query?: Query) => call<T>('PUT', path, query, body),
    patch: <T extends KubeObject>(path: string, body: unknown, type: PatchType, query?: Query) =>
      call<T>('PATCH', path, query, body, PATCH_TYPES[type]),
    delete: (path: string, deleteOptions?: DeleteOptions) =>
      call<unknown>('DELETE', path, undefined, deleteOptions ? { kind: 'DeleteOptions', apiVersion: 'v1', ...deleteOptions } : undefined),
    watch,
    async streamGet(path: string, query?: Query, signal?: AbortSignal): Promise<IncomingMessage> {
      const res = await open('GET', path, query, undefined, '', signal);
      if ((res.statusCode ?? 0) >= 400) throw statusErrorFromResponse(res.statusCode ?? 0, await readAll(res));
      return res;
    },
    close() {
      agent.destroy();
    },
  };
}

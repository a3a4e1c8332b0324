/**
 * HTTP plumbing of the API server: JSON and Status responses, bounded body reading, media type parsing.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/handlers/responsewriters` (Status bodies for every error) and
 * `handlers/rest.go` `limitedReadBody` (3 MiB request limit, 413 with kube's message).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { internalError, isStatusError, tooLarge, type StatusError } from '../api/errors.js';

/** kube-apiserver's `maxRequestBodyBytes` for JSON/YAML bodies (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Encodes a response body in a negotiated non-JSON media type, or returns undefined to send it as JSON. */
export type BodyEncoder = (body: unknown) => { contentType: string; data: Buffer } | undefined;

const bodyEncoders = new WeakMap<ServerResponse, BodyEncoder>();

/** Makes sendJson and sendError on `res` try `encoder` first (set by content negotiation, protobuf/negotiate.ts). */
export function setBodyEncoder(res: ServerResponse, encoder: BodyEncoder): void {
  bodyEncoders.set(res, encoder);
}

/**
 * Writes `body` as JSON with `code`; `contentType` defaults to application/json. When negotiation set a body
 * encoder on `res` (setBodyEncoder) and it can encode `body`, that encoding is written instead.
 */
export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  if (res.headersSent || res.writableEnded) {
    res.end();
    return;
  }
  const encoded = bodyEncoders.get(res)?.(body);
  if (encoded) {
    res.writeHead(code, { 'Content-Type': encoded.contentType, 'Content-Length': encoded.data.length });
    res.end(encoded.data);
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Turns any thrown value into a StatusError (unknown errors become 500 InternalError). */
export function toStatusError(err: unknown): StatusError {
  if (isStatusError(err)) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return internalError(msg, err);
}

/** The Status message each error response was sent with (for the server's log of 5xx answers). */
const sentMessages = new WeakMap<ServerResponse, string>();

/** Writes an error as a meta/v1 Status body with its code. */
export function sendError(res: ServerResponse, err: unknown): void {
  const se = toStatusError(err);
  sentMessages.set(res, se.status.message ?? '');
  sendJson(res, se.status.code, se.status);
}

/** The message of the Status {@link sendError} answered `res` with, if it did. */
export function sentErrorMessage(res: ServerResponse): string | undefined {
  return sentMessages.get(res);
}

/**
 * Reads the request body up to `limit` bytes; throws 413 `Request entity too large: limit is 3145728`
 * when larger (and stops reading).
 */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw tooLarge(`Request entity too large: limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(`Request entity too large: limit is ${limit}`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** One media range of an Accept or Content-Type header: `application/json;as=Table;v=v1;g=meta.k8s.io`. */
export interface MediaType {
  type: string;
  params: Record<string, string>;
}

/** Parses a Content-Type or one Accept entry (case-insensitive type, parameters kept). */
export function parseMediaType(value: string): MediaType {
  const [type = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i < 0) continue;
    params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"|"$/g, '');
  }
  return { type: type.trim().toLowerCase(), params };
}

/** Parses an Accept header into its media ranges, in the order given (kube ignores q-values in practice). */
export function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return [];
  return header.split(',').map((s) => parseMediaType(s)).filter((m) => m.type !== '');
}

/** URL query helper: a parameter's value or undefined. */
export function queryParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  return v === null ? undefined : v;
}

export { queryBool } from '../api/query.js';

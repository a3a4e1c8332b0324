/**
 * GET /openapi/v2: the Swagger 2.0 document of every served kind, as JSON or as gnostic protobuf.
 *
 * The document is derived from the OpenAPI v3 documents (v3.ts), so both versions publish one schema: the union
 * of their `components.schemas` becomes `definitions`, of their `paths` the v2 `paths` (swagger.ts converts).
 * Serving mirrors kube-openapi `pkg/handler/handler.go`, which kube-apiserver registers at /openapi/v2: the
 * Accept header picks `application/json` or the protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`
 * as client-go's `OpenAPISchema()` sends, or the `…spec.v2.v1.0+protobuf` spelling; both answer with the
 * latter), `*∕*` or no Accept means JSON, anything else is 406; the ETag is the quoted upper-case hex SHA-512
 * of the JSON for both encodings (`Vary: Accept`), and `If-None-Match` / `If-Modified-Since` answer 304 as Go's
 * `http.ServeContent` does; bodies are gzipped when the client accepts it (gziphandler, above 1400 bytes).
 * kubectl 1.27/1.28 download it before create, apply and explain (kubectl `util/openapi`, `validation`).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ResourceInfo } from '../../registry/strategy.js';
import type { Json } from './components.js';
import { toSwaggerDefinitions, toSwaggerPaths } from './swagger.js';
import { encodeOpenAPIV2 } from './v2-proto.js';
import { openapiV3Object, openapiV3Paths } from './v3.js';

/** Media type of the gnostic protobuf document that kube-openapi answers with. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** The older spelling client-go's discovery client sends in Accept (served as OPENAPI_V2_PROTOBUF). */
export const OPENAPI_V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** The v2 document in both encodings, with its ETag (quoted SHA-512 of the JSON) and build time. */
export interface OpenAPIV2Document {
  json: Buffer;
  proto: Buffer;
  etag: string;
  lastModified: Date;
}

const cache = new Map<string, OpenAPIV2Document>();

/**
 * The Swagger 2.0 document for `resources` as a JSON object: `swagger: "2.0"`, `info`, `paths`,
 * `definitions` (sorted by name), and the bearer-token `securityDefinitions`/`security` kube-apiserver
 * declares.
 */
export function openapiV2Object(resources: ResourceInfo[]): Json {
  const schemas: Record<string, Json> = {};
  const paths: Record<string, Json> = {};
  let info: unknown = { title: 'Kubernetes', version: 'v1.32.0' };
  for (const p of openapiV3Paths(resources)) {
    const v3 = openapiV3Object(p, resources);
    if (!v3) continue;
    info = v3['info'] ?? info;
    const components = v3['components'] as { schemas?: Record<string, Json> } | undefined;
    Object.assign(schemas, components?.schemas ?? {});
    Object.assign(paths, (v3['paths'] ?? {}) as Record<string, Json>);
  }
  const sorted = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    definitions: sorted(toSwaggerDefinitions(schemas)),
    info,
    paths: sorted(toSwaggerPaths(paths)),
    security: [{ BearerToken: [] }],
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    swagger: '2.0',
  };
}

/** The rendered document for `resources`, built once per distinct resource list. Throws if it is not valid Swagger 2.0. */
export function openapiV2Document(resources: ResourceInfo[], now: () => Date = () => new Date()): OpenAPIV2Document {
  const key = JSON.stringify(resources);
  const hit = cache.get(key);
  if (hit) return hit;
  const obj = openapiV2Object(resources);
  const json = Buffer.from(JSON.stringify(obj));
  const proto = Buffer.from(encodeOpenAPIV2(obj));
  const etag = `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"`;
  const doc = { json, proto, etag, lastModified: new Date(Math.floor(now().getTime() / 1000) * 1000) };
  if (cache.size > 16) cache.clear();
  cache.set(key, doc);
  return doc;
}

interface Clause {
  type: string;
  subtype: string;
  q: number;
  index: number;
}

/** Accept clauses sorted as goautoneg `ParseAccept` sorts them: by q, then specific before wildcard. */
function acceptClauses(header: string | undefined): Clause[] {
  const text = header && header.trim() !== '' ? header : '*/*';
  const out: Clause[] = [];
  text.split(',').forEach((part, index) => {
    const [range = '', ...params] = part.split(';');
    const [type = '', subtype = ''] = range.trim().toLowerCase().split('/');
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k?.trim() === 'q' && v !== undefined) q = Number.parseFloat(v) || 0;
    }
    if (type) out.push({ type, subtype: subtype || '*', q, index });
  });
  const rank = (c: Clause): number => (c.type === '*' ? 2 : c.subtype === '*' ? 1 : 0);
  return out.sort((a, b) => b.q - a.q || rank(a) - rank(b) || a.index - b.index);
}

const OFFERS: { subtype: string; contentType: string; proto: boolean }[] = [
  { subtype: 'json', contentType: 'application/json', proto: false },
  { subtype: OPENAPI_V2_PROTOBUF_DEPRECATED.slice('application/'.length), contentType: OPENAPI_V2_PROTOBUF, proto: true },
  { subtype: OPENAPI_V2_PROTOBUF.slice('application/'.length), contentType: OPENAPI_V2_PROTOBUF, proto: true },
];

/** Which encoding an Accept header gets (the first clause, in goautoneg order, that an offer matches), or undefined (406). */
export function negotiateOpenAPIV2(accept: string | undefined): { contentType: string; proto: boolean } | undefined {
  for (const c of acceptClauses(accept)) {
    for (const o of OFFERS) {
      if (c.type !== 'application' && c.type !== '*') continue;
      if (c.subtype !== o.subtype && c.subtype !== '*') continue;
      return { contentType: o.contentType, proto: o.proto };
    }
  }
  return undefined;
}

/** Request headers the v2 handler reads. */
export interface OpenAPIV2Request {
  accept?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
  acceptEncoding?: string | undefined;
}

/** An HTTP answer the API server writes as-is (`body` may be gzip bytes; headers say so). */
export interface OpenAPIV2Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}

/**
 * Answers GET /openapi/v2 for the served `resources`: 200 with the negotiated encoding, 304 when
 * `If-None-Match` names the ETag (or, without it, `If-Modified-Since` is not before the build time), 406 when no
 * offered media type is acceptable (empty body, as kube-openapi).
 */
export function serveOpenAPIV2(resources: ResourceInfo[], req: OpenAPIV2Request): OpenAPIV2Response {
  const vary = { Vary: 'Accept-Encoding, Accept' };
  const chosen = negotiateOpenAPIV2(req.accept);
  if (!chosen) return { status: 406, headers: { Vary: 'Accept' }, body: Buffer.alloc(0) };
  const doc = openapiV2Document(resources);
  const headers: Record<string, string> = { ...vary, ETag: doc.etag, 'Last-Modified': doc.lastModified.toUTCString() };
  if (req.ifNoneMatch !== undefined) {
    if (etagMatches(req.ifNoneMatch, doc.etag)) return { status: 304, headers, body: Buffer.alloc(0) };
  } else if (req.ifModifiedSince !== undefined) {
    const since = Date.parse(req.ifModifiedSince);
    if (!Number.isNaN(since) && doc.lastModified.getTime() <= since) return { status: 304, headers, body: Buffer.alloc(0) };
  }
  let body = chosen.proto ? doc.proto : doc.json;
  headers['Content-Type'] = chosen.contentType;
  if (body.length >= 1400 && /\bgzip\b/i.test(req.acceptEncoding ?? '')) {
    body = gzipped(doc, chosen.proto);
    headers['Content-Encoding'] = 'gzip';
  } else {
    headers['Accept-Ranges'] = 'bytes';
  }
  headers['Content-Length'] = String(body.length);
  return { status: 200, headers, body };
}

const gzipCache = new WeakMap<OpenAPIV2Document, { json?: Buffer; proto?: Buffer }>();

function gzipped(doc: OpenAPIV2Document, proto: boolean): Buffer {
  const entry = gzipCache.get(doc) ?? {};
  gzipCache.set(doc, entry);
  const k = proto ? 'proto' : 'json';
  const hit = entry[k];
  if (hit) return hit;
  const z = gzipSync(proto ? doc.proto : doc.json);
  entry[k] = z;
  return z;
}

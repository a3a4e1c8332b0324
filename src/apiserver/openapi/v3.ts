/**
 * GET /openapi/v3 and /openapi/v3/<group-version path>: the OpenAPI v3 discovery root and per-group documents.
 *
 * Mirrors kube-openapi `handler3`: the root lists `{"paths": {"api/v1": {"serverRelativeURL":
 * "/openapi/v3/api/v1?hash=<HASH>"}}}` where HASH is the upper-case hex SHA-512 of the document; a document
 * request with the current hash is immutable (`Cache-Control: public, immutable`), a stale hash redirects
 * (301) to the current one, and the ETag is the quoted hash. kubectl needs this for apply (field validation
 * and strategic-merge-patch metadata) and explain (client-go `openapi3/root.go`, cli-runtime
 * `query_param_verifier_v3.go`).
 */
import { createHash } from 'node:crypto';
import { groupVersionPath as apiGroupVersionPath } from '../../api/paths.js';
import { typeNameForKind, openapiName } from '../../api/schema/schema.js';
import type { ResourceInfo } from '../../registry/strategy.js';
import { buildSchemas, unknownKindName, unknownKindSchema, type Json } from './components.js';
import { buildPaths } from './paths.js';

/** A rendered document: serialized JSON and its hash (upper-case hex SHA-512). */
export interface OpenAPIDocument {
  body: string;
  hash: string;
}

/** `api/v1` for the core group, `apis/apps/v1` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return apiGroupVersionPath(group, version).slice(1);
}

const cache = new Map<string, OpenAPIDocument>();

function render(doc: Json): OpenAPIDocument {
  const body = JSON.stringify(doc);
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

function info(): Json {
  return { title: 'Kubernetes', version: 'v1.32.0' };
}

const META_ROOTS = ['Status', 'DeleteOptions', 'WatchEvent', 'APIResourceList'];

function groupVersionDoc(rs: ResourceInfo[]): Json {
  const roots = [...META_ROOTS];
  const extra: Record<string, Json> = {};
  const names = new Map<string, string>();
  const addKind = (group: string, version: string, kind: string): void => {
    const gvk = { group, version, kind };
    const typeName = typeNameForKind(gvk);
    if (typeName) {
      roots.push(typeName);
      names.set(kind, openapiName(typeName));
    } else {
      const name = unknownKindName(gvk);
      extra[name] = unknownKindSchema(gvk);
      names.set(kind, name);
    }
  };
  for (const r of rs) {
    if (r.resource.includes('/')) continue;
    addKind(r.group, r.version, r.kind);
    addKind(r.group, r.version, `${r.kind}List`);
    if (r.subresources.includes('binding')) addKind('', 'v1', 'Binding');
    if (r.subresources.includes('scale')) addKind('autoscaling', 'v1', 'Scale');
    if (r.subresources.includes('token')) addKind('authentication.k8s.io', 'v1', 'TokenRequest');
  }
  const schemaNameOf = (kind: string): string => names.get(kind) ?? openapiName(kind);
  return { components: { schemas: buildSchemas(roots, extra) }, info: info(), openapi: '3.0.0', paths: buildPaths(rs, schemaNameOf) };
}

function discoveryDoc(path: 'api' | 'apis'): Json {
  const schema = path === 'api' ? 'APIVersions' : 'APIGroupList';
  const name = openapiName(schema);
  const get = {
    description: path === 'api' ? 'get available API versions' : 'get available API versions',
    operationId: path === 'api' ? 'getCoreAPIVersions' : 'getAPIVersions',
    responses: {
      '200': { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } }, description: 'OK' },
      '401': { description: 'Unauthorized' },
    },
    tags: [path === 'api' ? 'core' : 'apis'],
  };
  return { components: { schemas: buildSchemas([schema]) }, info: info(), openapi: '3.0.0', paths: { [`/${path}/`]: { get } } };
}

function selectResources(path: string, resources: ResourceInfo[]): ResourceInfo[] {
  return resources.filter((r) => groupVersionPath(r.group, r.version) === path);
}

/** The paths of every v3 document for `resources`: `api`, `apis`, then each served group/version, sorted. */
export function openapiV3Paths(resources: ResourceInfo[]): string[] {
  const paths = new Set<string>(['api', 'apis']);
  for (const r of resources) paths.add(groupVersionPath(r.group, r.version));
  return [...paths].sort();
}

/**
 * The document at `path` (`api`, `apis`, `api/v1`, `apis/apps/v1`) as a JSON object (`components.schemas`,
 * `info`, `openapi`, `paths`), or undefined when no served group/version has that path. The OpenAPI v2
 * document (v2.ts) is derived from these objects, so both versions publish the same schema.
 */
export function openapiV3Object(path: string, resources: ResourceInfo[]): Json | undefined {
  if (path === 'api' || path === 'apis') return discoveryDoc(path);
  const rs = selectResources(path, resources);
  return rs.length === 0 ? undefined : groupVersionDoc(rs);
}

/**
 * The document at `path` (`api`, `apis`, `api/v1`, `apis/apps/v1`) for the served `resources`, or undefined
 * when no served group/version has that path. Documents are cached by content of their resources.
 */
export function openapiV3Document(path: string, resources: ResourceInfo[]): OpenAPIDocument | undefined {
  const rs = path === 'api' || path === 'apis' ? [] : selectResources(path, resources);
  if (rs.length === 0 && path !== 'api' && path !== 'apis') return undefined;
  const key = `${path}\n${JSON.stringify(rs)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const obj = openapiV3Object(path, resources);
  if (!obj) return undefined;
  const doc = render(obj);
  if (cache.size > 64) cache.clear();
  cache.set(key, doc);
  return doc;
}

/** The body of GET /openapi/v3: one entry per served group/version, plus `api` and `apis`. */
export function openapiV3Root(resources: ResourceInfo[]): { paths: Record<string, { serverRelativeURL: string }> } {
  const out: Record<string, { serverRelativeURL: string }> = {};
  for (const p of openapiV3Paths(resources)) {
    const doc = openapiV3Document(p, resources);
    if (doc) out[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${doc.hash}` };
  }
  return { paths: out };
}

/** An HTTP answer the API server can write as-is. */
export interface OpenAPIResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Serves GET `/openapi/v3` and `/openapi/v3/<path>` (urlPath without the query, `hash` from the query).
 * Returns undefined for paths it does not know (the caller answers 404). Honours `If-None-Match`.
 */
export function serveOpenAPIV3(
  urlPath: string,
  hash: string | null,
  resources: ResourceInfo[],
  ifNoneMatch?: string,
): OpenAPIResponse | undefined {
  const json = 'application/json';
  if (urlPath === '/openapi/v3' || urlPath === '/openapi/v3/') {
    return { status: 200, headers: { 'Content-Type': json, 'Cache-Control': 'no-cache, private' }, body: JSON.stringify(openapiV3Root(resources)) };
  }
  if (!urlPath.startsWith('/openapi/v3/')) return undefined;
  const path = urlPath.slice('/openapi/v3/'.length).replace(/\/$/, '');
  const doc = openapiV3Document(path, resources);
  if (!doc) return undefined;
  const etag = `"${doc.hash}"`;
  if (hash && hash !== doc.hash) {
    return { status: 301, headers: { Location: `/openapi/v3/${path}?hash=${doc.hash}`, 'Cache-Control': 'no-cache, private' }, body: '' };
  }
  const cacheControl = hash ? 'public, immutable' : 'no-cache, private';
  if (ifNoneMatch && ifNoneMatch === etag) return { status: 304, headers: { ETag: etag, 'Cache-Control': cacheControl }, body: '' };
  return { status: 200, headers: { 'Content-Type': json, ETag: etag, 'Cache-Control': cacheControl }, body: doc.body };
}

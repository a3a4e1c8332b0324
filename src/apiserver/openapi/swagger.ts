/**
 * Converts the OpenAPI v3 shapes k1s renders (components.ts, paths.ts) into their Swagger 2.0 equivalents.
 *
 * kube-openapi builds both versions from the same Go definitions; the differences it makes, and this module
 * makes, are: references are `#/definitions/<name>` and stand beside their siblings (`{"$ref", "description",
 * "default"}`) instead of inside `allOf`; a type published in v3 as `oneOf` of primitive types (Quantity) is
 * its first type in v2 (`OpenAPISchemaType` vs `OpenAPIV3OneOfTypes`); parameters carry `type` themselves
 * instead of a `schema`; a request body is a parameter `{"in": "body", "name": "body"}` and its media types
 * are the operation's `consumes`; response media types are its `produces`. kubectl 1.27/1.28 read the v2
 * document with kube-openapi `pkg/util/proto`, which rejects a dangling `$ref` and ignores `allOf`.
 */
import type { Json } from './components.js';

const V3_PREFIX = '#/components/schemas/';
const V2_PREFIX = '#/definitions/';

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function v2Ref(ref: string): string {
  return ref.startsWith(V3_PREFIX) ? V2_PREFIX + ref.slice(V3_PREFIX.length) : ref;
}

/**
 * The Swagger 2.0 form of a v3 schema object (recursively through `properties`, `items`,
 * `additionalProperties`). Vendor extensions, descriptions, formats and defaults are kept as they are.
 */
export function toSwaggerSchema(s: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref' && typeof v === 'string') {
      out['$ref'] = v2Ref(v);
    } else if (k === 'allOf' && Array.isArray(v) && v.length === 1 && isObject(v[0]) && typeof v[0]['$ref'] === 'string') {
      out['$ref'] = v2Ref(v[0]['$ref']);
    } else if ((k === 'allOf' || k === 'anyOf') && Array.isArray(v)) {
      out[k] = v.map((x) => (isObject(x) ? toSwaggerSchema(x) : x));
    } else if (k === 'oneOf' && Array.isArray(v)) {
      const first = v.find((x): x is Json => isObject(x) && typeof x['type'] === 'string');
      if (first && out['type'] === undefined) out['type'] = first['type'];
    } else if ((k === 'items' || k === 'additionalProperties') && isObject(v)) {
      out[k] = toSwaggerSchema(v);
    } else if (k === 'properties' && isObject(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, p]) => [name, isObject(p) ? toSwaggerSchema(p) : p]));
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** `components.schemas` → `definitions`: the same names, each schema converted. */
export function toSwaggerDefinitions(schemas: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, toSwaggerSchema(s)]));
}

/** A v3 parameter (`schema: {type, uniqueItems}`) as a v2 non-body parameter (`type`, `uniqueItems` inline). */
function toSwaggerParameter(p: Json): Json {
  const { schema, ...rest } = p;
  return isObject(schema) ? { ...rest, ...toSwaggerSchema(schema) } : rest;
}

function firstContentSchema(content: unknown): Json | undefined {
  if (!isObject(content)) return undefined;
  for (const media of Object.values(content)) {
    if (isObject(media) && isObject(media['schema'])) return toSwaggerSchema(media['schema']);
  }
  return undefined;
}

function toSwaggerResponses(responses: Json): { responses: Json; produces: string[] } {
  const out: Json = {};
  const produces = new Set<string>();
  for (const [code, r] of Object.entries(responses)) {
    if (!isObject(r)) continue;
    const response: Json = { description: r['description'] ?? '' };
    const schema = firstContentSchema(r['content']);
    if (schema) response['schema'] = schema;
    if (isObject(r['content'])) for (const t of Object.keys(r['content'])) produces.add(t);
    out[code] = response;
  }
  return { responses: out, produces: [...produces] };
}

/**
 * One v3 operation as a v2 operation: `consumes` (the request body's media types, `*∕*` without a body, as
 * go-restful routes default), `produces`, `schemes: ["https"]`, the body parameter first, then the others.
 */
export function toSwaggerOperation(op: Json): Json {
  const { requestBody, parameters, responses, ...rest } = op;
  const params: Json[] = [];
  let consumes = ['*/*'];
  if (isObject(requestBody)) {
    const content = requestBody['content'];
    if (isObject(content)) consumes = Object.keys(content);
    params.push({ in: 'body', name: 'body', required: requestBody['required'] === true, schema: firstContentSchema(content) ?? {} });
  }
  if (Array.isArray(parameters)) for (const p of parameters) if (isObject(p)) params.push(toSwaggerParameter(p));
  const { responses: rs, produces } = toSwaggerResponses(isObject(responses) ? responses : {});
  const out: Json = { consumes, description: rest['description'] };
  delete rest['description'];
  out['operationId'] = rest['operationId'];
  delete rest['operationId'];
  if (params.length) out['parameters'] = params;
  out['produces'] = produces;
  out['responses'] = rs;
  out['schemes'] = ['https'];
  return { ...out, ...rest };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

/** v3 `paths` → v2 `paths`: path-level parameters and every operation converted; other keys kept. */
export function toSwaggerPaths(paths: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [path, item] of Object.entries(paths)) {
    const v2: Json = {};
    for (const [k, v] of Object.entries(item)) {
      if (METHODS.includes(k) && isObject(v)) v2[k] = toSwaggerOperation(v);
      else if (k === 'parameters' && Array.isArray(v)) v2[k] = v.map((p) => (isObject(p) ? toSwaggerParameter(p) : p));
      else v2[k] = v;
    }
    out[path] = v2;
  }
  return out;
}

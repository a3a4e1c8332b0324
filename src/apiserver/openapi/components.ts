/**
 * Renders k1s schema types as OpenAPI v3 `components.schemas`, named and shaped like kube-openapi's output.
 *
 * Struct fields become `allOf: [{$ref}]` properties, lists carry `x-kubernetes-list-type`,
 * `x-kubernetes-list-map-keys`, `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key`, root kinds carry
 * `x-kubernetes-group-version-kind`. kubectl reads these for `explain` and for strategic-merge-patch metadata
 * (apimachinery `strategicpatch.PatchMetaFromOpenAPIV3`).
 */
import { kindsOfType, lookupStruct, openapiName, resolveType, type TypeRef } from '../../api/schema/schema.js';
import type { FieldDef, GroupVersionKind, TypeDef } from '../../api/schema/types.js';

/** A JSON object of an OpenAPI document. */
export type Json = Record<string, unknown>;

/** `#/components/schemas/<name>` reference. */
export function ref(name: string): Json {
  return { $ref: `#/components/schemas/${name}` };
}

const WELL_KNOWN: Record<string, Json> = {
  Quantity: {
    description: 'Quantity is a fixed-point representation of a number, e.g. `100m`, `1Gi`, `2`.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  IntOrString: {
    description: 'IntOrString is a type that can hold an int32 or a string.',
    format: 'int-or-string',
    type: 'string',
  },
  Time: { description: 'Time is an RFC 3339 date and time at second precision, in UTC.', format: 'date-time', type: 'string' },
  MicroTime: { description: 'MicroTime is an RFC 3339 date and time at microsecond precision.', format: 'date-time', type: 'string' },
  RawExtension: { description: 'RawExtension holds an embedded object of any kind.', type: 'object' },
  FieldsV1: { description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.', type: 'object' },
};

/** The schema of one field type; `refs` collects the component names it needs. */
function typeSchema(t: TypeRef, refs: Set<string>): Json {
  switch (t.kind) {
    case 'struct':
      refs.add(t.name);
      return { allOf: [ref(openapiName(t.name))], default: {} };
    case 'list':
      return { type: 'array', items: typeSchema(t.items, refs) };
    case 'map':
      return { type: 'object', additionalProperties: typeSchema(t.values, refs) };
    case 'any':
      if (t.name === 'any') return { type: 'object' };
      refs.add(t.name);
      return { allOf: [ref(openapiName(t.name))] };
    case 'scalar':
      switch (t.name) {
        case 'string':
        case 'Duration':
          return { type: 'string' };
        case 'bool':
          return { type: 'boolean' };
        case 'int32':
        case 'int64':
          return { type: 'integer', format: t.name };
        case 'float64':
          return { type: 'number', format: 'double' };
        case 'bytes':
          return { type: 'string', format: 'byte' };
        default:
          refs.add(t.name);
          return { allOf: [ref(openapiName(t.name))] };
      }
  }
}

function fieldSchema(f: FieldDef, refs: Set<string>): Json {
  const base = typeSchema(resolveType(f.type), refs);
  // A property that is only a reference keeps its description beside `allOf`, as kube-openapi does.
  const s: Json = f.doc ? { ...base, description: f.doc } : { ...base };
  if (!f.required) delete s['default'];
  if (f.list) s['x-kubernetes-list-type'] = f.list;
  if (f.keys) s['x-kubernetes-list-map-keys'] = f.keys;
  if (f.map) s['x-kubernetes-map-type'] = f.map;
  if (f.key) s['x-kubernetes-patch-merge-key'] = f.key;
  if (f.patch) s['x-kubernetes-patch-strategy'] = f.patch;
  return s;
}

function gvkList(kinds: GroupVersionKind[]): Json[] {
  return kinds.map((k) => ({ group: k.group, kind: k.kind, version: k.version }));
}

function structSchema(name: string, def: TypeDef, refs: Set<string>): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const [field, f] of Object.entries(def.fields).sort(([a], [b]) => a.localeCompare(b))) {
    properties[field] = fieldSchema(f, refs);
    if (f.required) required.push(field);
  }
  const s: Json = def.doc ? { description: def.doc, properties } : { properties };
  if (required.length) s['required'] = required;
  s['type'] = 'object';
  const kinds = kindsOfType(name);
  if (kinds.length) s['x-kubernetes-group-version-kind'] = gvkList(kinds);
  if (def.struct) s['x-kubernetes-map-type'] = def.struct;
  return s;
}

/**
 * Builds `components.schemas` holding `roots` (struct or well-known type names) and everything they
 * reference, plus `extra` schemas given by name (kinds without a k1s schema). Keys are sorted.
 */
export function buildSchemas(roots: string[], extra: Record<string, Json> = {}): Record<string, Json> {
  const out: Record<string, Json> = {};
  const queue = [...roots];
  const seen = new Set<string>();
  while (queue.length) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const known = WELL_KNOWN[name];
    if (known) {
      out[openapiName(name)] = known;
      continue;
    }
    const def = lookupStruct(name);
    if (!def) continue;
    const refs = new Set<string>();
    out[openapiName(name)] = structSchema(name, def, refs);
    queue.push(...refs);
  }
  Object.assign(out, extra);
  out['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] = {
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    type: 'object',
  };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Component name for a kind k1s has no schema for: `io.k8s.api.apps.v1.Deployment`. */
export function unknownKindName(gvk: GroupVersionKind): string {
  const group = gvk.group === '' ? 'core' : gvk.group.split('.')[0];
  return `io.k8s.api.${group}.${gvk.version}.${gvk.kind}`;
}

/** A permissive schema for a kind without a k1s schema (fields are kept as sent; no strict validation). */
export function unknownKindSchema(gvk: GroupVersionKind): Json {
  return {
    description: `${gvk.kind} (schema not published by k1s; fields are stored as sent).`,
    properties: {
      apiVersion: { description: 'APIVersion defines the versioned schema of this representation of an object.', type: 'string' },
      kind: { description: 'Kind is a string value representing the REST resource this object represents.', type: 'string' },
      metadata: { allOf: [ref(openapiName('ObjectMeta'))], default: {}, description: "Standard object's metadata." },
    },
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': gvkList([gvk]),
  };
}

/**
 * The schema lookup: resolves type notation to TypeRefs, kinds to root types, and types to OpenAPI names.
 *
 * The tables come from tables/*.gen.ts (core/v1 and meta/v1 at Kubernetes v1.32). Callers: strict field
 * validation (strict.ts), the strategic merge patch (apiserver/patch) and the OpenAPI v3 documents
 * (apiserver/openapi). Mirrors kube-openapi's naming (`io.k8s.api.core.v1.Pod`).
 */
import { coreV1Kinds } from './tables/core-v1-kinds.gen.js';
import { coreV1Pod } from './tables/core-v1-pod.gen.js';
import { coreV1Volume } from './tables/core-v1-volume.gen.js';
import { metaV1 } from './tables/meta-v1.gen.js';
import type { FieldDef, GroupVersionKind, TypeDef, TypeTable } from './types.js';

/** Scalar types of the notation (JSON string, boolean or number, with a format). */
export type ScalarName =
  | 'string'
  | 'bool'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'bytes'
  | 'Time'
  | 'MicroTime'
  | 'Duration'
  | 'Quantity'
  | 'IntOrString';

/** A resolved field type. `any` accepts every JSON value (RawExtension, FieldsV1, table cells). */
export type TypeRef =
  | { kind: 'scalar'; name: ScalarName }
  | { kind: 'any'; name: 'any' | 'RawExtension' | 'FieldsV1' }
  | { kind: 'list'; items: TypeRef }
  | { kind: 'map'; values: TypeRef }
  | { kind: 'struct'; name: string; def: TypeDef };

const SCALARS = new Set<string>([
  'string', 'bool', 'int32', 'int64', 'float64', 'bytes', 'Time', 'MicroTime', 'Duration', 'Quantity', 'IntOrString',
]);
const ANY = new Set<string>(['any', 'RawExtension', 'FieldsV1']);

const core: TypeTable = { ...coreV1Pod, ...coreV1Volume, ...coreV1Kinds };
const meta: TypeTable = metaV1;

/** Looks up a struct type by Go name; undefined when the schema has no such type. */
export function lookupStruct(name: string): TypeDef | undefined {
  return Object.hasOwn(core, name) ? core[name] : Object.hasOwn(meta, name) ? meta[name] : undefined;
}

const cache = new Map<string, TypeRef>();

/**
 * Resolves type notation (`[]Container`, `map[Quantity]`, `int32`) to a TypeRef.
 * Throws Error for a name the tables lack (a bug in the tables, not a user error).
 */
export function resolveType(t: string): TypeRef {
  const hit = cache.get(t);
  if (hit) return hit;
  let ref: TypeRef;
  if (t.startsWith('[]')) ref = { kind: 'list', items: resolveType(t.slice(2)) };
  else if (t.startsWith('map[') && t.endsWith(']')) ref = { kind: 'map', values: resolveType(t.slice(4, -1)) };
  else if (SCALARS.has(t)) ref = { kind: 'scalar', name: t as ScalarName };
  else if (ANY.has(t)) ref = { kind: 'any', name: t as 'any' };
  else {
    const def = lookupStruct(t);
    if (!def) throw new Error(`schema: unknown type ${JSON.stringify(t)}`);
    ref = { kind: 'struct', name: t, def };
  }
  cache.set(t, ref);
  return ref;
}

/** The field of a struct, or undefined for an unknown field. */
export function fieldOf(def: TypeDef, name: string): FieldDef | undefined {
  return Object.hasOwn(def.fields, name) ? def.fields[name] : undefined;
}

/** Kinds served per group/version, with their root type names. */
const KINDS: Record<string, string[]> = {
  '/v1': [
    'Pod', 'PodList', 'Namespace', 'NamespaceList', 'Node', 'NodeList', 'ConfigMap', 'ConfigMapList', 'Secret',
    'SecretList', 'Event', 'EventList', 'ServiceAccount', 'ServiceAccountList', 'Binding', 'Status', 'DeleteOptions',
    'WatchEvent', 'APIResourceList',
  ],
  'meta.k8s.io/v1': ['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList', 'Status', 'DeleteOptions', 'WatchEvent'],
};

/** The root type name for a GVK (`{group:'',version:'v1',kind:'Pod'}` → `Pod`), or undefined if k1s has no schema. */
export function typeNameForKind(gvk: GroupVersionKind): string | undefined {
  const list = KINDS[`${gvk.group}/${gvk.version}`];
  return list?.includes(gvk.kind) ? gvk.kind : undefined;
}

/** The GVKs whose root type is `name` (for `x-kubernetes-group-version-kind`). */
export function kindsOfType(name: string): GroupVersionKind[] {
  const out: GroupVersionKind[] = [];
  for (const [gv, kinds] of Object.entries(KINDS)) {
    if (!kinds.includes(name)) continue;
    const [group = '', version = ''] = gv.split('/');
    out.push({ group, version, kind: name });
  }
  return out;
}

const META_SPECIAL: Record<string, string> = {
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  RawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
  Time: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  MicroTime: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
  FieldsV1: 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
};

/** The OpenAPI component name of a struct or well-known type (`Pod` → `io.k8s.api.core.v1.Pod`). */
export function openapiName(name: string): string {
  const special = META_SPECIAL[name];
  if (special) return special;
  if (Object.hasOwn(core, name)) return `io.k8s.api.core.v1.${name}`;
  return `io.k8s.apimachinery.pkg.apis.meta.v1.${name}`;
}

/** Every struct type name of the schema. */
export function structNames(): string[] {
  return [...Object.keys(core), ...Object.keys(meta)];
}

/**
 * The schema lookup: resolves type notation to TypeRefs, kinds to root types, and types to OpenAPI names.
 *
 * The tables come from tables/*.gen.ts, generated from the Go types of k8s.io/api and k8s.io/apimachinery
 * v0.32.0 (Kubernetes v1.32) by src/apiserver/openapi/generate-schema-tables.ts (see codegen/plan.ts for what
 * is included). core/v1 and meta/v1 structs have bare names (`Container`, `ObjectMeta`); the other groups'
 * are qualified by their k8s.io/api package (`apps.v1.Deployment`, `discovery.v1.EndpointPort`). Callers:
 * strict field validation (strict.ts), the strategic merge patch (apiserver/patch) and the OpenAPI documents
 * (apiserver/openapi). Mirrors kube-openapi's naming (`io.k8s.api.core.v1.Pod`, `io.k8s.api.apps.v1.Deployment`).
 */
import { coreV1Tables, generatedKinds, groupTables, metaV1Tables } from './tables/index.gen.js';
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

const core: TypeTable = coreV1Tables;
const meta: TypeTable = metaV1Tables;
const groups: TypeTable = groupTables;

/**
 * Looks up a struct type by table name (`Container`, `ObjectMeta`, `apps.v1.DeploymentSpec`); undefined when the
 * schema has no such type.
 */
export function lookupStruct(name: string): TypeDef | undefined {
  if (Object.hasOwn(core, name)) return core[name];
  if (Object.hasOwn(meta, name)) return meta[name];
  return Object.hasOwn(groups, name) ? groups[name] : undefined;
}

/** The Go type name of a table name, without its package (`apps.v1.DeploymentSpec` → `DeploymentSpec`). */
export function goName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
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

/** meta/v1 kinds every group/version carries (`metav1.AddToGroupVersion` registers them with each). */
const META_KINDS_EVERYWHERE = ['DeleteOptions', 'WatchEvent'];

/**
 * Kinds with a schema per group/version (`/v1` for core), kind → root type name: the generated kinds
 * (tables/index.gen.ts), the meta/v1 kinds of every group version, and the core ones k1s answers with.
 */
const KINDS: Record<string, Record<string, string>> = (() => {
  const out: Record<string, Record<string, string>> = {};
  for (const [gv, kinds] of Object.entries(generatedKinds)) {
    out[gv] = { ...kinds, ...Object.fromEntries(META_KINDS_EVERYWHERE.map((k) => [k, k])) };
  }
  Object.assign((out['/v1'] ??= {}), { Status: 'Status', APIResourceList: 'APIResourceList' });
  out['meta.k8s.io/v1'] = Object.fromEntries(
    ['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList', 'Status', 'DeleteOptions', 'WatchEvent'].map((k) => [k, k]),
  );
  return out;
})();

/**
 * The root type name for a GVK (`{group:'',version:'v1',kind:'Pod'}` → `Pod`, `{group:'apps',version:'v1',
 * kind:'Deployment'}` → `apps.v1.Deployment`), or undefined if k1s has no schema for it.
 */
export function typeNameForKind(gvk: GroupVersionKind): string | undefined {
  const kinds = KINDS[`${gvk.group}/${gvk.version}`];
  return kinds && Object.hasOwn(kinds, gvk.kind) ? kinds[gvk.kind] : undefined;
}

/** The GVKs whose root type is `name` (for `x-kubernetes-group-version-kind`), in group/version order. */
export function kindsOfType(name: string): GroupVersionKind[] {
  const out: GroupVersionKind[] = [];
  for (const [gv, kinds] of Object.entries(KINDS)) {
    for (const [kind, type] of Object.entries(kinds)) {
      if (type !== name) continue;
      const [group = '', version = ''] = gv.split('/');
      out.push({ group, version, kind });
    }
  }
  return out.sort((a, b) => a.group.localeCompare(b.group, 'en') || a.version.localeCompare(b.version, 'en'));
}

const META_SPECIAL: Record<string, string> = {
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  RawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
  Time: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  MicroTime: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
  FieldsV1: 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
};

/**
 * The OpenAPI component name of a struct or well-known type (`Pod` → `io.k8s.api.core.v1.Pod`,
 * `apps.v1.Deployment` → `io.k8s.api.apps.v1.Deployment`, `ObjectMeta` → `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`).
 */
export function openapiName(name: string): string {
  const special = META_SPECIAL[name];
  if (special) return special;
  if (Object.hasOwn(core, name)) return `io.k8s.api.core.v1.${name}`;
  if (Object.hasOwn(groups, name)) return `io.k8s.api.${name}`;
  return `io.k8s.apimachinery.pkg.apis.meta.v1.${name}`;
}

/** Every struct type name of the schema. */
export function structNames(): string[] {
  return [...Object.keys(core), ...Object.keys(meta), ...Object.keys(groups)];
}

/**
 * The structural view of the k1s schema that server-side apply walks: for each value, whether it is a leaf,
 * a struct, a granular or atomic map, or a list that is atomic, a set, or a map keyed by some fields.
 *
 * Mirrors how kube-openapi's schemaconv turns OpenAPI into structured-merge-diff schemas:
 * `x-kubernetes-list-type` (`atomic`/`set`/`map` with `x-kubernetes-list-map-keys`), or for lists without one a
 * `patchStrategy: merge` with its `patchMergeKey` (an associative list) and otherwise atomic; `+mapType` and
 * `+structType=atomic`; untyped values (`any`, unknown kinds) are deduced: maps granular, lists atomic.
 */
import { badRequest } from '../../api/errors.js';
import { fieldOf, resolveType, typeNameForKind, type TypeRef } from '../../api/schema/schema.js';
import type { FieldDef, GroupVersionKind } from '../../api/schema/types.js';
import { keyElement, pathString, serializeElement, type Path, type PathElement } from './path.js';

/** A value's type: its resolved schema type (undefined when untyped) and the field declaring it. */
export interface FieldType {
  ref: TypeRef | undefined;
  def?: FieldDef;
  /** The JSON field name it was reached by ('' for the root or a list item). */
  name: string;
}

/** How a value is walked. */
export type Shape =
  | { kind: 'leaf' }
  | { kind: 'struct' }
  | { kind: 'map' }
  | { kind: 'list'; relationship: 'set' }
  | { kind: 'list'; relationship: 'map'; keys: string[] };

/** The root type of a kind (`Pod`, `apps.v1.Deployment`), untyped when k1s has no schema for it. */
export function rootType(gvk: GroupVersionKind): FieldType {
  const name = typeNameForKind(gvk);
  return { ref: name ? resolveType(name) : undefined, name: '' };
}

/**
 * The shape of `value` under `t`. Scalars, atomic structs, maps and lists, and untyped lists are leaves; so is a
 * value whose JSON kind does not match the schema (validation reports that elsewhere).
 */
export function shapeOf(t: FieldType, value: unknown): Shape {
  const isMap = typeof value === 'object' && value !== null && !Array.isArray(value);
  const ref = t.ref;
  if (value === undefined || value === null) return { kind: 'leaf' };
  if (!ref || ref.kind === 'any') return isMap ? { kind: 'map' } : { kind: 'leaf' };
  switch (ref.kind) {
    case 'scalar':
      return { kind: 'leaf' };
    case 'struct':
      if (!isMap || t.def?.struct === 'atomic' || ref.def.struct === 'atomic') return { kind: 'leaf' };
      return { kind: 'struct' };
    case 'map':
      if (!isMap || t.def?.map === 'atomic') return { kind: 'leaf' };
      return { kind: 'map' };
    case 'list': {
      if (!Array.isArray(value)) return { kind: 'leaf' };
      const def = t.def;
      const listType = def?.list ?? (def?.patch?.split(',').includes('merge') ? (def.key ? 'map' : 'set') : 'atomic');
      if (listType === 'set') return { kind: 'list', relationship: 'set' };
      if (listType === 'map') {
        const keys = def?.keys ?? (def?.key ? [def.key] : []);
        if (keys.length > 0) return { kind: 'list', relationship: 'map', keys };
      }
      return { kind: 'leaf' };
    }
  }
}

/** The type of field `name` of a struct or map value of type `t` (untyped for unknown fields). */
export function fieldType(t: FieldType, name: string): FieldType {
  const ref = t.ref;
  if (!ref) return { ref: undefined, name };
  if (ref.kind === 'map') return { ref: ref.values, name };
  if (ref.kind !== 'struct') return { ref: undefined, name };
  const f = fieldOf(ref.def, name);
  if (!f) return { ref: undefined, name };
  return { ref: resolveType(f.type), def: f, name };
}

/** Whether `name` is a declared field of the struct type `t` (unknown fields are owned as a whole). */
export function isDeclaredField(t: FieldType, name: string): boolean {
  return t.ref?.kind === 'struct' && fieldOf(t.ref.def, name) !== undefined;
}

/** The type of the items of a list of type `t`. */
export function itemType(t: FieldType): FieldType {
  return { ref: t.ref?.kind === 'list' ? t.ref.items : undefined, name: '' };
}

/** Defaults of list-map key fields that the OpenAPI declares (`protocol` of ports: "TCP"). */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

/**
 * The path element of a list item: `k:{...}` by the list's map keys, `v:` for a set. Throws 422-style
 * BadRequest when an item of an associative list lacks a key field without default (as structured-merge-diff).
 */
export function itemElement(shape: Shape, item: unknown, at: Path): PathElement {
  if (shape.kind !== 'list') throw new Error('itemElement: not a list');
  if (shape.relationship === 'set') return { value: item };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw badRequest(`${pathString(at)}: associative list with keys has an element that is not a map`);
  }
  const m = item as Record<string, unknown>;
  const fields: Array<[string, unknown]> = [];
  for (const k of shape.keys) {
    if (Object.hasOwn(m, k) && m[k] !== null) fields.push([k, m[k]]);
    else if (Object.hasOwn(KEY_DEFAULTS, k)) fields.push([k, KEY_DEFAULTS[k]]);
    else throw badRequest(`${pathString(at)}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
  }
  return keyElement(fields);
}

/** Items of a list keyed by their path element (serialized), first occurrence wins; with their order. */
export function indexItems(shape: Shape, list: unknown[], at: Path): { order: string[]; items: Map<string, { element: PathElement; value: unknown; count: number }> } {
  const order: string[] = [];
  const items = new Map<string, { element: PathElement; value: unknown; count: number }>();
  for (const v of list) {
    const e = itemElement(shape, v, at);
    const k = serializeElement(e);
    const hit = items.get(k);
    if (hit) hit.count++;
    else {
      items.set(k, { element: e, value: v, count: 1 });
      order.push(k);
    }
  }
  return { order, items };
}

/**
 * Struct fields that Go declares as values, not pointers, so an object decoded from an empty one already has
 * them (`{}`): when absent on the old side of a comparison they count as present and empty. Kubernetes' own
 * non-pointer structs; the schema tables do not record pointers.
 */
export const VALUE_STRUCT_FIELDS = new Set(['metadata', 'spec', 'status', 'template', 'strategy', 'updateStrategy', 'resources', 'jobTemplate']);

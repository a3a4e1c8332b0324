/**
 * compare: which fields an update added, modified and removed, walking the old and the new object together
 * under the schema; what the field manager uses to move ownership on updates and to find apply conflicts.
 *
 * Mirrors structured-merge-diff `TypedValue.Compare`: leaves (scalars, atomic values, empty maps and lists)
 * are compared by value; a container is itself added or removed when it appears or disappears; value structs
 * (VALUE_STRUCT_FIELDS) and lists or maps without omitempty count as present-and-empty when the old side lacks
 * them, as a Go zero value has them.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Path } from './path.js';
import { FieldSet } from './set.js';
import { fieldType, indexItems, itemType, shapeOf, VALUE_STRUCT_FIELDS, type FieldType, type Shape } from './schema-type.js';

/** The result of a comparison: disjoint sets of paths. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compares `lhs` (old, undefined when absent) with `rhs` (new) of type `t`. */
export function compare(lhs: unknown, rhs: unknown, t: FieldType): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walk(lhs, rhs, t, [], c);
  return c;
}

function isEmptyContainer(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function leaf(lhs: unknown, rhs: unknown, path: Path, c: Comparison): void {
  if (path.length === 0) return;
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!isDeepStrictEqual(lhs, rhs)) c.modified.insert(path);
}

function walk(lhs: unknown, rhs: unknown, t: FieldType, path: Path, c: Comparison): void {
  if (lhs === undefined && rhs === undefined) return;
  const ls = shapeOf(t, lhs);
  const rs = shapeOf(t, rhs);
  const shape: Shape = rhs === undefined ? ls : rs;
  // A null old value (a Go nil slice or map) is an empty container to a new list or map.
  const nullContainer = lhs === null && rhs !== undefined && rhs !== null && rs.kind !== 'leaf';
  const mismatch = !nullContainer && lhs !== undefined && rhs !== undefined && (ls.kind !== rs.kind || (lhs === null) !== (rhs === null));
  if (shape.kind === 'leaf' || mismatch || (isEmptyContainer(lhs) && isEmptyContainer(rhs))) {
    leaf(lhs, rhs, path, c);
    return;
  }
  if (shape.kind === 'list') {
    const l = Array.isArray(lhs) ? indexItems(shape, lhs, path) : { order: [], items: new Map() };
    const r = Array.isArray(rhs) ? indexItems(shape, rhs, path) : { order: [], items: new Map() };
    const keys = [...l.order, ...r.order.filter((k) => !l.items.has(k))];
    for (const k of keys) {
      const li = l.items.get(k);
      const ri = r.items.get(k);
      const element = (li ?? ri).element;
      const child = [...path, element];
      if ((li?.count ?? 0) > 1 || (ri?.count ?? 0) > 1) {
        if (!li) c.added.insert(child);
        else if (!ri) c.removed.insert(child);
        else if (!isDeepStrictEqual(lhs, rhs)) c.modified.insert(child);
        continue;
      }
      walk(li?.value, ri?.value, itemType(t), child, c);
    }
  } else {
    const lm = (lhs ?? undefined) as Record<string, unknown> | undefined;
    const rm = (rhs ?? undefined) as Record<string, unknown> | undefined;
    const keys = new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})]);
    for (const k of keys) {
      const ft = fieldType(t, k);
      let lv = lm?.[k];
      const rv = rm?.[k];
      if (lv === undefined && rv !== undefined && lm !== undefined && shape.kind === 'struct') {
        // Go zero values: value structs are `{}`, lists and maps declared without omitempty are null.
        if (VALUE_STRUCT_FIELDS.has(k) && ft.ref?.kind === 'struct') lv = {};
        else if (ft.def?.required && (ft.ref?.kind === 'list' || ft.ref?.kind === 'map')) lv = null;
      }
      walk(lv, rv, ft, [...path, { field: k }], c);
    }
  }
  if (path.length === 0) return;
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
}

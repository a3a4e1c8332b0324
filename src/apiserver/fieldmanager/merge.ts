/**
 * merge: the object an apply produces before pruning — the live object with the applied configuration laid
 * over it: the configuration's leaves win, maps and structs merge field by field, associative lists merge
 * item by item (by their keys), atomic values are replaced whole.
 *
 * Mirrors structured-merge-diff `TypedValue.Merge` (rule "keep RHS"); list order: the configuration's items
 * in its order, items only the live object has stay next to the items they followed.
 */
import type { Path } from './path.js';
import { fieldType, indexItems, itemType, shapeOf, type FieldType } from './schema-type.js';

/** Merges `config` into `live` under type `t`; neither argument is mutated. */
export function merge(live: unknown, config: unknown, t: FieldType): unknown {
  return walk(live, config, t, []);
}

function copy<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

function walk(lhs: unknown, rhs: unknown, t: FieldType, path: Path): unknown {
  if (rhs === undefined) return copy(lhs);
  if (lhs === undefined || lhs === null || rhs === null) return copy(rhs);
  const ls = shapeOf(t, lhs);
  const rs = shapeOf(t, rhs);
  if (rs.kind === 'leaf' || ls.kind !== rs.kind) return copy(rhs);
  if (rs.kind === 'list') {
    const l = indexItems(rs, lhs as unknown[], path);
    const r = indexItems(rs, rhs as unknown[], path);
    const out: unknown[] = [];
    const emitted = new Set<string>();
    let li = 0;
    const it = itemType(t);
    for (const k of r.order) {
      const ri = r.items.get(k);
      if (!ri) continue;
      const at = l.order.indexOf(k);
      if (at >= 0) {
        for (; li < at; li++) {
          const lk = l.order[li] as string;
          if (!r.items.has(lk) && !emitted.has(lk)) {
            out.push(copy(l.items.get(lk)?.value));
            emitted.add(lk);
          }
        }
      }
      const lv = l.items.get(k)?.value;
      out.push(walk(lv, ri.value, it, [...path, ri.element]));
      emitted.add(k);
    }
    for (const lk of l.order) if (!emitted.has(lk)) out.push(copy(l.items.get(lk)?.value));
    return out;
  }
  const lm = lhs as Record<string, unknown>;
  const rm = rhs as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(lm)) out[k] = Object.hasOwn(rm, k) ? walk(lm[k], rm[k], fieldType(t, k), [...path, { field: k }]) : copy(lm[k]);
  for (const k of Object.keys(rm)) if (!Object.hasOwn(lm, k)) out[k] = copy(rm[k]);
  return out;
}

/** Removes map entries whose value is null, at every depth (a Go object drops them when decoded). */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
    return out;
  }
  return v;
}

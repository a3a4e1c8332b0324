/**
 * prune: after an apply, removes the fields the applier owned before and no longer applies, when no manager
 * (the applier's new set included) owns them or anything below them.
 *
 * Mirrors what structured-merge-diff's `Updater.prune` achieves (remove the last applied set, add back what
 * others own); implemented here as a walk over the previous set's paths, shallowest first (an item goes before its fields).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Path, PathElement } from './path.js';
import type { FieldSet } from './set.js';
import { fieldType, itemElement, itemType, shapeOf, type FieldType } from './schema-type.js';

/**
 * Returns `merged` without the fields of `lastSet` nobody in `owned` still owns (at or below them). Paths of
 * `lastSet` include its intermediate field nodes (a struct field the applier only reached through), so a struct
 * left with nothing owned goes too. `merged` is not mutated.
 */
export function prune(merged: unknown, lastSet: FieldSet, owned: FieldSet, t: FieldType): unknown {
  const candidates = new Map<string, Path>();
  for (const p of lastSet.paths()) {
    for (let i = 1; i <= p.length; i++) {
      const prefix = p.slice(0, i);
      const last = prefix[prefix.length - 1] as PathElement;
      if (i < p.length && !('field' in last)) continue;
      candidates.set(JSON.stringify(prefix), prefix);
    }
  }
  const paths = [...candidates.values()].sort((a, b) => a.length - b.length);
  let out = structuredClone(merged);
  for (const p of paths) {
    if (owned.has(p) || owned.hasDescendants(p)) continue;
    out = removePath(out, p, t);
  }
  return out;
}

/** `value` without the item or field at `path` (unchanged when absent). */
export function removePath(value: unknown, path: Path, t: FieldType): unknown {
  const [head, ...rest] = path;
  if (!head) return value;
  if ('field' in head) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, head.field)) return value;
    const m = value as Record<string, unknown>;
    if (rest.length === 0) delete m[head.field];
    else m[head.field] = removePath(m[head.field], rest, fieldType(t, head.field));
    return m;
  }
  if (!Array.isArray(value)) return value;
  const shape = shapeOf(t, value);
  if (shape.kind !== 'list') return value;
  const at = value.findIndex((item) => {
    try {
      return isDeepStrictEqual(itemElement(shape, item, []), head);
    } catch {
      return false;
    }
  });
  if (at < 0) return value;
  if (rest.length === 0) value.splice(at, 1);
  else value[at] = removePath(value[at], rest, itemType(t));
  return value;
}

/**
 * toFieldSet: the set of fields an object (an applied configuration, usually) mentions: every leaf, every list
 * item, every empty or null map, every atomic value and every undeclared field.
 *
 * Mirrors structured-merge-diff `TypedValue.ToFieldSet`.
 */
import type { Path } from './path.js';
import { FieldSet } from './set.js';
import { fieldType, indexItems, isDeclaredField, itemType, shapeOf, type FieldType } from './schema-type.js';

/** The fields of `value` under type `t`. Throws BadRequest for a list item without its keys. */
export function toFieldSet(value: unknown, t: FieldType): FieldSet {
  const set = new FieldSet();
  walk(value, t, [], set);
  return set;
}

function walk(value: unknown, t: FieldType, path: Path, set: FieldSet): void {
  const shape = shapeOf(t, value);
  switch (shape.kind) {
    case 'leaf':
      if (path.length > 0) set.insert(path);
      return;
    case 'struct':
    case 'map':
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        const child = [...path, { field: k }];
        walk(v, fieldType(t, k), child, set);
        const emptyMap = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
        if (v === null || emptyMap || !isDeclaredField(t, k)) set.insert(child);
      }
      return;
    case 'list': {
      const { order, items } = indexItems(shape, value as unknown[], path);
      for (const k of order) {
        const item = items.get(k);
        if (!item) continue;
        const child = [...path, item.element];
        if (item.count === 1) walk(item.value, itemType(t), child, set);
        set.insert(child);
      }
      return;
    }
  }
}

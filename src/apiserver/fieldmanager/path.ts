/**
 * Field paths of server-side apply: path elements (field name, list-map key, set value, list index), their
 * order, their `f:`/`k:`/`v:`/`i:` serialization in FieldsV1 and their printed form in conflict messages.
 *
 * Mirrors the documented behaviour of sigs.k8s.io/structured-merge-diff `fieldpath.PathElement`
 * (`.name`, `[name="app"]`, `[=value]`, `[0]`) and the FieldsV1 format of meta/v1 `ManagedFieldsEntry`.
 */

/** One step into a value: a map or struct field, a list item by its key fields, a set item by value, or an index. */
export type PathElement =
  | { field: string }
  | { key: Array<[string, unknown]> }
  | { value: unknown }
  | { index: number };

/** A path from the object's root. */
export type Path = PathElement[];

/** A key element with its fields sorted by name (as FieldList.Sort). */
export function keyElement(fields: Array<[string, unknown]>): PathElement {
  return { key: [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

function rank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

/** Total order of JSON values (null, booleans, numbers, strings, lists, maps), for set iteration order. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1 || ra === 2) return Number(a) - Number(b);
  if (ra === 3) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function elementRank(e: PathElement): number {
  if ('field' in e) return 0;
  if ('key' in e) return 1;
  if ('value' in e) return 2;
  return 3;
}

/** Order of path elements: fields, then keys, then values, then indexes; each by content. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ra = elementRank(a);
  const rb = elementRank(b);
  if (ra !== rb) return ra - rb;
  if ('field' in a && 'field' in b) return a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
  if ('key' in a && 'key' in b) {
    for (let i = 0; i < Math.min(a.key.length, b.key.length); i++) {
      const [an, av] = a.key[i] as [string, unknown];
      const [bn, bv] = b.key[i] as [string, unknown];
      if (an !== bn) return an < bn ? -1 : 1;
      const c = compareValues(av, bv);
      if (c !== 0) return c;
    }
    return a.key.length - b.key.length;
  }
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  if ('index' in a && 'index' in b) return a.index - b.index;
  return 0;
}

/** The FieldsV1 key of an element: `f:image`, `k:{"name":"app"}`, `v:"a"`, `i:0`. */
export function serializeElement(e: PathElement): string {
  if ('field' in e) return `f:${e.field}`;
  if ('key' in e) return `k:{${e.key.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`).join(',')}}`;
  if ('value' in e) return `v:${JSON.stringify(e.value)}`;
  return `i:${e.index}`;
}

/**
 * Parses a FieldsV1 key (`f:`, `k:`, `v:`, `i:`). Throws Error for an unknown prefix or malformed JSON (the
 * caller treats the managedFields as undecodable, as the apiserver does).
 */
export function parseElement(s: string): PathElement {
  const prefix = s.slice(0, 2);
  const body = s.slice(2);
  switch (prefix) {
    case 'f:':
      return { field: body };
    case 'k:': {
      const obj = JSON.parse(body) as unknown;
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error(`key element is not an object: ${s}`);
      return keyElement(Object.entries(obj));
    }
    case 'v:':
      return { value: JSON.parse(body) as unknown };
    case 'i:': {
      const n = Number(body);
      if (!Number.isInteger(n)) throw new Error(`bad index element: ${s}`);
      return { index: n };
    }
    default:
      throw new Error(`unknown path element type: ${s}`);
  }
}

function printValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
}

/** The printed form of an element: `.image`, `[name="app"]`, `[containerPort=80,protocol="TCP"]`, `[=v]`, `[0]`. */
export function elementString(e: PathElement): string {
  if ('field' in e) return `.${e.field}`;
  if ('key' in e) return `[${e.key.map(([n, v]) => `${n}=${printValue(v)}`).join(',')}]`;
  if ('value' in e) return `[=${printValue(e.value)}]`;
  return `[${e.index}]`;
}

/** The printed form of a path, as conflict messages show it: `.spec.containers[name="app"].image`. */
export function pathString(p: Path): string {
  return p.map(elementString).join('');
}

/** A path from field names (`['metadata', 'name']`). */
export function fieldPath(...names: string[]): Path {
  return names.map((field) => ({ field }));
}

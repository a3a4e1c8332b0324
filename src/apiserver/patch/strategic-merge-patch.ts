/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), as apimachinery `pkg/util/strategicpatch`
 * `StrategicMergeMapPatch` applies it on the server (MergeParallelList and IgnoreUnmatchedNulls on).
 *
 * Lists with `patchStrategy: merge` merge by `patchMergeKey` (containers by name, ports by containerPort) or,
 * for primitives, by union; directives: `$patch: replace|delete|merge`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`; `null` deletes a field. Patch metadata comes
 * from the k1s schema (src/api/schema); without a schema maps merge and lists are replaced.
 */
import { StatusError } from '../../api/errors.js';
import { fieldOf, resolveType, type TypeRef } from '../../api/schema/schema.js';
import type { Status, StatusReason } from '../../api/types.js';
import { goValue, isObject, setKey } from './go-format.js';

type JMap = Record<string, unknown>;
type Kind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'null';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList';
const SET_ORDER = '$setElementOrder';

function fail(code: number, message: string): StatusError {
  const reason: StatusReason = code === 400 ? 'BadRequest' : code === 422 ? 'Invalid' : '';
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  return new StatusError(s);
}

/** mergepatch errors the apiserver maps to 400 / 422 (`interpretStrategicMergePatchError`); others are 500. */
const E = {
  primitiveList: () => fail(400, 'invalid patch format of primitive list'),
  retainKeys: () => fail(400, 'invalid patch format of retainKeys'),
  setOrder: () => fail(400, 'invalid patch format of setElementOrder list'),
  listOfLists: () => fail(422, 'lists of lists are not supported'),
  noMergeKey: (m: unknown, k: string) => fail(500, `map: ${goValue(m)} does not contain declared merge key: ${k}`),
  badPatchType: (t: unknown, m: unknown) => fail(500, `unknown patch type: ${goValue(t)} in map: ${goValue(m)}`),
  other: (message: string) => fail(500, message),
};

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'number' ? 'number' : 'string';
}

/** Patch metadata of one field: the schema below it, its strategies and merge key. */
interface Meta {
  sub: TypeRef | undefined;
  strategies: string[];
  mergeKey: string;
}

function lookup(schema: TypeRef | undefined, key: string, slice: boolean): Meta {
  const none: Meta = { sub: undefined, strategies: [], mergeKey: '' };
  if (!schema) return none;
  if (schema.kind === 'map') return { ...none, sub: slice && schema.values.kind === 'list' ? schema.values.items : schema.values };
  if (schema.kind !== 'struct') return none;
  const f = fieldOf(schema.def, key);
  if (!f) return none;
  let sub: TypeRef | undefined = resolveType(f.type);
  if (slice && sub.kind === 'list') sub = sub.items;
  return { sub, strategies: f.patch ? f.patch.split(',') : [], mergeKey: f.key ?? '' };
}

/** The non-retainKeys strategy (`merge`, `replace` or ''), as extractRetainKeysPatchStrategy. */
function strategyOf(strategies: string[]): string {
  const rest = strategies.filter((s) => s !== 'retainKeys');
  if (rest.length > 1 || strategies.length > 2) throw E.other(`unexpected patch strategy: [${strategies.join(' ')}]`);
  return rest[0] ?? '';
}

/**
 * Applies a strategic merge patch to `original` under `schema` (the root type, undefined for a kind without
 * schema). Neither argument is mutated. Throws StatusError: 400 for malformed directives, 422 for lists of
 * lists, 500 for the other merge errors (as kube-apiserver, which passes them through).
 */
export function applyStrategicMergePatch(original: JMap, patch: JMap, schema: TypeRef | undefined): JMap {
  return mergeMap(structuredClone(original), structuredClone(patch), schema);
}

function mergeMap(original: JMap | undefined, patch: JMap, schema: TypeRef | undefined): JMap {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const d = patch[DIRECTIVE];
    if (d === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (d === 'delete') return {};
    throw E.badPatchType(d, patch);
  }
  const orig: JMap = original ?? {};
  applyRetainKeys(orig, patch);
  mergeSetElementOrder(orig, patch, schema);
  for (const key of Object.keys(patch)) {
    const patchV = patch[key];
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      k = extractKey(key, DELETE_PRIMITIVE);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[k];
      continue;
    }
    if (!Object.hasOwn(orig, k)) {
      if (!isDeleteList) {
        discardNulls(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) setKey(orig, k, v);
      }
      continue;
    }
    const ok = kindOf(orig[k]);
    if (ok !== kindOf(patchV)) {
      if (!isDeleteList) {
        discardNulls(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) setKey(orig, k, v);
        else delete orig[k];
      }
      continue;
    }
    if (ok === 'map') {
      const m = lookup(schema, k, false);
      const strategy = strategyOf(m.strategies);
      setKey(orig, k, strategy === 'replace' ? patchV : mergeMap(orig[k] as JMap, patchV as JMap, m.sub));
    } else if (ok === 'slice') {
      const m = lookup(schema, k, true);
      const strategy = strategyOf(m.strategies);
      setKey(orig, k, mergeSliceHandler(orig[k] as unknown[], patchV as unknown[], m.sub, strategy, m.mergeKey, isDeleteList));
    } else {
      const [v, keep] = removeDirectives(patchV);
      if (keep) setKey(orig, k, v);
      else delete orig[k];
    }
  }
  return orig;
}

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) throw prefix === DELETE_PRIMITIVE ? E.primitiveList() : E.setOrder();
  return s.slice(i + 1);
}

function applyRetainKeys(original: JMap, patch: JMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw E.retainKeys();
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw E.retainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function discardNulls(v: unknown): void {
  if (Array.isArray(v)) v.forEach(discardNulls);
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNulls(x);
    }
  }
}

/** Strips directive maps from a value; `[value, keep]` (keep false when the value itself is a directive). */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (isObject(v)) {
    if (Object.hasOwn(v, DIRECTIVE)) return [null, false];
    for (const k of Object.keys(v)) {
      const [x, keep] = removeDirectives(v[k]);
      if (keep) v[k] = x;
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const [y, keep] = removeDirectives(x);
      if (keep) out.push(y);
    }
    return [out, true];
  }
  return [v, true];
}

function mergeSliceHandler(original: unknown[], patch: unknown[], schema: TypeRef | undefined, strategy: string, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList);
  return patch;
}

function elementKind(...lists: unknown[][]): Kind {
  let prev: Kind | undefined;
  for (const l of lists) {
    for (const v of l) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === 'slice') throw E.listOfLists();
        prev = k;
      } else if (prev !== k) {
        throw E.other(`list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  if (prev === undefined) throw E.other('no elements in any of the given slices');
  return prev;
}

/** Value used to compare items: the merge key's value for maps, the item itself otherwise. */
function idOf(item: unknown, mergeKey: string, kind: Kind): unknown {
  return kind === 'map' ? (isObject(item) ? item[mergeKey] : undefined) : item;
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: Kind): number {
  const id = idOf(item, mergeKey, kind);
  return list.findIndex((x) => idOf(x, mergeKey, kind) === id);
}

function mergeSlice(original: unknown[], patch: unknown[], schema: TypeRef | undefined, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let merged: unknown[];
  let orig = original;
  let pat = patch;
  if (kind !== 'map') {
    if (isDeleteList) {
      const del = new Set(patch);
      return original.filter((v) => !del.has(v));
    }
    merged = [...new Set([...original, ...patch])];
  } else {
    if (mergeKey === '') throw E.other('cannot merge lists without merge key for Struct');
    [orig, pat] = specialElements(original, patch, mergeKey);
    merged = [...orig];
    for (const v of pat) {
      const m = v as JMap;
      if (!Object.hasOwn(m, mergeKey)) throw E.noMergeKey(m, mergeKey);
      const i = findByKey(merged, mergeKey, m[mergeKey]);
      if (i >= 0) merged[i] = mergeMap(merged[i] as JMap, m, schema);
      else merged.push(v);
    }
  }
  const [patchItems, serverOnly] = partition(merged, pat, mergeKey, kind);
  return normalizeOrder(patchItems, serverOnly, pat, orig, mergeKey, kind);
}

function findByKey(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isObject(v)) throw E.other(`value for key ${i} is not a map`);
    if (Object.hasOwn(v, key) && v[key] === value) return i;
  }
  return -1;
}

/** Handles `$patch` items of a list of maps: delete by key, replace the whole list, reject merge. */
function specialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let orig = original;
  let replace = false;
  for (const v of patch) {
    const m = v as JMap;
    if (!Object.hasOwn(m, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const d = m[DIRECTIVE];
    if (d === 'delete') {
      if (!Object.hasOwn(m, mergeKey)) throw E.noMergeKey(m, mergeKey);
      orig = orig.filter((x) => !(isObject(x) && x[mergeKey] === m[mergeKey]));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw E.other('merging lists cannot yet be specified in the patch');
    } else {
      throw E.badPatchType(d, m);
    }
  }
  return replace ? [plain, []] : [orig, plain];
}

function partition(merged: unknown[], by: unknown[], mergeKey: string, kind: Kind): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) {
    if (kind === 'map' && !(isObject(v) && Object.hasOwn(v, mergeKey))) throw E.noMergeKey(v, mergeKey);
    (indexIn(by, v, mergeKey, kind) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function sortBy(items: unknown[], order: unknown[], mergeKey: string, kind: Kind): unknown[] {
  let keep = items;
  let deletes: unknown[] = [];
  if (kind === 'map') {
    for (const v of [...items, ...order]) if (!(isObject(v) && Object.hasOwn(v, mergeKey))) throw E.noMergeKey(v, mergeKey);
    keep = items.filter((v) => (v as JMap)[DIRECTIVE] !== 'delete');
    deletes = items.filter((v) => (v as JMap)[DIRECTIVE] === 'delete');
  }
  const rank = (v: unknown): number => {
    const i = indexIn(order, v, mergeKey, kind);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...keep.map((v, i) => ({ v, r: rank(v), i })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.v), ...deletes];
}

/** normalizeElementOrder + mergeSortedSlice: patch items in patch order, server-only items placed by live order. */
function normalizeOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const right = sortBy(patchItems, patchOrder, mergeKey, kind);
  const left = sortBy(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Processes `$setElementOrder/<field>` directives: merges the field, then orders it by the directive. */
function mergeSetElementOrder(original: JMap, patch: JMap, schema: TypeRef | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw E.other(`expected a []interface {}, but received a ${kindOf(order)}`);
    const field = extractKey(key, SET_ORDER);
    const foundOrig = Object.hasOwn(original, field);
    const foundPatch = Object.hasOwn(patch, field);
    const origList = original[field];
    const patchList = patch[field];
    if (foundOrig && !Array.isArray(origList)) throw E.other(`expected a []interface {}, but received a ${kindOf(origList)}`);
    if (foundPatch && !Array.isArray(patchList)) throw E.other(`expected a []interface {}, but received a ${kindOf(patchList)}`);
    const o = (foundOrig ? origList : []) as unknown[];
    const p = (foundPatch ? patchList : []) as unknown[];
    const m = lookup(schema, field, true);
    const strategy = strategyOf(m.strategies);
    validateOrder(p, order, m.mergeKey);
    let merged: unknown[];
    if (foundOrig && !foundPatch) merged = o;
    else if (!foundOrig && foundPatch) merged = removeDirectives(p)[0] as unknown[];
    else if (foundOrig && foundPatch) merged = mergeSliceHandler(o, p, m.sub, strategy, m.mergeKey, false);
    else continue;
    const kind = elementKind(o, p);
    const [patchItems, serverOnly] = m.mergeKey === '' ? partition(merged, order, '', 'string') : partition(merged, order, m.mergeKey, 'map');
    setKey(original, field, normalizeOrder(patchItems, serverOnly, order, o, m.mergeKey, kind));
    delete patch[field];
  }
}

/** validatePatchWithSetOrderList: patch items must appear in the directive, in the same relative order. */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isObject(v) && v[DIRECTIVE] === 'delete')) : patchList;
  let pi = 0;
  let si = 0;
  while (pi < items.length && si < order.length) {
    const item = items[pi];
    if (isObject(item) && Object.hasOwn(item, DIRECTIVE)) {
      pi++;
      continue;
    }
    const a = mergeKey ? (isObject(item) ? item[mergeKey] : undefined) : item;
    const o = order[si];
    const b = mergeKey ? (isObject(o) ? o[mergeKey] : undefined) : o;
    if (mergeKey && isObject(item) && !Object.hasOwn(item, mergeKey)) throw E.noMergeKey(item, mergeKey);
    if (a === b) pi++;
    si++;
  }
  if (pi < items.length) {
    throw E.other(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ORDER} list:\n${goValue(order)}\n`);
  }
}

/**
 * RFC 6902 JSON patch (`application/json-patch+json`) with the error texts of evanphx/json-patch v4.
 *
 * kube-apiserver (`handlers/patch.go` applyJSPatch) answers 400 when the patch does not decode and 422
 * when an operation does not apply (`replace operation does not apply: doc is missing key: /spec/x: missing value`).
 */
import { badRequest, StatusError } from '../../api/errors.js';
import type { Status } from '../../api/types.js';
import { isObject, jsonEqual, setKey } from './go-format.js';

/** Most operations one JSON patch may hold (kube's `maxJSONPatchOperations`). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
  hasValue: boolean;
}

function unprocessable(message: string): StatusError {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Invalid', code: 422 };
  return new StatusError(s);
}

function decode(patch: unknown): Op[] {
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${isObject(patch) ? 'object' : typeof patch} into Go value of type jsonpatch.Patch`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 413, reason: 'RequestEntityTooLarge',
      message: `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}` };
    throw new StatusError(s);
  }
  return patch.map((raw) => {
    if (!isObject(raw)) throw badRequest('json: cannot unmarshal into Go value of type jsonpatch.Operation');
    const op: Op = { op: typeof raw['op'] === 'string' ? raw['op'] : '', path: typeof raw['path'] === 'string' ? raw['path'] : '', hasValue: Object.hasOwn(raw, 'value') };
    if (typeof raw['from'] === 'string') op.from = raw['from'];
    if (op.hasValue) op.value = raw['value'];
    return op;
  });
}

/** Parent container and final key of a JSON pointer, or undefined when an intermediate step is missing. */
function find(doc: unknown, path: string): { con: Record<string, unknown> | unknown[]; key: string } | undefined {
  const parts = path.split('/');
  if (parts.length < 2 || parts[0] !== '') return undefined;
  const keys = parts.slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur: unknown = doc;
  for (const k of keys.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(k);
      if (!/^\d+$/.test(k) || i >= cur.length) return undefined;
      cur = cur[i];
    } else if (isObject(cur) && Object.hasOwn(cur, k)) {
      cur = cur[k];
    } else {
      return undefined;
    }
  }
  if (!Array.isArray(cur) && !isObject(cur)) return undefined;
  return { con: cur, key: keys[keys.length - 1] ?? '' };
}

function index(key: string, len: number, forAdd: boolean): number {
  if (forAdd && key === '-') return len;
  if (!/^-?\d+$/.test(key)) throw unprocessable(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  let i = Number(key);
  if (i < 0) i += len + (forAdd ? 1 : 0);
  if (i < 0 || i > len || (!forAdd && i === len)) throw unprocessable(`Unable to access invalid index: ${key}: invalid index referenced`);
  return i;
}

function get(con: Record<string, unknown> | unknown[], key: string): { found: boolean; value: unknown } {
  if (Array.isArray(con)) {
    const i = index(key, con.length, false);
    return { found: true, value: con[i] };
  }
  return Object.hasOwn(con, key) ? { found: true, value: con[key] } : { found: false, value: undefined };
}

function add(con: Record<string, unknown> | unknown[], key: string, value: unknown): void {
  if (Array.isArray(con)) con.splice(index(key, con.length, true), 0, value);
  else setKey(con, key, value);
}

function remove(con: Record<string, unknown> | unknown[], key: string, path: string): void {
  if (Array.isArray(con)) {
    con.splice(index(key, con.length, false), 1);
    return;
  }
  if (!Object.hasOwn(con, key)) throw unprocessable(`error in remove for path: '${path}': Unable to remove nonexistent key: ${key}: missing value`);
  delete con[key];
}

/**
 * Applies a decoded JSON patch to a deep copy of `doc`. Throws StatusError 400 for a malformed patch,
 * 413 for more than MAX_JSON_PATCH_OPERATIONS operations, 422 when an operation does not apply.
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  const ops = decode(patch);
  let root: unknown = structuredClone(doc);
  for (const op of ops) {
    const path = op.path;
    const value = structuredClone(op.value);
    switch (op.op) {
      case 'add': {
        if (!op.hasValue) throw unprocessable(`add operation failed to decode value: missing value`);
        if (path === '') {
          root = value;
          break;
        }
        const t = find(root, path);
        if (!t) throw unprocessable(`add operation does not apply: doc is missing path: "${path}": missing value`);
        add(t.con, t.key, value);
        break;
      }
      case 'remove': {
        const t = find(root, path);
        if (!t) throw unprocessable(`remove operation does not apply: doc is missing path: "${path}": missing value`);
        remove(t.con, t.key, path);
        break;
      }
      case 'replace': {
        if (path === '') {
          root = value;
          break;
        }
        const t = find(root, path);
        if (!t) throw unprocessable(`replace operation does not apply: doc is missing path: ${path}: missing value`);
        if (!get(t.con, t.key).found) throw unprocessable(`replace operation does not apply: doc is missing key: ${path}: missing value`);
        if (Array.isArray(t.con)) t.con[index(t.key, t.con.length, false)] = value;
        else setKey(t.con, t.key, value);
        break;
      }
      case 'move':
      case 'copy': {
        const from = op.from ?? '';
        const f = find(root, from);
        if (!f) throw unprocessable(`${op.op} operation does not apply: doc is missing from path: ${from}: missing value`);
        const got = get(f.con, f.key);
        if (!got.found) throw unprocessable(`error in ${op.op} for path: '${f.key}': Unable to get nonexistent key: ${f.key}: missing value`);
        if (op.op === 'move') remove(f.con, f.key, from);
        const t = find(root, path);
        if (!t) throw unprocessable(`${op.op} operation does not apply: doc is missing destination path: ${path}: missing value`);
        add(t.con, t.key, op.op === 'copy' ? structuredClone(got.value) : got.value);
        break;
      }
      case 'test': {
        if (path === '') {
          if (!jsonEqual(root, value)) throw unprocessable(`testing value ${path} failed: test failed`);
          break;
        }
        const t = find(root, path);
        if (!t) throw unprocessable(`test operation does not apply: is missing path: ${path}: missing value`);
        const got = Array.isArray(t.con) ? get(t.con, t.key) : { found: Object.hasOwn(t.con, t.key), value: t.con[t.key] };
        const actual = got.found ? got.value : null;
        if (!jsonEqual(actual ?? null, value ?? null)) throw unprocessable(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw unprocessable(`Unexpected kind: ${op.op}`);
    }
  }
  return root;
}

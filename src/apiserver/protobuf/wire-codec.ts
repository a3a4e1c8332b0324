/**
 * Encodes the JSON shape of a Kubernetes object as its protobuf message and back, driven by the generated wire
 * schema (wire-schema.gen.ts), with the JSON forms of the well-known types: meta/v1 Time and MicroTime ↔ RFC 3339,
 * resource.Quantity ↔ string, intstr.IntOrString ↔ number or string, FieldsV1/RawExtension ↔ embedded JSON,
 * `bytes` ↔ base64 strings, maps ↔ repeated key/value entries.
 *
 * Mirrors the gogo-protobuf code kube-apiserver runs (k8s.io/api `core/v1/generated.pb.go`, apimachinery
 * `meta/v1/generated.pb.go`, `time_proto.go`, `micro_time_proto.go`, `resource/quantity_proto.go`,
 * `intstr/generated.pb.go`) followed by encoding/json of the Go struct:
 * - encoding writes what Go writes: non-pointer fields always (zero or not, embedded structs as possibly empty
 *   messages), pointer fields only when set, map entries sorted by key, fields in number order;
 * - decoding yields what Go's JSON of the decoded struct holds: zero values of `omitempty` fields are left out,
 *   non-pointer structs appear (possibly `{}`), pointer fields appear whenever sent (an explicit `false` or `0`
 *   survives), and Go's `null`s (nil lists and maps, zero Times) are left out.
 */
import protobuf from 'protobufjs';
import type { Reader, Writer } from 'protobufjs';
import { WIRE_SCHEMA } from './wire-schema.gen.js';
import type { WireField } from './wire-types.js';

type Json = Record<string, unknown>;

const TIME = 'meta.v1.Time';
const MICRO_TIME = 'meta.v1.MicroTime';

/** Wire type of a field's values: 0 varint, 2 length-delimited. */
function wireTypeOf(type: string): number {
  return type === 'bool' || type === 'int32' || type === 'int64' ? 0 : 2;
}

function isScalar(type: string): boolean {
  return type === 'string' || type === 'bytes' || type === 'bool' || type === 'int32' || type === 'int64';
}

function fieldsOf(type: string): WireField[] {
  const f = WIRE_SCHEMA[type];
  if (!f) throw new Error(`no protobuf schema for message ${type}`);
  return f;
}

const jsonName = (f: WireField): string => f.json ?? f.name;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeError(path: string, want: string, v: unknown): Error {
  return new Error(`${path}: cannot encode ${JSON.stringify(v)} as ${want}`);
}

// ---------- time ----------

const TIME_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;

/** RFC 3339 → {seconds, nanos}; `micro` keeps the fraction truncated to microseconds (Time drops it, as ProtoTime). */
function parseTime(v: unknown, micro: boolean, path: string): { seconds: number; nanos: number } {
  const m = typeof v === 'string' ? TIME_RE.exec(v) : null;
  if (!m) throw typeError(path, 'an RFC 3339 time', v);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw typeError(path, 'an RFC 3339 time', v);
  const frac = (m[2] ?? '').padEnd(9, '0');
  return { seconds: Math.floor(ms / 1000), nanos: micro ? Math.floor(Number(frac) / 1000) * 1000 : 0 };
}

/** {seconds, nanos} → `2006-01-02T15:04:05Z` (Time) or `2006-01-02T15:04:05.000000Z` (MicroTime), in UTC. */
function formatTime(seconds: number, nanos: number, micro: boolean): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new Error(`time out of range: ${seconds}s`);
  const base = d.toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

// ---------- encoding ----------

function writeScalar(w: Writer, no: number, type: string, v: unknown, path: string): void {
  w.uint32((no << 3) | wireTypeOf(type));
  switch (type) {
    case 'string':
      if (v !== undefined && typeof v !== 'string') throw typeError(path, 'a string', v);
      w.string(v ?? '');
      return;
    case 'bytes':
      if (v !== undefined && typeof v !== 'string') throw typeError(path, 'base64 bytes', v);
      w.bytes(Buffer.from(v ?? '', 'base64'));
      return;
    case 'bool':
      if (v !== undefined && typeof v !== 'boolean') throw typeError(path, 'a boolean', v);
      w.bool(v ?? false);
      return;
    case 'int32':
    case 'int64': {
      const n = v ?? 0;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw typeError(path, `an ${type}`, v);
      if (type === 'int32') w.int32(n);
      else w.int64(n);
      return;
    }
  }
}

/** Writes the body of a `type` message for JSON value `v` (undefined = the Go zero value). */
function writeBody(w: Writer, type: string, v: unknown, path: string): void {
  switch (type) {
    case TIME:
    case MICRO_TIME: {
      if (v === undefined || v === null || v === '') return;
      const t = parseTime(v, type === MICRO_TIME, path);
      w.uint32(8).int64(t.seconds);
      w.uint32(16).int32(t.nanos);
      return;
    }
    case 'resource.Quantity':
      if (v !== undefined && typeof v !== 'string' && typeof v !== 'number') throw typeError(path, 'a quantity', v);
      w.uint32(10).string(v === undefined ? '0' : String(v));
      return;
    case 'intstr.IntOrString': {
      const isString = typeof v === 'string';
      if (v !== undefined && !isString && !(typeof v === 'number' && Number.isInteger(v))) throw typeError(path, 'an int or string', v);
      w.uint32(8).int64(isString ? 1 : 0);
      w.uint32(16).int32(isString ? 0 : ((v as number | undefined) ?? 0));
      w.uint32(26).string(isString ? v : '');
      return;
    }
    case 'meta.v1.FieldsV1':
    case 'runtime.RawExtension':
      if (v === undefined || v === null) return;
      w.uint32(10).bytes(Buffer.from(JSON.stringify(v)));
      return;
    case 'authentication.v1.ExtraValue':
    case 'authorization.v1.ExtraValue':
      // `type ExtraValue []string`: a JSON array, a message of `repeated string items = 1` on the wire.
      if (v !== undefined && v !== null && !Array.isArray(v)) throw typeError(path, 'a list of strings', v);
      for (const item of (v ?? []) as unknown[]) w.uint32(10).string(String(item));
      return;
    default:
      if (v !== undefined && !isObject(v)) throw typeError(path, `a ${type} object`, v);
      writeFields(w, type, v ?? {}, path);
  }
}

function writeValue(w: Writer, no: number, type: string, v: unknown, path: string): void {
  if (isScalar(type)) return writeScalar(w, no, type, v, path);
  w.uint32((no << 3) | 2).fork();
  writeBody(w, type, v, path);
  w.ldelim();
}

function writeFields(w: Writer, type: string, obj: Json, path: string): void {
  for (const f of fieldsOf(type)) {
    if (f.inline) {
      writeValue(w, f.no, f.type, obj, path);
      continue;
    }
    const name = jsonName(f);
    const v = obj[name];
    const p = path ? `${path}.${name}` : name;
    if (f.label === 'map') {
      if (v === undefined || v === null) continue;
      if (!isObject(v)) throw typeError(p, 'an object', v);
      for (const k of Object.keys(v).sort()) {
        w.uint32((f.no << 3) | 2).fork();
        w.uint32(10).string(k);
        writeValue(w, 2, f.type, v[k] ?? undefined, `${p}[${k}]`);
        w.ldelim();
      }
    } else if (f.label === 'repeated') {
      if (v === undefined || v === null) continue;
      if (!Array.isArray(v)) throw typeError(p, 'a list', v);
      v.forEach((e: unknown, i) => writeValue(w, f.no, f.type, e ?? undefined, `${p}[${i}]`));
    } else if (v === undefined || v === null) {
      // Go writes non-pointer fields even when zero; nil pointers and nil byte slices are not written.
      if (!f.ptr && f.type !== 'bytes') writeValue(w, f.no, f.type, undefined, p);
    } else {
      writeValue(w, f.no, f.type, v, p);
    }
  }
}

/**
 * Encodes `obj` (JSON shape; keys the schema lacks, such as apiVersion and kind, are ignored) as a `type` message
 * (`core.v1.Pod`), byte for byte as kube's Go types marshal. Throws an Error naming the JSON path when a value has
 * the wrong JSON type for its field, or when `type` is not in the schema.
 */
export function encodeMessage(type: string, obj: Json): Uint8Array {
  const w = protobuf.Writer.create();
  writeFields(w, type, obj, '');
  return w.finish();
}

// ---------- decoding ----------

/** The error gogo-protobuf's Unmarshal returns for a message cut short. */
const EOF = 'unexpected EOF';

function goName(f: WireField): string {
  return f.name.charAt(0).toUpperCase() + f.name.slice(1);
}

function readInt(r: Reader, type: string): number {
  if (type === 'int32') return r.int32();
  const v = r.int64() as unknown;
  return typeof v === 'number' ? v : (v as { toNumber(): number }).toNumber();
}

function readScalar(r: Reader, type: string): unknown {
  switch (type) {
    case 'string':
      return Buffer.from(r.bytes()).toString('utf8');
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64');
    case 'bool':
      return r.bool();
    default:
      return readInt(r, type);
  }
}

/** Reads a length-delimited field's bytes with bounds checks. */
function readDelimited(r: Reader): Uint8Array {
  const len = r.uint32();
  if (len > r.len - r.pos) throw new Error(EOF);
  const b = r.buf.subarray(r.pos, r.pos + len);
  r.pos += len;
  return b;
}

function skip(r: Reader, wt: number): void {
  if (wt === 3 || wt === 4 || wt > 5) throw new Error(`proto: illegal wireType ${wt}`);
  r.skipType(wt);
}

function readMapEntry(bytes: Uint8Array, f: WireField): [string, Uint8Array | unknown | undefined] {
  const r = protobuf.Reader.create(bytes);
  let key = '';
  let value: unknown;
  while (r.pos < r.len) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 1 && wt === 2) key = Buffer.from(r.bytes()).toString('utf8');
    else if (no === 2 && wt === wireTypeOf(f.type)) value = isScalar(f.type) ? readScalar(r, f.type) : readDelimited(r);
    else if (no === 1 || no === 2) throw new Error(`proto: wrong wireType = ${wt} for field ${no === 1 ? 'key' : 'value'}`);
    else skip(r, wt);
  }
  return [key, value];
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function zeroOf(type: string): unknown {
  return type === 'string' ? '' : type === 'bool' ? false : 0;
}

/** The JSON of a `type` message body (undefined when Go's JSON is `null`: zero Times, nil FieldsV1/RawExtension). */
function bodyToJson(type: string, bytes: Uint8Array): unknown {
  switch (type) {
    case TIME:
    case MICRO_TIME: {
      if (bytes.length === 0) return undefined;
      const t = readFields('meta.v1.Time', bytes);
      return formatTime(Number(t['seconds'] ?? 0), Number(t['nanos'] ?? 0), type === MICRO_TIME);
    }
    case 'resource.Quantity': {
      const q = readFields(type, bytes)['string'];
      return typeof q === 'string' && q !== '' ? q : '0';
    }
    case 'intstr.IntOrString': {
      const v = readFields(type, bytes);
      return Number(v['type'] ?? 0) === 1 ? (v['strVal'] ?? '') : (v['intVal'] ?? 0);
    }
    case 'meta.v1.FieldsV1':
    case 'runtime.RawExtension': {
      const raw = readFields(type, bytes)[type === 'meta.v1.FieldsV1' ? 'Raw' : 'raw'];
      if (typeof raw !== 'string') return undefined;
      return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
    }
    case 'authentication.v1.ExtraValue':
    case 'authorization.v1.ExtraValue':
      return readFields(type, bytes)['items'] ?? [];
    default:
      return readFields(type, bytes);
  }
}

/** Decodes one message into its JSON shape (for the well-known types: their raw fields by proto name). */
function readFields(type: string, bytes: Uint8Array): Json {
  const fields = fieldsOf(type);
  const byNo = new Map(fields.map((f) => [f.no, f]));
  const singles = new Map<number, unknown>();
  const lists = new Map<number, unknown[]>();
  const r = protobuf.Reader.create(bytes);
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      const no = tag >>> 3;
      const wt = tag & 7;
      if (no === 0) throw new Error('proto: illegal tag 0 (wire type ' + wt + ')');
      const f = byNo.get(no);
      if (!f) {
        skip(r, wt);
        continue;
      }
      const want = wireTypeOf(f.type);
      if (f.label === 'repeated' && want === 0 && wt === 2) {
        const packed = protobuf.Reader.create(readDelimited(r));
        const list = lists.get(no) ?? [];
        while (packed.pos < packed.len) list.push(readScalar(packed, f.type));
        lists.set(no, list);
        continue;
      }
      if (f.label === 'map' ? wt !== 2 : wt !== want) throw new Error(`proto: wrong wireType = ${wt} for field ${goName(f)}`);
      const value = isScalar(f.type) && f.label !== 'map' ? readScalar(r, f.type) : readDelimited(r);
      if (f.label) lists.set(no, [...(lists.get(no) ?? []), value]);
      else singles.set(no, value);
    }
  } catch (err) {
    if (err instanceof RangeError) throw new Error(EOF, { cause: err });
    throw err;
  }
  const out: Json = {};
  for (const f of fields) {
    const scalar = isScalar(f.type);
    const sub = (b: unknown): unknown => (scalar ? b : bodyToJson(f.type, b as Uint8Array));
    if (f.label === 'map') {
      const entries = lists.get(f.no);
      if (!entries?.length) continue;
      const m: Json = {};
      for (const e of entries) {
        const [k, v] = readMapEntry(e as Uint8Array, f);
        m[k] = v === undefined ? (scalar ? (f.type === 'bytes' ? '' : zeroOf(f.type)) : bodyToJson(f.type, new Uint8Array(0))) : sub(v);
      }
      out[jsonName(f)] = m;
      continue;
    }
    if (f.label === 'repeated') {
      const items = lists.get(f.no);
      if (items?.length) out[jsonName(f)] = items.map(sub);
      continue;
    }
    const present = singles.has(f.no);
    let v: unknown;
    if (present) v = sub(singles.get(f.no));
    else if (f.ptr || (scalar && f.omitempty) || f.type === 'bytes') continue;
    else v = scalar ? zeroOf(f.type) : bodyToJson(f.type, new Uint8Array(0));
    if (v === undefined) continue;
    if (scalar && !f.ptr && f.omitempty && isZero(v)) continue;
    if (f.type === 'bytes' && !f.ptr && f.omitempty && v === '') continue;
    if (f.inline) Object.assign(out, v as Json);
    else out[jsonName(f)] = v;
  }
  return out;
}

/**
 * Decodes a `type` message (`core.v1.Pod`, `meta.v1.DeleteOptions`) into the JSON kube-apiserver would write for
 * it, without apiVersion/kind. Unknown field numbers are skipped, as Go does. Throws an Error with gogo-protobuf's
 * wording (`unexpected EOF`, `proto: wrong wireType = 2 for field Name`, `proto: illegal wireType 6`) on bad bytes.
 */
export function decodeMessage(type: string, bytes: Uint8Array): Json {
  return readFields(type, bytes);
}

/** Whether the schema has message `type`. */
export function hasMessage(type: string): boolean {
  return WIRE_SCHEMA[type] !== undefined;
}

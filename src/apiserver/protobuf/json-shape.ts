/**
 * Conversion between decoded protobuf messages and the JSON shape of the same Kubernetes object, driven by the
 * schema's reflection: meta/v1 Time ↔ RFC 3339, FieldsV1 ↔ raw JSON, `bytes` ↔ base64 strings, int64 ↔ number.
 *
 * Go encodes non-pointer fields even when zero (`generateName: ""`, `generation: 0`, `creationTimestamp: {}`),
 * while their JSON tags are `omitempty`; so zero scalars, zero Times and empty maps and lists are dropped, except
 * for the pointer fields and non-omitempty fields listed in KEEP_ZERO, where an explicit zero means something.
 * The result is what kube-apiserver's JSON encoding of the decoded Go struct would hold.
 */
import protobuf from 'protobufjs';
import type { IConversionOptions, Type } from 'protobufjs';

/** `Message.field` whose zero value is meaningful: Go pointers (`*bool`, `*int64`) and fields without omitempty. */
const KEEP_ZERO = new Set([
  'ConfigMap.immutable',
  'Secret.immutable',
  'ServiceAccount.automountServiceAccountToken',
  'ObjectMeta.deletionGracePeriodSeconds',
  'ObjectMeta.deletionTimestamp',
  'OwnerReference.apiVersion',
  'OwnerReference.kind',
  'OwnerReference.name',
  'OwnerReference.uid',
  'OwnerReference.controller',
  'OwnerReference.blockOwnerDeletion',
  'NamespaceCondition.type',
  'NamespaceCondition.status',
]);

const TO_OBJECT: IConversionOptions = { longs: Number, bytes: String };

type Json = Record<string, unknown>;

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

/** meta/v1 Time {seconds, nanos} → `2006-01-02T15:04:05Z` (second precision, as metav1.Time marshals). */
function timeToJson(t: Json, keep: boolean): string | undefined {
  const seconds = Number(t['seconds'] ?? 0);
  if (seconds === 0 && Number(t['nanos'] ?? 0) === 0 && !keep) return undefined;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function messageToJson(type: Type, value: Json, keep: boolean): unknown {
  switch (type.name) {
    case 'Time':
      return timeToJson(value, keep);
    case 'FieldsV1': {
      const raw = typeof value['Raw'] === 'string' ? Buffer.from(value['Raw'], 'base64').toString('utf8') : '';
      return raw === '' ? {} : (JSON.parse(raw) as unknown);
    }
    default:
      return fieldsToJson(type, value);
  }
}

function fieldsToJson(type: Type, obj: Json): Json {
  const out: Json = {};
  for (const field of type.fieldsArray) {
    const v = obj[field.name];
    if (v === undefined || v === null) continue;
    const keep = KEEP_ZERO.has(`${type.name}.${field.name}`);
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    let j: unknown;
    if (field.map) {
      const entries = Object.entries(v as Json);
      j = entries.length === 0 ? undefined : Object.fromEntries(entries.map(([k, e]) => [k, sub ? messageToJson(sub, e as Json, true) : e]));
    } else if (field.repeated) {
      const items = v as unknown[];
      j = items.length === 0 ? undefined : items.map((e) => (sub ? messageToJson(sub, e as Json, true) : e));
    } else if (sub) {
      j = messageToJson(sub, v as Json, keep);
    } else {
      j = keep || !isZero(v) ? v : undefined;
    }
    if (j !== undefined) out[field.name] = j;
  }
  return out;
}

/**
 * Decodes `raw` as a `type` message and returns its JSON shape (without apiVersion/kind). Throws protobufjs's
 * Error on malformed input.
 */
export function decodeToJson(type: Type, raw: Uint8Array): Json {
  const obj = type.toObject(type.decode(raw), TO_OBJECT) as Json;
  return fieldsToJson(type, obj);
}

function messageFromJson(type: Type, value: unknown): unknown {
  switch (type.name) {
    case 'Time': {
      const ms = typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isNaN(ms) ? undefined : { seconds: Math.floor(ms / 1000), nanos: 0 };
    }
    case 'FieldsV1':
      return { Raw: Buffer.from(JSON.stringify(value ?? {})) };
    default:
      return typeof value === 'object' && value !== null ? fieldsFromJson(type, value as Json) : undefined;
  }
}

function fieldsFromJson(type: Type, obj: Json): Json {
  const out: Json = {};
  for (const field of type.fieldsArray) {
    const v = obj[field.name];
    if (v === undefined || v === null) continue;
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (!sub) out[field.name] = v;
    else if (field.map) out[field.name] = Object.fromEntries(Object.entries(v as Json).map(([k, e]) => [k, messageFromJson(sub, e)]));
    else if (field.repeated) out[field.name] = (v as unknown[]).map((e) => messageFromJson(sub, e));
    else out[field.name] = messageFromJson(sub, v);
  }
  return out;
}

/**
 * Encodes the JSON shape of an object as a `type` message (fields the schema lacks, such as apiVersion/kind, are
 * left out; base64 strings become bytes). Throws protobufjs's Error when a value has the wrong type.
 */
export function encodeFromJson(type: Type, obj: Json): Uint8Array {
  return type.encode(type.fromObject(fieldsFromJson(type, obj))).finish();
}

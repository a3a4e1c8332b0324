/**
 * Server-side field validation of a decoded object against the schema: unknown fields and wrong types.
 *
 * Mirrors what kube-apiserver learns when it decodes a body into the Go type: sigs.k8s.io/json strict
 * mode reports `unknown field "spec.containers[0].imagePullPolicyy"`, and encoding/json reports the first
 * type mismatch as `json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`.
 */
import { fieldOf, goName, resolveType, typeNameForKind, type TypeRef } from './schema.js';
import type { GroupVersionKind } from './types.js';

/** Findings of one walk. */
export interface FieldValidationResult {
  /** Paths of unknown fields in document order (`metadata.foo`, `spec.containers[0].x`). */
  unknown: string[];
  /** The first decode error (type mismatch, bad quantity, bad base64, bad time), as kube words it. */
  typeError?: string;
}

/**
 * Walks `obj` as an instance of `gvk`'s type. For a kind the schema lacks, returns no findings
 * (unknown kinds are stored as-is, like unstructured objects).
 */
export function validateFields(obj: unknown, gvk: GroupVersionKind): FieldValidationResult {
  const result: FieldValidationResult = { unknown: [] };
  const name = typeNameForKind(gvk);
  if (!name) return result;
  const w = new Walker(result);
  w.walk(obj, resolveType(name), { path: '', goPath: '', struct: '' });
  return result;
}

/** Unknown field paths of `obj` (see validateFields). */
export function unknownFields(obj: unknown, gvk: GroupVersionKind): string[] {
  return validateFields(obj, gvk).unknown;
}

interface Where {
  /** Strict-error path with indices: `spec.containers[0].name`. */
  path: string;
  /** encoding/json field path without indices: `spec.containers.name`. */
  goPath: string;
  /** Go struct holding the current field (`Container`), '' at the root. */
  struct: string;
}

const INT_RANGE = { int32: [-2147483648, 2147483647], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const SUFFIX = /^(|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** Go spelling of a type in messages (`[]v1.Container`, `map[string]string`, `int32`). */
export function goTypeName(t: TypeRef): string {
  switch (t.kind) {
    case 'list':
      return `[]${goTypeName(t.items)}`;
    case 'map':
      return `map[string]${goTypeName(t.values)}`;
    case 'struct':
      // Every k8s.io/api package and meta/v1 is a Go package named v1: `v1.Container`, `v1.DeploymentSpec`.
      return `v1.${goName(t.name)}`;
    case 'any':
      return t.name === 'any' ? 'interface {}' : t.name === 'RawExtension' ? 'runtime.RawExtension' : 'v1.FieldsV1';
    case 'scalar':
      switch (t.name) {
        case 'bytes':
          return '[]uint8';
        case 'Quantity':
          return 'resource.Quantity';
        case 'IntOrString':
          return 'intstr.IntOrString';
        case 'Time':
        case 'MicroTime':
        case 'Duration':
          return `v1.${t.name}`;
        default:
          return t.name;
      }
  }
}

class Walker {
  constructor(private readonly out: FieldValidationResult) {}

  private mismatch(value: unknown, t: TypeRef, at: Where, valueText?: string): void {
    if (this.out.typeError !== undefined) return;
    const v = valueText ?? jsonKind(value);
    this.out.typeError = at.struct
      ? `json: cannot unmarshal ${v} into Go struct field ${at.struct}.${at.goPath} of type ${goTypeName(t)}`
      : `json: cannot unmarshal ${v} into Go value of type ${goTypeName(t)}`;
  }

  private fail(message: string): void {
    if (this.out.typeError === undefined) this.out.typeError = message;
  }

  walk(value: unknown, t: TypeRef, at: Where): void {
    if (value === null || value === undefined) return;
    switch (t.kind) {
      case 'any':
        return;
      case 'struct': {
        if (typeof value !== 'object' || Array.isArray(value)) return this.mismatch(value, t, at);
        for (const [k, v] of Object.entries(value)) {
          const path = at.path ? `${at.path}.${k}` : k;
          const f = fieldOf(t.def, k);
          if (!f) {
            this.out.unknown.push(path);
            continue;
          }
          const goPath = at.goPath ? `${at.goPath}.${k}` : k;
          this.walk(v, resolveType(f.type), { path, goPath, struct: goName(t.name) });
        }
        return;
      }
      case 'list':
        if (!Array.isArray(value)) return this.mismatch(value, t, at);
        value.forEach((v, i) => this.walk(v, t.items, { ...at, path: `${at.path}[${i}]` }));
        return;
      case 'map':
        if (typeof value !== 'object' || Array.isArray(value)) return this.mismatch(value, t, at);
        for (const [k, v] of Object.entries(value)) this.walk(v, t.values, { ...at, path: `${at.path}.${k}` });
        return;
      case 'scalar':
        return this.scalar(value, t, at);
    }
  }

  private scalar(value: unknown, t: TypeRef & { kind: 'scalar' }, at: Where): void {
    switch (t.name) {
      case 'string':
        if (typeof value !== 'string') this.mismatch(value, t, at);
        return;
      case 'bool':
        if (typeof value !== 'boolean') this.mismatch(value, t, at);
        return;
      case 'float64':
        if (typeof value !== 'number') this.mismatch(value, t, at);
        return;
      case 'int32':
      case 'int64': {
        if (typeof value !== 'number') return this.mismatch(value, t, at);
        const [min, max] = INT_RANGE[t.name];
        if (!Number.isInteger(value) || value < min || value > max) this.mismatch(value, t, at, `number ${value}`);
        return;
      }
      case 'bytes':
        if (typeof value !== 'string') return this.mismatch(value, t, at);
        if (!BASE64.test(value)) this.fail(`illegal base64 data at input byte ${badBase64Offset(value)}`);
        return;
      case 'IntOrString':
        if (typeof value === 'string') return;
        if (typeof value !== 'number' || !Number.isInteger(value)) this.mismatch(value, resolveType('int32'), at);
        return;
      case 'Quantity': {
        if (typeof value === 'number') return;
        if (typeof value !== 'string') return this.mismatch(value, t, at);
        const m = QUANTITY.exec(value.trim());
        if (!m) this.fail("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        else if (!SUFFIX.test(m[2] ?? '') || (m[1] ?? '').split('.').length > 2) this.fail("unable to parse quantity's suffix");
        return;
      }
      case 'Time':
      case 'MicroTime':
        if (typeof value !== 'string') return this.mismatch(value, resolveType('string'), at);
        if (value !== '' && !RFC3339.test(value)) {
          this.fail(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`);
        }
        return;
      case 'Duration':
        if (typeof value !== 'string') this.mismatch(value, resolveType('string'), at);
        return;
    }
  }
}

function badBase64Offset(s: string): number {
  const i = s.search(/[^A-Za-z0-9+/=]/);
  if (i >= 0) return i;
  const pad = s.indexOf('=');
  if (pad >= 0 && pad < s.length - 2) return pad;
  return Math.floor(s.length / 4) * 4;
}

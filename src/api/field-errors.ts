/**
 * Builders of field-level validation errors, rendering values and details like apimachinery `field.Error`.
 *
 * Mirrors apimachinery `pkg/util/validation/field/errors.go`: `Required`, `Invalid`, `NotSupported`,
 * `Duplicate`, `NotFound`, `Forbidden`, `TooLong`. The `detail` of each FieldError is what
 * `(*field.Error).ErrorBody()` returns, e.g. `Invalid value: "x": must be ...`, so
 * `formatFieldError` (errors.ts) prints `spec.x: Invalid value: "x": must be ...` exactly like kube.
 * Callers usually `import * as field from '../api/field-errors.js'`.
 */
import type { FieldError } from './errors.js';

/**
 * Quotes a string like Go's `%q` / `strconv.Quote` (JSON escaping, which matches Go for printable text).
 */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-1][0-9a-f])/g, (_m, hex: string) => `\\x${hex}`);
}

/**
 * Renders a bad value the way `ErrorBody` does: strings quoted (`%q`), numbers and booleans bare,
 * null/undefined as `null`, string lists as Go's `%#v` (`[]string{"a", "b"}`), other values as JSON.
 */
export function formatBadValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof GoValue) return value.text;
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${(value as string[]).map(goQuote).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** A bad value already rendered as Go's `%#v` prints it (structs, maps: `map[string]string{"app":"web"}`), printed as is. */
export class GoValue {
  constructor(readonly text: string) {}
}

function withDetail(body: string, detail: string | undefined): string {
  return detail ? `${body}: ${detail}` : body;
}

/** `field: Required value[: detail]` (FieldValueRequired). */
export function required(field: string, detail?: string): FieldError {
  return { type: 'FieldValueRequired', field, detail: withDetail('Required value', detail) };
}

/** `field: Invalid value: <value>[: detail]` (FieldValueInvalid). */
export function invalid(field: string, value: unknown, detail?: string): FieldError {
  return { type: 'FieldValueInvalid', field, detail: withDetail(`Invalid value: ${formatBadValue(value)}`, detail) };
}

/**
 * `field: Unsupported value: "x": supported values: "a", "b"` (FieldValueNotSupported). `validValues`
 * are printed in the order given (upstream callers pass either a literal list or a sorted set).
 */
export function notSupported(field: string, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map((v) => goQuote(v)).join(', ')}` : '';
  return {
    type: 'FieldValueNotSupported',
    field,
    detail: withDetail(`Unsupported value: ${formatBadValue(value)}`, detail),
  };
}

/** `field: Duplicate value: <value>` (FieldValueDuplicate). */
export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, detail: `Duplicate value: ${formatBadValue(value)}` };
}

/** `field: Not found: <value>` (FieldValueNotFound). */
export function notFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, detail: `Not found: ${formatBadValue(value)}` };
}

/** `field: Forbidden[: detail]` (FieldValueForbidden). */
export function forbidden(field: string, detail?: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail: withDetail('Forbidden', detail) };
}

/** `field: Too long: may not be more than N bytes` (FieldValueTooLong). */
export function tooLong(field: string, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return { type: 'FieldValueTooLong', field, detail: `Too long: ${detail}` };
}

/** `field: Too many: N: must have at most M items` (FieldValueTooMany, field.TooMany). */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, detail: `Too many: ${actual}: must have at most ${max} ${max === 1 ? 'item' : 'items'}` };
}

/** Kube's `FieldImmutableErrorMsg`. */
export const FIELD_IMMUTABLE = 'field is immutable';

/**
 * `ValidateImmutableField`: an Invalid error with `field is immutable` when `newVal` and `oldVal`
 * differ (deep comparison of JSON values), else none.
 */
export function validateImmutableField(newVal: unknown, oldVal: unknown, field: string): FieldError[] {
  return deepEqual(newVal, oldVal) ? [] : [invalid(field, newVal, FIELD_IMMUTABLE)];
}

/**
 * Deep equality of JSON-like values, treating a missing key and an `undefined` value alike
 * (the semantic equality kube gets from Go structs).
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) {
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  return true;
}

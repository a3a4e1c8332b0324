/**
 * Shared validation of ConfigMap/Secret data maps and the `immutable` flag.
 *
 * Mirrors the key loops and immutability checks of `pkg/apis/core/validation/validation.go`
 * ValidateConfigMap / ValidateConfigMapUpdate / ValidateSecret / ValidateSecretUpdate.
 */
import type { FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { isConfigMapKey } from '../api/validation.js';

/** Every key of `data` must be a valid config key: `<path>[<key>]: Invalid value: "<key>": ...`. */
export function validateDataKeys(data: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of Object.keys(data ?? {}).sort()) {
    for (const msg of isConfigMapKey(key)) errs.push(field.invalid(`${path}[${key}]`, key, msg));
  }
  return errs;
}

const immutableMsg = 'field is immutable when `immutable` is set';

/**
 * When `old.immutable` is true: `immutable` must stay true and each of `fields` must be unchanged
 * (`<field>: Forbidden: field is immutable when \`immutable\` is set`).
 */
export function validateImmutableData<T extends { immutable?: boolean }>(obj: T, old: T, fields: (keyof T & string)[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(field.forbidden('immutable', immutableMsg));
  for (const f of fields) {
    if (!field.deepEqual(obj[f] ?? undefined, old[f] ?? undefined)) errs.push(field.forbidden(f, immutableMsg));
  }
  return errs;
}

/** Kube's MaxSecretSize (1 MiB), also the ConfigMap limit. */
export const MAX_DATA_SIZE = 1024 * 1024;

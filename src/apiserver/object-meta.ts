/**
 * ObjectMeta rules the generic store applies to every kind: generated names, uids, name validation and the
 * Kubernetes store keys.
 *
 * Mirrors k8s.io/apiserver `pkg/registry/rest/create.go` (BeforeCreate), `update.go` (BeforeUpdate),
 * apimachinery `pkg/api/validation/objectmeta.go` (name checks, via src/api/meta.ts),
 * `storage/names/generate.go` (5 random characters from `bcdfghjklmnpqrstvwxz2456789`).
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { nameIsDNSSubdomain } from '../api/meta.js';
import type { KubeObject } from '../api/types.js';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME_LENGTH = 63 - 5;

/** `generateName` + 5 random characters, the prefix cut to 58 characters (names.SimpleNameGenerator). */
export function generateName(base: string): string {
  const prefix = base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHANUMS[randomInt(ALPHANUMS.length)];
  return prefix + suffix;
}

/** A random RFC 4122 v4 uid. */
export function newUid(): string {
  return randomUUID();
}

/**
 * The generic name checks of ObjectMeta (ValidateObjectMeta's name part): required name, then
 * NameIsDNSSubdomain (events' generated names contain dots), one `metadata.name: Invalid value` error per
 * message. Kinds with a stricter rule (namespaces: NameIsDNSLabel) report it from their strategy's validate,
 * and then this check is skipped (generic-store.ts).
 */
export function validateName(obj: KubeObject): FieldError[] {
  const name = obj.metadata.name ?? '';
  if (name === '') return [field.required('metadata.name', 'name or generateName is required')];
  return nameIsDNSSubdomain(name, false).map((msg) => field.invalid('metadata.name', name, msg));
}

/** Storage key of an object: `/registry/<resource>/<namespace>/<name>` or `/registry/<resource>/<name>`. */
export function storageKey(resource: string, namespace: string, name: string): string {
  return namespace ? `/registry/${resource}/${namespace}/${name}` : `/registry/${resource}/${name}`;
}

/** Key prefix of a collection: all namespaces when `namespace` is ''. */
export function storagePrefix(resource: string, namespace: string): string {
  return namespace ? `/registry/${resource}/${namespace}/` : `/registry/${resource}/`;
}

/** A deep copy through JSON (objects are plain JSON). */
export function deepCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** JSON equality of two objects, ignoring `metadata.resourceVersion` and `managedFields` (no-op update detection). */
export function semanticallyEqual(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const c = deepCopy(o);
    delete c.metadata.resourceVersion;
    delete c.metadata.managedFields;
    return canonical(c);
  };
  return strip(a) === strip(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * ObjectMeta rules the generic store applies to every kind: generated names, uids, timestamps, name validation
 * and the Kubernetes store keys.
 *
 * Mirrors k8s.io/apiserver `pkg/registry/rest/create.go` (BeforeCreate), `update.go` (BeforeUpdate),
 * apimachinery `pkg/api/validation/objectmeta.go` and `pkg/util/validation` (DNS-1123 names),
 * `storage/names/generate.go` (5 random characters from `bcdfghjklmnpqrstvwxz2456789`).
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { FieldError } from '../api/errors.js';
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

/** RFC 3339 with second precision, UTC: `2024-01-02T03:04:05Z` (meta/v1 Time). */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Validates a DNS-1123 subdomain name (most kinds); messages as apimachinery's `IsDNS1123Subdomain`. */
export function validateSubdomain(name: string, field: string): FieldError[] {
  if (name.length > 253) {
    return [{ type: 'FieldValueInvalid', field, detail: `Invalid value: "${name}": must be no more than 253 characters` }];
  }
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return [
      {
        type: 'FieldValueInvalid',
        field,
        detail: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      },
    ];
  }
  return [];
}

/** Validates a DNS-1123 label (namespaces); messages as apimachinery's `IsDNS1123Label`. */
export function validateLabel(name: string, field: string): FieldError[] {
  if (name.length > 63) {
    return [{ type: 'FieldValueInvalid', field, detail: `Invalid value: "${name}": must be no more than 63 characters` }];
  }
  if (!DNS1123_LABEL.test(name)) {
    return [
      {
        type: 'FieldValueInvalid',
        field,
        detail: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      },
    ];
  }
  return [];
}

/**
 * Name checks of ObjectMeta for a kind: required name, and DNS-1123 label (namespaces) or subdomain. Events,
 * whose generated names contain dots, are subdomains as well.
 */
export function validateName(obj: KubeObject, resource: string): FieldError[] {
  const name = obj.metadata.name ?? '';
  if (name === '') {
    return [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'Required value: name or generateName is required' }];
  }
  return resource === 'namespaces' ? validateLabel(name, 'metadata.name') : validateSubdomain(name, 'metadata.name');
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

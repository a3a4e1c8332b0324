/**
 * ObjectMeta helpers: RFC 3339 timestamps, name validation functions and ObjectMeta create/update validation.
 *
 * Mirrors apimachinery `pkg/api/validation/objectmeta.go` (ValidateObjectMeta, ValidateObjectMetaUpdate,
 * ValidateAnnotations, ValidateOwnerReferences), `pkg/api/validation/generic.go` (NameIsDNSSubdomain,
 * NameIsDNSLabel, maskTrailingDash) and `pkg/apis/meta/v1/validation` (ValidateLabels).
 */
import type { FieldError } from './errors.js';
import * as field from './field-errors.js';
import type { ObjectMeta, OwnerReference } from './types.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './validation.js';

/** RFC 3339 UTC with second precision, the format of every metav1.Time: `2024-05-01T10:00:00Z`. */
export function rfc3339(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * RFC 3339 UTC with microsecond precision, the format of every metav1.MicroTime (Lease renewTime, Event
 * eventTime): `2024-05-01T10:00:00.123000Z` (a JS Date holds milliseconds, so the last three digits are 0).
 */
export function rfc3339Micro(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Parses a metav1.Time string to epoch milliseconds; undefined for absent/empty/unparsable values
 * (kube's "zero time").
 */
export function parseTime(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A ValidateNameFunc: messages for `name`; `prefix` true when validating a generateName. */
export type NameValidator = (name: string, prefix: boolean) => string[];

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/** NameIsDNSSubdomain: pods, configmaps, secrets, nodes, events, service accounts. */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

/** NameIsDNSLabel: namespaces (and services). */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** ValidateLabels: keys are qualified names, values valid label values; errors on `path` itself. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(field.invalid(path, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(field.invalid(path, v, msg));
  }
  return errs;
}

const totalAnnotationSizeLimitB = 256 * 1024;

/** ValidateAnnotations: keys are (lower-cased) qualified names; total size at most 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, msg));
    total += k.length + v.length;
  }
  if (total > totalAnnotationSizeLimitB) errs.push(field.tooLong(path, totalAnnotationSizeLimitB));
  return errs;
}

function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let controllers = 0;
  (refs ?? []).forEach((ref) => {
    const version = (ref.apiVersion ?? '').split('/').pop() ?? '';
    if (!version) errs.push(field.invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(field.invalid(`${path}.kind`, ref.kind ?? '', 'must not be empty'));
    if (!ref.name) errs.push(field.invalid(`${path}.name`, ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errs.push(field.invalid(`${path}.uid`, ref.uid ?? '', 'must not be empty'));
    if (ref.controller) controllers++;
  });
  if (controllers > 1) {
    errs.push(field.invalid(path, refs, 'Only one reference can have Controller set to true'));
  }
  return errs;
}

/**
 * ValidateObjectMeta for a create: name (or generateName) through `nameFn`, namespace presence
 * matching `namespaced`, generation, labels, annotations, ownerReferences, finalizers.
 */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  namespaced: boolean,
  nameFn: NameValidator,
  path = 'metadata',
): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of nameFn(m.generateName, true)) errs.push(field.invalid(`${path}.generateName`, m.generateName, msg));
  }
  if (!m.name) {
    errs.push(field.required(`${path}.name`, 'name or generateName is required'));
  } else {
    for (const msg of nameFn(m.name, false)) errs.push(field.invalid(`${path}.name`, m.name, msg));
  }
  if (namespaced) {
    if (!m.namespace) errs.push(field.required(`${path}.namespace`));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(field.invalid(`${path}.namespace`, m.namespace, msg));
  } else if (m.namespace) {
    errs.push(field.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  if (m.generation !== undefined && m.generation < 0) {
    errs.push(field.invalid(`${path}.generation`, m.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  for (const f of m.finalizers ?? []) {
    for (const msg of isQualifiedName(f)) errs.push(field.invalid(`${path}.finalizers`, f, msg));
  }
  return errs;
}

/**
 * ValidateObjectMetaUpdate: name, namespace and uid immutable; generation never decremented; no new
 * finalizers once deleting; labels/annotations/ownerReferences re-validated. (resourceVersion,
 * creationTimestamp and deletion fields are carried over by the generic store before this runs.)
 */
export function validateObjectMetaUpdate(
  meta: ObjectMeta | undefined,
  old: ObjectMeta | undefined,
  path = 'metadata',
): FieldError[] {
  const m = meta ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const before = new Set(o.finalizers ?? []);
    for (const f of m.finalizers ?? []) {
      if (!before.has(f)) {
        errs.push(field.forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers []string{${JSON.stringify(f)}}`));
      }
    }
  }
  if ((m.generation ?? 0) < (o.generation ?? 0)) {
    errs.push(field.invalid(`${path}.generation`, m.generation ?? 0, 'must not be decremented'));
  }
  errs.push(...field.validateImmutableField(m.name ?? '', o.name ?? '', `${path}.name`));
  errs.push(...field.validateImmutableField(m.namespace ?? '', o.namespace ?? '', `${path}.namespace`));
  if (m.uid) errs.push(...field.validateImmutableField(m.uid, o.uid ?? '', `${path}.uid`));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  return errs;
}

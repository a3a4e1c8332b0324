/**
 * Turns field-validation findings into kube-apiserver's answers for each `fieldValidation` directive.
 *
 * Mirrors apiserver `handlers/create.go`/`update.go` (`transformDecodeError`: 400 `Pod in version "v1" cannot be
 * handled as a Pod: strict decoding error: unknown field "spec.foo"`) and `handlers/patch.go`
 * (`applyPatchToObject`: 422 ` "" is invalid: patch: Invalid value: "map[...]": strict decoding error: ...`).
 * With Warn the same messages become `Warning` headers; with Ignore only type errors fail.
 */
import { badRequest, invalid, type StatusError } from '../errors.js';
import { validateFields } from './field-validation.js';
import type { GroupVersionKind } from './types.js';

/** The `fieldValidation` query parameter. */
export type FieldValidationDirective = 'Strict' | 'Warn' | 'Ignore';

/**
 * Parses `fieldValidation` (absent means Warn, kube's server default). Throws StatusError 400 for other values.
 */
export function fieldValidationOf(value: string | null | undefined): FieldValidationDirective {
  if (value === null || value === undefined || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(value)}: supported values: "Ignore", "Strict", "Warn"`);
}

/** Outcome of a check: an error to answer with, or warnings (each one `Warning: 299 - "<text>"`). */
export interface FieldCheck {
  error?: StatusError;
  warnings: string[];
}

function strictErrors(obj: unknown, gvk: GroupVersionKind, duplicates: string[]): { typeError?: string; errors: string[] } {
  const r = validateFields(obj, gvk);
  const errors = [...duplicates, ...r.unknown.map((p) => `unknown field ${JSON.stringify(p)}`)];
  return r.typeError === undefined ? { errors } : { typeError: r.typeError, errors };
}

/**
 * Checks a create/update body (already parsed with parseJsonStrict/parseYamlStrict, `duplicates` from it).
 * Error: 400 BadRequest `<Kind> in version "<v>" cannot be handled as a <Kind>: <cause>`.
 */
export function checkBodyFields(obj: unknown, gvk: GroupVersionKind, duplicates: string[], directive: FieldValidationDirective): FieldCheck {
  const r = strictErrors(obj, gvk, duplicates);
  const prefix = `${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${gvk.kind}: `;
  if (r.typeError !== undefined) return { error: badRequest(prefix + r.typeError), warnings: [] };
  if (r.errors.length === 0 || directive === 'Ignore') return { warnings: [] };
  if (directive === 'Warn') return { warnings: r.errors };
  return { error: badRequest(`${prefix}strict decoding error: ${r.errors.join(', ')}`), warnings: [] };
}

/**
 * Checks the result of a patch. `patchValue` is the Go-formatted patch kube quotes (goValue(patch) for merge
 * patches, the patched JSON text for JSON patches); `patchDuplicates` are duplicates found in the patch body.
 * Error: 422 Invalid ` "" is invalid: patch: Invalid value: "<patch>": strict decoding error: ...`.
 */
export function checkPatchedFields(
  patched: unknown,
  gvk: GroupVersionKind,
  patchValue: string,
  patchDuplicates: string[],
  directive: FieldValidationDirective,
): FieldCheck {
  const r = strictErrors(patched, gvk, patchDuplicates);
  const fail = (detail: string): FieldCheck => ({
    error: invalid('', '', '', [{ type: 'FieldValueInvalid', field: 'patch', detail: `Invalid value: ${JSON.stringify(patchValue)}: ${detail}` }]),
    warnings: [],
  });
  if (r.typeError !== undefined) return fail(r.typeError);
  if (r.errors.length === 0 || directive === 'Ignore') return { warnings: [] };
  if (directive === 'Warn') return { warnings: r.errors };
  return fail(`strict decoding error: ${r.errors.join(', ')}`);
}

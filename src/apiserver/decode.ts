/**
 * Request body decoding for create/update/patch: JSON or YAML, strict field validation
 * (`fieldValidation=Strict|Warn|Ignore`) and apiVersion/kind checks.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/handlers/create.go` and `rest.go` (`transformDecodeError`,
 * `addStrictDecodingWarnings`): Strict → 400 `strict decoding error: unknown field "spec.foo"`, Warn →
 * `Warning: 299 - "unknown field \"spec.foo\""` headers, Ignore → silently drop.
 */
import { cannotBeHandledMessage, strictDecodingMessage, unknownFieldMessages } from '../api/schema/index.js';
import { badRequest, unsupportedMediaType } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { Gvk, PatchOps } from './patch-adapter.js';

/** `fieldValidation` directive (default Strict for kubectl, but absent = Warn on the server since 1.27). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Parses the `fieldValidation` query parameter (absent → Warn, like kube-apiserver); 400 on others. */
export function parseFieldValidation(value: string | undefined): FieldValidation {
  if (value === undefined || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`);
}

/** The API version string of a GVK (`v1`, `apps/v1`). */
export function apiVersionOf(gvk: Gvk): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/** Parses a body as JSON (with duplicate detection) or YAML by media type; 400 on syntax errors. */
export function parseBody(text: string, mediaType: string, ops: PatchOps): { value: unknown; duplicates: string[] } {
  const isYaml = mediaType === 'application/yaml' || mediaType === 'application/apply-patch+yaml';
  try {
    return ops.parseStrict(text, isYaml);
  } catch (err) {
    if (err instanceof Error && 'status' in err) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw badRequest(isYaml ? msg : `couldn't get version/kind; json parse error: ${msg}`);
  }
}

/** Content types accepted for create/update bodies. */
export function checkBodyType(mediaType: string): void {
  if (mediaType === '' || mediaType === 'application/json' || mediaType === 'application/yaml') return;
  throw unsupportedMediaType(mediaType);
}

/** Removes a field given by a strict-error path such as `spec.containers[0].foo` (unknown fields are dropped, as Go decoding does). */
export function dropPath(obj: unknown, path: string): void {
  const parts = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = obj;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    const key: string | number = p.startsWith('[') ? Number(p.slice(1, -1)) : p;
    if (typeof cur !== 'object' || cur === null) return;
    if (i === parts.length - 1) {
      if (!Array.isArray(cur)) delete (cur as Record<string, unknown>)[String(key)];
      return;
    }
    cur = (cur as Record<string | number, unknown>)[key];
  }
}

/**
 * Field validation of a decoded object (create, update, and the result of a patch): type errors are always
 * 400; duplicate and unknown fields are 400 under Strict, warnings under Warn, ignored under Ignore.
 * Unknown fields are removed from `obj`. Returns the warnings to send.
 */
export function checkFields(obj: KubeObject, gvk: Gvk, validation: FieldValidation, duplicates: string[], ops: PatchOps): string[] {
  const { unknown, typeError } = ops.validateFields(obj, gvk);
  if (typeError) throw badRequest(cannotBeHandledMessage(gvk.kind, gvk.version, typeError));
  for (const p of unknown) dropPath(obj, p);
  if (validation === 'Ignore') return [];
  const problems = [...duplicates, ...unknownFieldMessages(unknown)];
  if (problems.length === 0) return [];
  if (validation === 'Strict') throw badRequest(cannotBeHandledMessage(gvk.kind, gvk.version, strictDecodingMessage(problems)));
  return problems;
}

/**
 * Decodes an object body for `gvk`: checks apiVersion/kind (filling them when absent), then applies field
 * validation. Returns the object and the warnings to send. Throws 400 BadRequest.
 */
export function decodeObject(
  text: string,
  mediaType: string,
  gvk: Gvk,
  validation: FieldValidation,
  ops: PatchOps,
): { obj: KubeObject; warnings: string[] } {
  const { value, duplicates } = parseBody(text, mediaType, ops);
  return decodeValue(value, duplicates, gvk, validation, ops);
}

/** decodeObject for an already parsed value. */
export function decodeValue(value: unknown, duplicates: string[], gvk: Gvk, validation: FieldValidation, ops: PatchOps): { obj: KubeObject; warnings: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`the object provided is unrecognized (must be of type ${gvk.kind}): couldn't get version/kind; json parse error: expected an object`);
  }
  const obj = value as KubeObject;
  const av = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const want = apiVersionOf(gvk);
  if ((kind && kind !== gvk.kind) || (av && av !== want)) {
    const v = av.includes('/') ? (av.split('/')[1] ?? av) : av;
    throw badRequest(cannotBeHandledMessage(kind || gvk.kind, v, `no kind "${kind}" is registered for version "${av}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`).replace(/cannot be handled as a \S+:/, `cannot be handled as a ${gvk.kind}:`));
  }
  obj.apiVersion = want;
  obj.kind = gvk.kind;
  if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
  return { obj, warnings: checkFields(obj, gvk, validation, duplicates, ops) };
}

/**
 * Formats warnings as HTTP `Warning` header values (`299 - "text"`, quotes and backslashes escaped). Control
 * characters become spaces; text beyond ASCII goes out as its UTF-8 bytes, as kube-apiserver's Go server writes it
 * (Node only takes header strings of latin1 characters, so each byte is one).
 */
export function warningHeaders(warnings: string[]): string[] {
  return warnings.map((w) => {
    const text = w.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    return Buffer.from(`299 - "${text}"`, 'utf8').toString('latin1');
  });
}

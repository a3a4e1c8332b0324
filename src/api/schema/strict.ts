/**
 * Strict decoding for the API server: parse with duplicates, find unknown fields, word errors like kube.
 *
 * Mirrors apimachinery `runtime.NewStrictDecodingError` (`strict decoding error: a, b`) and the
 * apiserver's `transformDecodeError` (`Pod in version "v1" cannot be handled as a Pod: ...`).
 */
export { parseJsonStrict, JsonSyntaxError, type StrictParseResult } from './strict-json.js';
export { parseYamlStrict } from './strict-yaml.js';
export { validateFields, unknownFields, type FieldValidationResult } from './field-validation.js';

/** `strict decoding error: unknown field "spec.foo", duplicate field "x"` from individual messages. */
export function strictDecodingMessage(errors: string[]): string {
  return `strict decoding error: ${errors.join(', ')}`;
}

/** Messages for unknown field paths: `unknown field "spec.foo"` (also the Warning header texts for Warn). */
export function unknownFieldMessages(paths: string[]): string[] {
  return paths.map((p) => `unknown field ${JSON.stringify(p)}`);
}

/** The 400 message of a create/update body that failed decoding: `Pod in version "v1" cannot be handled as a Pod: <cause>`. */
export function cannotBeHandledMessage(kind: string, version: string, cause: string): string {
  return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${cause}`;
}
export {
  fieldValidationOf,
  checkBodyFields,
  checkPatchedFields,
  type FieldValidationDirective,
  type FieldCheck,
} from './field-validation-errors.js';

/**
 * The one entry point of PATCH bodies: JSON patch, JSON merge patch or strategic merge patch, chosen by type.
 *
 * Mirrors kube-apiserver `pkg/endpoints/handlers/patch.go` (jsonPatcher, smpPatcher). The caller (the generic
 * store) decodes the body (parseJsonStrict), applies the patch to the stored object, then validates fields of
 * the result (validateFields) and runs the strategy. Server-side apply (`application/apply-patch+yaml`) is
 * not handled here.
 */
import { badRequest } from '../../api/errors.js';
import { resolveType, typeNameForKind } from '../../api/schema/schema.js';
import type { GroupVersionKind } from '../../api/schema/types.js';
import { isObject } from './go-format.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

/** Patch flavours by media type: json-patch+json, merge-patch+json, strategic-merge-patch+json. */
export type PatchType = 'json' | 'merge' | 'strategic';

/** Maps a Content-Type to a PatchType; undefined for anything else (the caller answers 415). */
export function patchTypeOf(contentType: string): PatchType | undefined {
  const media = contentType.split(';')[0]?.trim().toLowerCase();
  switch (media) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    default:
      return undefined;
  }
}

/**
 * Applies `patch` (a decoded JSON value) to `original` and returns the new object; neither is mutated.
 * `kind` selects the schema for strategic merge patch metadata (merge keys and strategies); kinds without
 * a k1s schema are patched with plain map merging and list replacement.
 * Throws StatusError: 400 for a patch that does not decode (non-object SMP, malformed JSON patch,
 * bad directives), 413 for too many JSON patch operations, 422 when an operation does not apply,
 * 500 for other strategic merge failures (kube passes those through as internal errors).
 */
export function applyPatch(original: object, patch: unknown, type: PatchType, kind: GroupVersionKind): object {
  switch (type) {
    case 'json': {
      const out = applyJsonPatch(original, patch);
      if (!isObject(out)) throw badRequest(`json: cannot unmarshal ${Array.isArray(out) ? 'array' : typeof out} into Go value of type map[string]interface {}`);
      return out;
    }
    case 'merge': {
      if (!isObject(patch)) throw badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
      return applyMergePatch(original, patch) as object;
    }
    case 'strategic': {
      if (!isObject(patch)) throw badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
      const name = typeNameForKind(kind);
      return applyStrategicMergePatch(original as Record<string, unknown>, patch, name ? resolveType(name) : undefined);
    }
  }
}

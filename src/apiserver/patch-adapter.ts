/**
 * Thin adapter between the generic store and the patch and strict-decoding modules (src/apiserver/patch/,
 * src/api/schema/): one injectable object, so tests and future kinds can swap the implementations.
 */
import { parseJsonStrict, parseYamlStrict, validateFields } from '../api/schema/index.js';
import type { KubeObject } from '../api/types.js';
import { applyPatch, patchTypeOf } from './patch/index.js';

/** Patch types by their Content-Type (apimachinery `types.PatchType`); `apply` is server-side apply. */
export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

/** Group/version/kind of the patched object. */
export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** What the generic store needs from the patch and schema modules. */
export interface PatchOps {
  /** Applies `patch` of `type` to `original`; throws StatusError (400/413/422) on a bad patch. */
  applyPatch(original: KubeObject, patch: unknown, type: PatchKind, gvk: Gvk): KubeObject;
  /** Parses JSON or YAML text; duplicate keys come back as messages (`duplicate field "x"`). Throws on syntax. */
  parseStrict(text: string, yaml: boolean): { value: unknown; duplicates: string[] };
  /** Unknown field paths (`spec.foo`) and the first type error (`json: cannot unmarshal ...`) of `obj`. */
  validateFields(obj: unknown, gvk: Gvk): { unknown: string[]; typeError?: string };
}

/**
 * Maps a PATCH Content-Type to its patch kind: `application/apply-patch+yaml` is server-side apply, the
 * others as patchTypeOf; undefined for an unsupported type (the caller answers 415).
 */
export function patchKindOf(contentType: string): PatchKind | undefined {
  if (contentType.split(';')[0]?.trim().toLowerCase() === 'application/apply-patch+yaml') return 'apply';
  return patchTypeOf(contentType);
}

/** The real implementations. Server-side apply is approximated by a strategic merge of the applied object. */
export const defaultPatchOps: PatchOps = {
  applyPatch(original, patch, type, gvk) {
    return applyPatch(original, patch, type === 'apply' ? 'strategic' : type, gvk) as KubeObject;
  },
  parseStrict(text, yaml) {
    return yaml ? parseYamlStrict(text) : parseJsonStrict(text);
  },
  validateFields(obj, gvk) {
    return validateFields(obj, gvk);
  },
};

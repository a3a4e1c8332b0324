/**
 * RFC 7386 JSON merge patch (`application/merge-patch+json`), as evanphx/json-patch `MergePatch`.
 *
 * Objects merge key by key, `null` deletes a key, everything else (lists included) replaces.
 */
import { isObject, setKey } from './go-format.js';

/** Applies a merge patch to `doc` without mutating either argument; returns the patched document. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(doc) ? structuredClone(doc) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setKey(out, k, applyMergePatch(out[k], v));
  }
  return out;
}

/** Public surface of PATCH handling: applyPatch and the individual patch algorithms. */
export { applyPatch, patchTypeOf, type PatchType } from './apply-patch.js';
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';
export { goValue } from './go-format.js';

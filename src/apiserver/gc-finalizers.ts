/**
 * The finalizers a DELETE leaves for the garbage collector: `orphan` or `foregroundDeletion`, from the
 * request's propagationPolicy (orphanDependents is folded into it by delete-options.ts), else from the
 * finalizers the object already carries, else the kind's default (background: neither).
 *
 * Mirrors k8s.io/apiserver `pkg/registry/generic/registry/store.go` (shouldOrphanDependents,
 * shouldDeleteDependents, deletionFinalizersForGarbageCollection). Every kind k1s serves has the default
 * policy DeleteDependents (apps/v1 Deployments and ReplicaSets included: `DefaultGarbageCollectionPolicy` in
 * `pkg/registry/apps/{deployment,replicaset}/strategy.go` returns it for apps/v1), which is "background" here: no finalizer.
 */
import { FINALIZER_DELETE_DEPENDENTS, FINALIZER_ORPHAN_DEPENDENTS, type DeleteOptions } from '../api/types.js';

function shouldOrphan(finalizers: readonly string[], options: DeleteOptions): boolean {
  switch (options.propagationPolicy) {
    case 'Orphan':
      return true;
    case 'Background':
    case 'Foreground':
      return false;
    case undefined:
      break;
  }
  for (const f of finalizers) {
    if (f === FINALIZER_ORPHAN_DEPENDENTS) return true;
    if (f === FINALIZER_DELETE_DEPENDENTS) return false;
  }
  return false;
}

function shouldDeleteDependents(finalizers: readonly string[], options: DeleteOptions): boolean {
  switch (options.propagationPolicy) {
    case 'Foreground':
      return true;
    case 'Background':
    case 'Orphan':
      return false;
    case undefined:
      break;
  }
  for (const f of finalizers) {
    if (f === FINALIZER_DELETE_DEPENDENTS) return true;
    if (f === FINALIZER_ORPHAN_DEPENDENTS) return false;
  }
  return false;
}

/**
 * The finalizers an object gets when it is deleted with `options`: both GC finalizers removed, then
 * `orphan` and/or `foregroundDeletion` appended as the policy asks. `changed` is false when the set is
 * the same as `finalizers` (then `finalizers` is returned as is, order kept).
 */
export function deletionFinalizersForGarbageCollection(
  finalizers: readonly string[],
  options: DeleteOptions,
): { changed: boolean; finalizers: string[] } {
  const out = finalizers.filter((f) => f !== FINALIZER_ORPHAN_DEPENDENTS && f !== FINALIZER_DELETE_DEPENDENTS);
  if (shouldOrphan(finalizers, options)) out.push(FINALIZER_ORPHAN_DEPENDENTS);
  if (shouldDeleteDependents(finalizers, options)) out.push(FINALIZER_DELETE_DEPENDENTS);
  const before = new Set(finalizers);
  const after = new Set(out);
  const same = before.size === after.size && [...before].every((f) => after.has(f));
  return same ? { changed: false, finalizers: [...finalizers] } : { changed: true, finalizers: out };
}

// The spec/status split that kinds with a status subresource share: which write may change which half, and metadata.generation.

import type { KubeObject } from '../api/types.js';
import type { Strategy } from './strategy.js';

/** An object with a desired half (`spec`) and an observed half (`status`). */
type SpecAndStatus = KubeObject & { spec?: unknown; status?: unknown };

/**
 * A status-subresource write keeps the stored spec (deleting the spec when the stored object had none), as every
 * `PrepareForUpdate` of a `*StatusStrategy` does (`newObj.Spec = oldObj.Spec`).
 */
export function keepStoredSpec<T extends SpecAndStatus>(obj: T, old: T): void {
  if (old.spec === undefined) delete obj.spec;
  else obj.spec = old.spec;
}

/**
 * Adds `finalizer` to `obj`'s finalizers unless it is there (StorageObjectInUseProtection's admission of PVs and PVCs).
 */
export function ensureFinalizer(obj: KubeObject, finalizer: string): void {
  const finalizers = obj.metadata.finalizers ?? [];
  if (!finalizers.includes(finalizer)) obj.metadata.finalizers = [...finalizers, finalizer];
}

/** What a workload kind tells {@link generationLifecycle}. */
export interface GenerationLifecycleOptions<T> {
  /** The kind's SetDefaults (applied on create and on every main-resource update). */
  defaults(obj: T): void;
  /** The status a new object starts with (and an update of an object without one gets). */
  initialStatus(): NonNullable<T extends { status?: infer S } ? S : never>;
}

/**
 * The create/update/status-update steps of the workload strategies (Deployment, ReplicaSet, ReplicationController):
 * create defaults the object, resets its status and sets generation 1; an update defaults it, keeps the stored status
 * and adds 1 to the generation when the spec changed; a status update keeps the stored spec and generation.
 * Mirrors `pkg/registry/apps/{deployment,replicaset}/strategy.go` and `pkg/registry/core/replicationcontroller/strategy.go`.
 */
export function generationLifecycle<T extends KubeObject & { spec: unknown; status?: unknown }>(
  options: GenerationLifecycleOptions<T>,
): Pick<Strategy<T>, 'prepareForCreate' | 'prepareForUpdate' | 'prepareForStatusUpdate'> {
  const { defaults, initialStatus } = options;
  return {
    prepareForCreate(obj) {
      defaults(obj);
      obj.status = initialStatus();
      obj.metadata.generation = 1;
    },
    prepareForUpdate(obj, old) {
      defaults(obj);
      obj.status = old.status ?? initialStatus();
      const changed = JSON.stringify(obj.spec) !== JSON.stringify(old.spec);
      obj.metadata.generation = (old.metadata.generation ?? 1) + (changed ? 1 : 0);
    },
    prepareForStatusUpdate(obj, old) {
      obj.spec = old.spec;
      obj.metadata.generation = old.metadata.generation ?? 1;
    },
  };
}

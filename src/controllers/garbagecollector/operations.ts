/**
 * The garbage collector's writes and reads of single objects through the API: get, delete with a uid
 * precondition and a propagationPolicy, remove ownerReferences, unblock ownerReferences, remove a finalizer.
 *
 * Mirrors kube-controller-manager `pkg/controller/garbagecollector/operations.go` and `patch.go`. Patches are
 * JSON merge patches carrying `metadata.uid` (the API server refuses a changed uid) and `metadata.resourceVersion`
 * (optimistic concurrency), re-read and retried on a conflict, like upstream's `deleteOwnerRefJSONMergePatch`
 * and its `retry.RetryOnConflict` around finalizer removal.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import type { DeleteOptions, KubeObject, OwnerReference } from '../../api/types.js';
import type { ApiClient } from '../../client/types.js';
import { objectPath, type ApiResource, type ResourceMap } from './discovery.js';
import type { ObjectIdentity } from './graph.js';

/** Attempts of a read-modify-patch before its conflict is thrown. */
const CONFLICT_ATTEMPTS = 5;

/** Thrown when an apiVersion/kind is not served (upstream restMappingError): the item is retried later. */
export class UnknownKindError extends Error {
  constructor(readonly apiVersion: string, readonly kind: string) {
    super(`unable to map ${apiVersion}, Kind=${kind} to a resource: not served by the API`);
    this.name = 'UnknownKindError';
  }
}

/** Single-object operations of the collector over `client`, resolving kinds with `resources()`. */
export class GcOperations {
  constructor(
    private readonly client: ApiClient,
    private readonly resources: () => ResourceMap,
  ) {}

  /** The resource of `identity` (`known` when observed); throws UnknownKindError. */
  resourceOf(identity: ObjectIdentity, known?: ApiResource): ApiResource {
    const r = known ?? this.resources().lookup(identity.apiVersion, identity.kind);
    if (!r) throw new UnknownKindError(identity.apiVersion, identity.kind);
    return r;
  }

  private path(identity: ObjectIdentity, known?: ApiResource): string {
    return objectPath(this.resourceOf(identity, known), identity.namespace, identity.name);
  }

  /** GET of the object at `identity`'s coordinates; undefined on 404 (its uid may still differ). */
  async getObject(identity: ObjectIdentity, known?: ApiResource): Promise<KubeObject | undefined> {
    try {
      return await this.client.get<KubeObject>(this.path(identity, known));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** DELETE with a uid precondition; an object already gone is fine. */
  async deleteObject(identity: ObjectIdentity, known: ApiResource | undefined, policy: NonNullable<DeleteOptions['propagationPolicy']>): Promise<void> {
    try {
      await this.client.delete(this.path(identity, known), { preconditions: { uid: identity.uid }, propagationPolicy: policy });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Read-modify-patch of `identity`'s metadata: `change` returns the new metadata fields, or undefined
   * when nothing is to be done. Nothing happens when the object is gone or its uid differs.
   */
  private async patchMetadata(identity: ObjectIdentity, known: ApiResource | undefined, change: (obj: KubeObject) => Record<string, unknown> | undefined): Promise<void> {
    const path = this.path(identity, known);
    for (let attempt = 1; ; attempt++) {
      const obj = await this.getObject(identity, known);
      if (!obj || obj.metadata.uid !== identity.uid) return;
      const fields = change(obj);
      if (!fields) return;
      const patch = { metadata: { ...fields, uid: identity.uid, resourceVersion: obj.metadata.resourceVersion } };
      try {
        await this.client.patch(path, patch, 'merge');
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= CONFLICT_ATTEMPTS) throw err;
      }
    }
  }

  /** Removes the ownerReferences to `ownerUids` from the object (orphaning; dropping dangling owners). */
  async removeOwnerReferences(identity: ObjectIdentity, known: ApiResource | undefined, ownerUids: readonly string[]): Promise<void> {
    await this.patchMetadata(identity, known, (obj) => {
      const refs = obj.metadata.ownerReferences ?? [];
      const kept = refs.filter((r) => !ownerUids.includes(r.uid));
      if (kept.length === refs.length) return undefined;
      return { ownerReferences: kept.length > 0 ? kept : null };
    });
  }

  /** Sets blockOwnerDeletion false on every ownerReference that has it (unblockOwnerReferences). */
  async unblockOwnerReferences(identity: ObjectIdentity, known: ApiResource | undefined): Promise<void> {
    await this.patchMetadata(identity, known, (obj) => {
      const refs = obj.metadata.ownerReferences ?? [];
      if (!refs.some((r) => r.blockOwnerDeletion === true)) return undefined;
      return { ownerReferences: refs.map((r): OwnerReference => (r.blockOwnerDeletion === true ? { ...r, blockOwnerDeletion: false } : r)) };
    });
  }

  /** Removes `finalizer` from the object; the API server deletes it once no finalizer is left. */
  async removeFinalizer(identity: ObjectIdentity, known: ApiResource | undefined, finalizer: string): Promise<void> {
    await this.patchMetadata(identity, known, (obj) => {
      const finalizers = obj.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return undefined;
      const kept = finalizers.filter((f) => f !== finalizer);
      return { finalizers: kept.length > 0 ? kept : null };
    });
  }
}

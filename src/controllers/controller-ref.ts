// ControllerRef handling shared by controllers: who controls an object, and adopting or releasing objects by selector.

import { isNotFound, type StatusError } from '../api/errors.js';
import { labelSelectorFromSpec, type LabelSelector, type LabelSelectorSpec } from '../api/labels.js';
import type { KubeObject, OwnerReference } from '../api/types.js';

/** metav1.GetControllerOf: the owner reference with `controller: true`, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.NewControllerRef: a controlling, deletion-blocking reference to `owner`. */
export function newControllerRef(owner: KubeObject, kind: { apiVersion: string; kind: string }): OwnerReference {
  return { apiVersion: kind.apiVersion, kind: kind.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** metav1.IsControlledBy. */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerOf(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

/**
 * The `candidates` whose selector (non-empty and valid) matches the labels of `obj`; none when `obj` has no labels.
 * The lookup of `GetPodReplicaSets` and `getDeploymentsForReplicaSet`: which controllers may own an orphan.
 */
export function selectingControllers<C extends { spec: { selector?: LabelSelectorSpec } }>(candidates: C[], obj: KubeObject): C[] {
  if (Object.keys(obj.metadata.labels ?? {}).length === 0) return [];
  return candidates.filter((c) => {
    try {
      const sel = labelSelectorFromSpec(c.spec.selector);
      return !sel.empty() && sel.matches(obj.metadata.labels);
    } catch {
      return false;
    }
  });
}

/** The strategic merge patch that adopts an object (`ownerRefControllerPatch`); `uid` guards against a re-created object. */
export function adoptPatch(owner: KubeObject, kind: { apiVersion: string; kind: string }, obj: KubeObject): unknown {
  return { metadata: { ownerReferences: [newControllerRef(owner, kind)], uid: obj.metadata.uid ?? '' } };
}

/** The strategic merge patch that releases an object (`GenerateDeleteOwnerRefStrategicMergeBytes`). */
export function releasePatch(owner: KubeObject, obj: KubeObject): unknown {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid ?? '' }], uid: obj.metadata.uid ?? '' } };
}

/** Options of {@link claimObjects}. */
export interface ClaimOptions<T extends KubeObject> {
  /** The would-be controller (its uid, namespace and deletionTimestamp matter). */
  controller: KubeObject;
  selector: LabelSelector;
  /** Resolves when adoption is allowed (upstream RecheckDeletionTimestamp: an uncached GET); throws otherwise. Called at most once. */
  canAdopt(): Promise<void>;
  adopt(obj: T): Promise<void>;
  release(obj: T): Promise<void>;
}

/**
 * BaseControllerRefManager.ClaimObject over `objs`: keeps objects this controller owns that still match the
 * selector, releases owned ones that stopped matching (unless the controller is being deleted), and adopts
 * matching orphans in its namespace that are not being deleted. Objects owned by another controller are left
 * alone. A NotFound during adopt/release means the object is gone: it is skipped. Returns the claimed objects
 * and the errors met (the caller retries the sync when there are any), as `ClaimPods`/`ClaimReplicaSets` do.
 */
export async function claimObjects<T extends KubeObject>(objs: T[], o: ClaimOptions<T>): Promise<{ claimed: T[]; errors: unknown[] }> {
  const claimed: T[] = [];
  const errors: unknown[] = [];
  let adoptable: Promise<void> | undefined;
  const uid = o.controller.metadata.uid;
  const deleting = o.controller.metadata.deletionTimestamp !== undefined;
  for (const obj of objs) {
    const ref = controllerOf(obj);
    try {
      if (ref) {
        if (ref.uid !== uid) continue;
        if (o.selector.matches(obj.metadata.labels)) {
          claimed.push(obj);
          continue;
        }
        if (deleting) continue;
        await o.release(obj);
        continue;
      }
      if (deleting || !o.selector.matches(obj.metadata.labels) || obj.metadata.deletionTimestamp) continue;
      if (o.controller.metadata.namespace && o.controller.metadata.namespace !== obj.metadata.namespace) continue;
      adoptable ??= o.canAdopt();
      await adoptable;
      await o.adopt(obj);
      claimed.push(obj);
    } catch (err) {
      if (isNotFound(err)) continue;
      errors.push(err);
    }
  }
  return { claimed, errors };
}

/**
 * RecheckDeletionTimestamp: fails when the fresh copy of the controller (read past any cache) is another object
 * or is being deleted, with upstream's messages.
 */
export function recheckDeletionTimestamp(kind: string, owner: KubeObject, fresh: KubeObject): void {
  const ns = owner.metadata.namespace ?? '';
  const name = owner.metadata.name ?? '';
  if (fresh.metadata.uid !== owner.metadata.uid) {
    throw new Error(`original ${kind} ${ns}/${name} is gone: got uid ${fresh.metadata.uid ?? ''}, wanted ${owner.metadata.uid ?? ''}`);
  }
  if (fresh.metadata.deletionTimestamp) throw new Error(`${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}

/** apierrors.HasStatusCause(err, NamespaceTerminatingCause), also recognising k1s's Forbidden message for it. */
export function isNamespaceTerminating(err: unknown): boolean {
  const s = (err as StatusError | undefined)?.status;
  if (!s) return false;
  if (s.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return true;
  return s.reason === 'Forbidden' && (s.message ?? '').includes('because it is being terminated');
}

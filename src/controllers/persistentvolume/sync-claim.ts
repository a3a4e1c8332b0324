/**
 * The PV controller's claim sync: an unbound claim is bound to a matching volume, handed to its class's external
 * provisioner, or left Pending with an event saying why; a bound claim is kept Bound, or marked Lost when its volume
 * is gone or belongs to another claim.
 *
 * Mirrors `pkg/controller/volume/persistentvolume/pv_controller.go` syncClaim, syncUnboundClaim, syncBoundClaim,
 * checkVolumeSatisfyClaim, emitEventForUnboundDelayBindingClaim, provisionClaim (external provisioners only: k1s has
 * no in-tree provisioning plugins) and assignDefaultStorageClass, with upstream's event reasons and messages.
 */
import { compareQuantities, isQuantity } from '../../api/quantity.js';
import {
  BETA_STORAGE_PROVISIONER_ANNOTATION,
  BIND_COMPLETED_ANNOTATION,
  BOUND_BY_CONTROLLER_ANNOTATION,
  containsAccessModes,
  persistentVolumeClaimClass,
  persistentVolumeClass,
  SELECTED_NODE_ANNOTATION,
  STORAGE_PROVISIONER_ANNOTATION,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type StorageClass,
} from '../../api/storage.js';
import type { Pod } from '../../api/types.js';
import { bind, claimPath, updateClaimStatus, type BinderDeps } from './binder.js';
import { findMatchingVolume, isVolumeBoundToClaim } from './matching.js';

/** The controller state a claim sync reads. */
export interface ClaimSyncContext extends BinderDeps {
  volume(name: string): PersistentVolume | undefined;
  volumes(): PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
  /** Pods of `namespace` (for the WaitForPodScheduled event). */
  pods(namespace: string): Pod[];
  /** The default StorageClass, as the DefaultStorageClass admission chooses it. */
  defaultClass(): StorageClass | undefined;
}

/** IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer. */
export function isDelayBinding(pvc: PersistentVolumeClaim, classOf: (name: string) => StorageClass | undefined): boolean {
  const name = persistentVolumeClaimClass(pvc);
  if (!name) return false;
  return classOf(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** checkVolumeSatisfyClaim: why `pv` cannot serve `pvc`, or undefined. */
export function volumeUnsatisfiedReason(pv: PersistentVolume, pvc: PersistentVolumeClaim): string | undefined {
  const want = pvc.spec?.resources?.requests?.['storage'] ?? 0;
  const have = pv.spec?.capacity?.['storage'] ?? 0;
  if (isQuantity(want) && isQuantity(have) && compareQuantities(have, want) < 0) return 'requested PV is too small';
  if (persistentVolumeClass(pv) !== persistentVolumeClaimClass(pvc)) return 'storageClassName does not match';
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return 'incompatible volumeMode';
  if (!containsAccessModes(pv.spec?.accessModes, pvc.spec?.accessModes)) return 'incompatible accessMode';
  return undefined;
}

/** Names of the pods of the claim's namespace that use it and are not scheduled yet (findNonScheduledPodsByPVC). */
function unscheduledPodsUsing(ctx: ClaimSyncContext, pvc: PersistentVolumeClaim): string[] {
  return ctx
    .pods(pvc.metadata.namespace ?? '')
    .filter((p) => !p.spec.nodeName && (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name))
    .map((p) => p.metadata.name ?? '')
    .sort();
}

/** setClaimProvisioner + the ExternalProvisioning event: the claim is handed to its class's provisioner. */
async function provisionClaim(ctx: ClaimSyncContext, pvc: PersistentVolumeClaim): Promise<void> {
  const className = persistentVolumeClaimClass(pvc);
  const sc = ctx.storageClass(className);
  if (!sc) {
    ctx.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
    return;
  }
  let claim = pvc;
  const a = pvc.metadata.annotations ?? {};
  if (a[STORAGE_PROVISIONER_ANNOTATION] !== sc.provisioner || a[BETA_STORAGE_PROVISIONER_ANNOTATION] !== sc.provisioner) {
    const next = structuredClone(pvc);
    next.metadata.annotations = { ...a, [BETA_STORAGE_PROVISIONER_ANNOTATION]: sc.provisioner, [STORAGE_PROVISIONER_ANNOTATION]: sc.provisioner };
    claim = await ctx.client.update<PersistentVolumeClaim>(claimPath(pvc.metadata.namespace ?? '', pvc.metadata.name ?? ''), next);
    ctx.storeClaim(claim);
  }
  ctx.recorder.event(
    claim,
    'Normal',
    'ExternalProvisioning',
    `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
  );
}

/** assignDefaultStorageClass: a claim with no class at all gets the default class once there is one; true when written. */
async function assignDefaultStorageClass(ctx: ClaimSyncContext, pvc: PersistentVolumeClaim): Promise<boolean> {
  if (pvc.spec?.storageClassName !== undefined || pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return false;
  const def = ctx.defaultClass();
  if (!def) return false;
  const next = structuredClone(pvc);
  (next.spec ??= {}).storageClassName = def.metadata.name ?? '';
  ctx.storeClaim(await ctx.client.update<PersistentVolumeClaim>(claimPath(pvc.metadata.namespace ?? '', pvc.metadata.name ?? ''), next));
  return true;
}

async function syncUnboundClaim(ctx: ClaimSyncContext, pvc: PersistentVolumeClaim): Promise<void> {
  const volumeName = pvc.spec?.volumeName ?? '';
  if (!volumeName) {
    const delay = isDelayBinding(pvc, (n) => ctx.storageClass(n));
    const pv = findMatchingVolume(pvc, ctx.volumes(), undefined, delay);
    if (pv) return bind(ctx, pv, pvc);
    if (await assignDefaultStorageClass(ctx, pvc)) return;
    if (delay && pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === undefined) {
      const pods = unscheduledPodsUsing(ctx, pvc);
      if (pods.length === 0) ctx.recorder.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      else ctx.recorder.event(pvc, 'Normal', 'WaitForPodScheduled', pods.length === 1 ? `waiting for pod ${pods[0]} to be scheduled` : `waiting for pods ${pods.join(',')} to be scheduled`);
    } else if (persistentVolumeClaimClass(pvc)) {
      return provisionClaim(ctx, pvc);
    } else {
      ctx.recorder.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    }
    await updateClaimStatus(ctx, pvc, 'Pending', undefined);
    return;
  }
  const pv = ctx.volume(volumeName);
  if (!pv) {
    await updateClaimStatus(ctx, pvc, 'Pending', undefined);
    return;
  }
  if (!pv.spec?.claimRef) {
    const why = volumeUnsatisfiedReason(pv, pvc);
    if (why) {
      ctx.recorder.event(pvc, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volumeName}": ${why}`);
      await updateClaimStatus(ctx, pvc, 'Pending', undefined);
      return;
    }
    return bind(ctx, pv, pvc);
  }
  if (isVolumeBoundToClaim(pv, pvc)) return bind(ctx, pv, pvc);
  ctx.recorder.event(pvc, 'Warning', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`);
  if (pvc.metadata.annotations?.[BOUND_BY_CONTROLLER_ANNOTATION] === undefined) await updateClaimStatus(ctx, pvc, 'Pending', undefined);
}

async function syncBoundClaim(ctx: ClaimSyncContext, pvc: PersistentVolumeClaim): Promise<void> {
  const volumeName = pvc.spec?.volumeName ?? '';
  if (!volumeName) {
    await updateClaimStatus(ctx, pvc, 'Lost', undefined, { type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!' });
    return;
  }
  const pv = ctx.volume(volumeName);
  if (!pv) {
    await updateClaimStatus(ctx, pvc, 'Lost', undefined, { type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!' });
    return;
  }
  if (!pv.spec?.claimRef || pv.spec.claimRef.uid === pvc.metadata.uid) return bind(ctx, pv, pvc);
  await updateClaimStatus(ctx, pvc, 'Lost', undefined, { type: 'Warning', reason: 'ClaimMisbound', message: 'Two claims are bound to the same volume, this one is bound incorrectly' });
}

/** syncClaim: claims without `pv.kubernetes.io/bind-completed` are unbound; others are kept bound. Throws on API errors (retried). */
export async function syncClaim(ctx: ClaimSyncContext, pvc: PersistentVolumeClaim): Promise<void> {
  if (pvc.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] === undefined) return syncUnboundClaim(ctx, pvc);
  return syncBoundClaim(ctx, pvc);
}

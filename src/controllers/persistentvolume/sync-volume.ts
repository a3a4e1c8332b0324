/**
 * The PV controller's volume sync: a volume without a claim is Available; a bound one follows its claim (Bound, or
 * Released once the claim is gone, then reclaimed by its policy: Retain keeps it, Delete removes it, or leaves that to
 * the external provisioner that made it).
 *
 * Mirrors `pkg/controller/volume/persistentvolume/pv_controller.go` syncVolume, reclaimVolume, deleteVolumeOperation,
 * doDeleteVolume and isVolumeReleased, and the in-tree hostPath deleter (`pkg/volume/hostpath`: only paths matching
 * `/tmp/.+`), with upstream's event reasons and messages. Recycle is not implemented: such volumes go Failed.
 */
import { isNotFound } from '../../api/errors.js';
import {
  PROVISIONED_BY_ANNOTATION,
  type PersistentVolume,
  type PersistentVolumeClaim,
} from '../../api/storage.js';
import { claimPath, unbindVolume, updateVolumePhase, volumePath, type BinderDeps } from './binder.js';

/** The controller state a volume sync reads. */
export interface VolumeSyncContext extends BinderDeps {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  /** Queues a claim sync (`namespace/name`). */
  enqueueClaim(key: string): void;
  /** Removes a hostPath volume's directory (the hostPath deleter's os.RemoveAll). */
  removeAll(path: string): Promise<void>;
}

/** The claim `pv.spec.claimRef` names, read through the API when the cache lacks it or has another uid; undefined when gone. */
async function currentClaim(ctx: VolumeSyncContext, pv: PersistentVolume): Promise<PersistentVolumeClaim | undefined> {
  const ref = pv.spec?.claimRef;
  if (!ref?.name) return undefined;
  const ns = ref.namespace ?? '';
  let claim = ctx.claim(ns, ref.name);
  const phase = pv.status?.phase;
  if ((!claim && phase !== 'Released' && phase !== 'Failed') || (claim && claim.metadata.uid !== ref.uid)) {
    try {
      claim = await ctx.client.get<PersistentVolumeClaim>(claimPath(ns, ref.name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      claim = undefined;
    }
  }
  return claim && claim.metadata.uid === ref.uid ? claim : undefined;
}

/** doDeleteVolume for volumes k1s can delete itself: hostPath under `/tmp/.+`; the error text upstream records otherwise. */
async function deleteVolumeData(ctx: VolumeSyncContext, pv: PersistentVolume): Promise<void> {
  const hostPath = pv.spec?.hostPath?.path;
  if (hostPath === undefined) throw new Error(`error getting deleter volume plugin for volume "${pv.metadata.name ?? ''}": no deletable volume plugin matched`);
  if (!/\/tmp\/.+/.test(hostPath)) throw new Error(`host_path deleter only supports /tmp/.+ but received provided ${hostPath}`);
  await ctx.removeAll(hostPath);
}

/** reclaimVolume: Retain does nothing; Delete deletes (or waits for the provisioner); anything else fails the volume. */
async function reclaimVolume(ctx: VolumeSyncContext, pv: PersistentVolume): Promise<void> {
  switch (pv.spec?.persistentVolumeReclaimPolicy) {
    case 'Retain':
      return;
    case 'Delete': {
      // An external provisioner deletes the volumes it provisioned (it watches for Released ones); a volume being
      // deleted already waits only for its finalizers.
      if (pv.metadata.annotations?.[PROVISIONED_BY_ANNOTATION] !== undefined || pv.metadata.deletionTimestamp) return;
      if (pv.status?.phase === 'Failed') return;
      // deleteVolumeOperation works on the volume as the API has it now: a stale cache must not delete twice.
      let fresh: PersistentVolume;
      try {
        fresh = await ctx.client.get<PersistentVolume>(volumePath(pv.metadata.name ?? ''));
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      if (fresh.metadata.deletionTimestamp || fresh.status?.phase !== 'Released' || fresh.metadata.uid !== pv.metadata.uid) return;
      try {
        await deleteVolumeData(ctx, fresh);
      } catch (err) {
        await updateVolumePhase(ctx, fresh, 'Failed', (err as Error).message, { type: 'Warning', reason: 'VolumeFailedDelete' });
        return;
      }
      try {
        await ctx.client.delete(volumePath(pv.metadata.name ?? ''));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    case 'Recycle':
      await updateVolumePhase(ctx, pv, 'Failed', 'No recycler plugin found for the volume!', { type: 'Warning', reason: 'VolumeFailedRecycle' });
      return;
    default:
      await updateVolumePhase(ctx, pv, 'Failed', 'Volume has unrecognized PersistentVolumeReclaimPolicy', { type: 'Warning', reason: 'VolumeUnknownReclaimPolicy' });
  }
}

/** syncVolume. Throws on API errors (retried). */
export async function syncVolume(ctx: VolumeSyncContext, pv: PersistentVolume): Promise<void> {
  const ref = pv.spec?.claimRef;
  if (!ref || !ref.uid) {
    // Unused, or reserved for a claim by name that the claim sync will bind.
    await updateVolumePhase(ctx, pv, 'Available', '');
    return;
  }
  const claim = await currentClaim(ctx, pv);
  if (!claim) {
    let volume = pv;
    if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') volume = await updateVolumePhase(ctx, pv, 'Released', '');
    await reclaimVolume(ctx, volume);
    return;
  }
  const claimKey = `${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}`;
  if (!claim.spec?.volumeName) {
    if ((claim.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem')) {
      ctx.recorder.event(pv, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name ?? ''}" due to incompatible volumeMode.`);
      ctx.recorder.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume "${pv.metadata.name ?? ''}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
      return;
    }
    // Bound (or pre-bound) here, Pending there: the claim sync finishes the binding.
    ctx.enqueueClaim(claimKey);
    return;
  }
  if (claim.spec.volumeName === pv.metadata.name) {
    await updateVolumePhase(ctx, pv, 'Bound', '');
    return;
  }
  // The claim is bound to another volume.
  if (pv.metadata.annotations?.[PROVISIONED_BY_ANNOTATION] !== undefined && pv.spec?.persistentVolumeReclaimPolicy === 'Delete') {
    let volume = pv;
    if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') volume = await updateVolumePhase(ctx, pv, 'Released', '');
    await reclaimVolume(ctx, volume);
    return;
  }
  await unbindVolume(ctx, pv);
}

/**
 * The PV controller's writes: binding a volume and a claim to each other, and the phase updates of both, each through
 * the API (update, then the status subresource) with the written object stored back into the controller's cache.
 *
 * Mirrors `pkg/controller/volume/persistentvolume/pv_controller.go` bind, bindVolumeToClaim (getBindVolumeToClaim),
 * bindClaimToVolume, updateClaimStatus[WithEvent], updateVolumePhase[WithEvent] and unbindVolume at v1.32.
 */
import { compareQuantities, isQuantity } from '../../api/quantity.js';
import {
  BIND_COMPLETED_ANNOTATION,
  BOUND_BY_CONTROLLER_ANNOTATION,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type PersistentVolumeClaimPhase,
  type PersistentVolumePhase,
  claimReference,
} from '../../api/storage.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { ApiClient } from '../../client/types.js';
import { isVolumeBoundToClaim } from './matching.js';
import { resourcePath, RESOURCES } from '../../api/paths.js';

/** What the writer works with; it stores every object it wrote into the controller's cache (newer versions win). */
export interface BinderDeps {
  client: ApiClient;
  recorder: EventRecorder;
  storeVolume(pv: PersistentVolume): void;
  storeClaim(pvc: PersistentVolumeClaim): void;
}

/** `/api/v1/persistentvolumes/NAME`. */
export function volumePath(name: string): string {
  return resourcePath(RESOURCES.persistentvolumes, { name });
}

/** `/api/v1/namespaces/NS/persistentvolumeclaims/NAME`. */
export function claimPath(namespace: string, name: string): string {
  return resourcePath(RESOURCES.persistentvolumeclaims, { namespace, name });
}

function withAnnotation<T extends { metadata: { annotations?: Record<string, string> } }>(obj: T, key: string, value: string): boolean {
  if (obj.metadata.annotations?.[key] !== undefined) return false;
  obj.metadata.annotations = { ...obj.metadata.annotations, [key]: value };
  return true;
}

/**
 * updateVolumePhase: writes `phase` and `message` to the volume's status when they differ (a no-op otherwise);
 * returns the volume as stored. With `event`, records it on the volume when the phase changes.
 */
export async function updateVolumePhase(
  d: BinderDeps,
  pv: PersistentVolume,
  phase: PersistentVolumePhase,
  message: string,
  event?: { type: 'Normal' | 'Warning'; reason: string },
): Promise<PersistentVolume> {
  if (pv.status?.phase === phase && (pv.status.message ?? '') === message) return pv;
  const next = structuredClone(pv);
  next.status = { ...next.status, phase };
  if (message) next.status.message = message;
  else delete next.status.message;
  const written = await d.client.update<PersistentVolume>(`${volumePath(pv.metadata.name ?? '')}/status`, next);
  d.storeVolume(written);
  if (event && pv.status?.phase !== phase) d.recorder.event(written, event.type, event.reason, message);
  return written;
}

/**
 * updateClaimStatus: writes `phase` to the claim's status, with the volume's access modes and capacity when bound
 * to `pv` (cleared without one); a no-op when nothing changes. With `event`, records it when the phase changes.
 */
export async function updateClaimStatus(
  d: BinderDeps,
  pvc: PersistentVolumeClaim,
  phase: PersistentVolumeClaimPhase,
  pv: PersistentVolume | undefined,
  event?: { type: 'Normal' | 'Warning'; reason: string; message: string },
): Promise<PersistentVolumeClaim> {
  const next = structuredClone(pvc);
  const status = (next.status ??= {});
  let dirty = status.phase !== phase;
  status.phase = phase;
  if (pv) {
    const modes = pv.spec?.accessModes ?? [];
    if (JSON.stringify(status.accessModes ?? []) !== JSON.stringify(modes)) {
      status.accessModes = [...modes];
      dirty = true;
    }
    const want = pv.spec?.capacity?.['storage'];
    const have = status.capacity?.['storage'];
    if (want !== undefined && (have === undefined || !isQuantity(have) || !isQuantity(want) || compareQuantities(want, have) !== 0)) {
      status.capacity = { ...pv.spec?.capacity };
      dirty = true;
    }
  } else {
    if (status.accessModes !== undefined || status.capacity !== undefined) dirty = true;
    delete status.accessModes;
    delete status.capacity;
  }
  if (!dirty) return pvc;
  const written = await d.client.update<PersistentVolumeClaim>(`${claimPath(pvc.metadata.namespace ?? '', pvc.metadata.name ?? '')}/status`, next);
  d.storeClaim(written);
  if (event && pvc.status?.phase !== phase) d.recorder.event(written, event.type, event.reason, event.message);
  return written;
}

/** getBindVolumeToClaim + update: the volume's claimRef names the claim (with its uid); bound-by-controller when we chose it. */
async function bindVolumeToClaim(d: BinderDeps, pv: PersistentVolume, pvc: PersistentVolumeClaim): Promise<PersistentVolume> {
  const next = structuredClone(pv);
  let dirty = false;
  const ref = next.spec?.claimRef;
  if (!isVolumeBoundToClaim(pv, pvc)) dirty = withAnnotation(next, BOUND_BY_CONTROLLER_ANNOTATION, 'yes') || dirty;
  if (!ref || ref.name !== pvc.metadata.name || ref.namespace !== pvc.metadata.namespace || ref.uid !== pvc.metadata.uid) {
    (next.spec ??= {}).claimRef = claimReference(pvc);
    dirty = true;
  }
  if (!dirty) return pv;
  const written = await d.client.update<PersistentVolume>(volumePath(pv.metadata.name ?? ''), next);
  d.storeVolume(written);
  return written;
}

/** bindClaimToVolume: spec.volumeName, bound-by-controller (when we set the name) and bind-completed. */
async function bindClaimToVolume(d: BinderDeps, pvc: PersistentVolumeClaim, pv: PersistentVolume): Promise<PersistentVolumeClaim> {
  const next = structuredClone(pvc);
  let dirty = false;
  if (next.spec?.volumeName !== pv.metadata.name) {
    (next.spec ??= {}).volumeName = pv.metadata.name ?? '';
    withAnnotation(next, BOUND_BY_CONTROLLER_ANNOTATION, 'yes');
    dirty = true;
  }
  dirty = withAnnotation(next, BIND_COMPLETED_ANNOTATION, 'yes') || dirty;
  if (!dirty) return pvc;
  const written = await d.client.update<PersistentVolumeClaim>(claimPath(pvc.metadata.namespace ?? '', pvc.metadata.name ?? ''), next);
  d.storeClaim(written);
  return written;
}

/**
 * bind: volume → claim (claimRef), volume phase Bound, claim → volume (volumeName, annotations), claim status Bound
 * with the volume's access modes and capacity. Each step is idempotent; a failure leaves the rest to the next sync.
 */
export async function bind(d: BinderDeps, pv: PersistentVolume, pvc: PersistentVolumeClaim): Promise<void> {
  let volume = await bindVolumeToClaim(d, pv, pvc);
  volume = await updateVolumePhase(d, volume, 'Bound', '');
  const claim = await bindClaimToVolume(d, pvc, volume);
  await updateClaimStatus(d, claim, 'Bound', volume);
}

/**
 * unbindVolume: a volume the controller bound loses its claimRef (and the annotation); one the user pre-bound keeps
 * its claimRef without the uid. Either way it becomes Available again.
 */
export async function unbindVolume(d: BinderDeps, pv: PersistentVolume): Promise<void> {
  const next = structuredClone(pv);
  if (next.metadata.annotations?.[BOUND_BY_CONTROLLER_ANNOTATION] !== undefined) {
    delete next.spec?.claimRef;
    const { [BOUND_BY_CONTROLLER_ANNOTATION]: _dropped, ...rest } = next.metadata.annotations;
    next.metadata.annotations = rest;
  } else if (next.spec?.claimRef) {
    delete next.spec.claimRef.uid;
  }
  const written = await d.client.update<PersistentVolume>(volumePath(pv.metadata.name ?? ''), next);
  d.storeVolume(written);
  await updateVolumePhase(d, written, 'Available', '');
}

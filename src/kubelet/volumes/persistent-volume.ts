// persistentVolumeClaim volumes: the claim's bound PersistentVolume, resolved through the API, mounted from its hostPath or local path.

import { stat } from 'node:fs/promises';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/storage.js';
import type { ApiClient } from '../../client/types.js';
import { setUpHostPath } from './host-path.js';
import { RESOURCES, resourcePath } from '../../api/paths.js';

/** What a claim resolves to on this node. */
export interface ClaimVolume {
  /** The PersistentVolume's name (the inner volume name of upstream's events). */
  pvName: string;
  /** The directory to bind-mount. */
  hostPath: string;
  /** `local` volumes support fsGroup ownership; `hostPath` volumes do not (as upstream's plugins). */
  plugin: 'local-volume' | 'host-path';
}

/** How often, and how far apart, a claim that is being bound is read again before giving up on this sync. */
const BOUND_RETRIES = 10;
const BOUND_RETRY_MS = 200;

function errText(err: unknown): string {
  return (err as Error).message;
}

/**
 * Resolves the claim `claimName` of a pod in `namespace` (desired_state_of_world_populator getPVCExtractPV, then the
 * hostPath or local plugin's checks). Throws with upstream's messages: `error processing PVC ns/name: PVC is not
 * bound`, `... can't start pod because PVC is being deleted`, `... failed to fetch PVC from API server: ...`, a
 * hostPath type check failure, `path "/x" does not exist` for a local volume, and an unsupported source.
 */
export async function resolveClaim(client: ApiClient, namespace: string, claimName: string): Promise<ClaimVolume> {
  const prefix = `error processing PVC ${namespace}/${claimName}`;
  const path = resourcePath(RESOURCES.persistentvolumeclaims, { namespace, name: claimName });
  let pvc: PersistentVolumeClaim;
  for (let attempt = 0; ; attempt++) {
    try {
      pvc = await client.get<PersistentVolumeClaim>(path);
    } catch (err) {
      throw new Error(`${prefix}: failed to fetch PVC from API server: ${errText(err)}`, { cause: err });
    }
    // The PV controller names the volume before it writes phase Bound, and the scheduler may bind the pod in between:
    // look again shortly, as the kubelet's volume manager loop does, rather than failing the sync.
    const binding = Boolean(pvc.spec?.volumeName) && pvc.status?.phase === 'Pending' && !pvc.metadata.deletionTimestamp;
    if (!binding || attempt >= BOUND_RETRIES) break;
    await new Promise((r) => setTimeout(r, BOUND_RETRY_MS));
  }
  if (pvc.metadata.deletionTimestamp) throw new Error(`${prefix}: can't start pod because PVC is being deleted`);
  const pvName = pvc.spec?.volumeName ?? '';
  if (pvc.status?.phase !== 'Bound' || !pvName) throw new Error(`${prefix}: PVC is not bound`);
  let pv: PersistentVolume;
  try {
    pv = await client.get<PersistentVolume>(resourcePath(RESOURCES.persistentvolumes, { name: pvName }));
  } catch (err) {
    throw new Error(`${prefix}: failed to fetch PV ${pvName} from API server: ${errText(err)}`, { cause: err });
  }
  if (pv.spec?.claimRef?.uid !== pvc.metadata.uid) {
    throw new Error(`${prefix}: PV ${pvName} has a different claim: ${pv.spec?.claimRef?.namespace ?? ''}/${pv.spec?.claimRef?.name ?? ''}`);
  }
  if (pv.spec?.hostPath) return { pvName, hostPath: await setUpHostPath(pv.spec.hostPath.path, pv.spec.hostPath.type), plugin: 'host-path' };
  if (pv.spec?.local) {
    const path = pv.spec.local.path;
    try {
      await stat(path);
    } catch (err) {
      throw new Error(`path "${path}" does not exist`, { cause: err });
    }
    return { pvName, hostPath: path, plugin: 'local-volume' };
  }
  throw new Error(`no volume plugin matched for PersistentVolume ${pvName} (this node mounts hostPath and local volumes)`);
}

/**
 * The PersistentVolume controller (kube-controller-manager's `persistentvolume-binder`): binds claims to volumes,
 * hands claims of provisioned classes to their external provisioner, keeps both phases current, and reclaims the
 * volumes of deleted claims. An API client: informers on PVs, PVCs, StorageClasses and pods feed one work queue of
 * `volume:NAME` and `claim:NS/NAME` keys; every key is synced again each resync period (upstream's 15 s
 * `--pvclaimbinder-sync-period`).
 */
import { rm } from 'node:fs/promises';
import { defaultStorageClass, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from '../../api/storage.js';
import type { Pod } from '../../api/types.js';
import { createEventRecorder } from '../../client/event-recorder.js';
import type { ApiClient } from '../../client/types.js';
import { createSyncGate, runGatedInformer } from '../cache-sync.js';
import { ItemBackoff } from '../item-backoff.js';
import { VersionedStore } from '../versioned-store.js';
import { createWorkQueue } from '../workqueue.js';
import { syncClaim, type ClaimSyncContext } from './sync-claim.js';
import { syncVolume, type VolumeSyncContext } from './sync-volume.js';
import { RESOURCES } from '../../api/paths.js';

/** Options of {@link startPersistentVolumeController}. */
export interface PersistentVolumeControllerOptions {
  client: ApiClient;
  onError?: (err: unknown) => void;
  /** Period of the full resync, ms (default 15000). */
  resyncMs?: number;
  /** Longest wait before a failed sync is retried, ms (default 1000). */
  retryDelayMs?: number;
  /** Removes a deleted hostPath volume's directory (default: `rm -rf`). */
  removeAll?: (path: string) => Promise<void>;
}

/** A running controller. */
export interface PersistentVolumeController {
  stop(): Promise<void>;
}

const VOLUME = 'volume:';
const CLAIM = 'claim:';

/** Starts the controller; syncs wait until every informer listed once. */
export function startPersistentVolumeController(options: PersistentVolumeControllerOptions): PersistentVolumeController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const abort = new AbortController();
  const volumes = new VersionedStore<PersistentVolume>();
  const claims = new VersionedStore<PersistentVolumeClaim>();
  const classes = new VersionedStore<StorageClass>();
  const pods = new VersionedStore<Pod>();
  const recorder = createEventRecorder({ client, component: 'persistentvolume-controller', onError });
  const removeAll = options.removeAll ?? ((path: string) => rm(path, { recursive: true, force: true }));

  const ctx: ClaimSyncContext & VolumeSyncContext = {
    client,
    recorder,
    storeVolume: (o) => void volumes.set(o),
    storeClaim: (o) => void claims.set(o),
    volume: (name) => volumes.get(name),
    volumes: () => volumes.list(),
    storageClass: (name) => classes.get(name),
    defaultClass: () => defaultStorageClass(classes.list()),
    pods: (ns) => pods.list(ns),
    claim: (ns, name) => claims.get(`${ns}/${name}`),
    enqueueClaim: (key) => gate.add(CLAIM + key),
    removeAll,
  };

  const backoff = new ItemBackoff(options.retryDelayMs ?? 1000);
  const queue = createWorkQueue({
    retryDelayMs: options.retryDelayMs ?? 1000,
    onError,
    sync: async (key) => {
      try {
        if (key.startsWith(VOLUME)) {
          const pv = volumes.get(key.slice(VOLUME.length));
          if (pv) await syncVolume(ctx, pv);
        } else {
          const pvc = claims.get(key.slice(CLAIM.length));
          if (pvc) await syncClaim(ctx, pvc);
        }
        backoff.forget(key);
        return true;
      } catch (err) {
        onError(err);
        return backoff.next(key);
      }
    },
  });
  const gate = createSyncGate(['persistentvolumes', 'persistentvolumeclaims', 'storageclasses', 'pods'], queue);

  const enqueueAll = (): void => {
    for (const k of claims.keys()) gate.add(CLAIM + k);
    for (const k of volumes.keys()) gate.add(VOLUME + k);
  };
  const informers = [
    runGatedInformer<PersistentVolume>({
      client,
      resource: RESOURCES.persistentvolumes,
      signal: abort.signal,
      gate,
      store: volumes,
      handlers: {
        onEvent(type, pv) {
          if (type !== 'DELETED') gate.add(VOLUME + VersionedStore.key(pv));
          const ref = pv.spec?.claimRef;
          if (ref?.name) gate.add(`${CLAIM}${ref.namespace ?? ''}/${ref.name}`);
        },
      },
      onError,
    }),
    runGatedInformer<PersistentVolumeClaim>({
      client,
      resource: RESOURCES.persistentvolumeclaims,
      signal: abort.signal,
      gate,
      store: claims,
      handlers: {
        onEvent(type, pvc) {
          if (type === 'DELETED') {
            // The volume of a deleted claim is released.
            if (pvc.spec?.volumeName) gate.add(VOLUME + pvc.spec.volumeName);
            for (const pv of volumes.list()) if (pv.spec?.claimRef?.uid === pvc.metadata.uid) gate.add(VOLUME + VersionedStore.key(pv));
            return;
          }
          gate.add(CLAIM + VersionedStore.key(pvc));
        },
      },
      onError,
    }),
    runGatedInformer<StorageClass>({
      client,
      resource: RESOURCES.storageclasses,
      signal: abort.signal,
      gate,
      store: classes,
      onError,
    }),
    runGatedInformer<Pod>({
      client,
      resource: RESOURCES.pods,
      signal: abort.signal,
      gate,
      store: pods,
      onError,
    }),
  ];
  const resync = setInterval(enqueueAll, options.resyncMs ?? 15_000);

  return {
    async stop() {
      clearInterval(resync);
      abort.abort();
      await Promise.all([...informers.map((i) => i.done), queue.shutDown()]);
      await recorder.flush();
    },
  };
}

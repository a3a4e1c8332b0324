/**
 * The pvc-protection and pv-protection controllers: a deleted claim keeps its `kubernetes.io/pvc-protection` finalizer
 * (and so stays Terminating) while a scheduled pod uses it; a deleted volume keeps `kubernetes.io/pv-protection` while
 * it is Bound. API clients on informers and a work queue, as kube-controller-manager's.
 *
 * Mirrors `pkg/controller/volume/pvcprotection/pvc_protection_controller.go` (processPVC, isBeingUsed: the informer
 * first, then a live pod list, podUsesPVC: scheduled pods naming the claim) and
 * `pkg/controller/volume/pvprotection/pv_protection_controller.go` (isBeingUsed: phase Bound).
 */
import { isConflict, isNotFound } from '../api/errors.js';
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER, type PersistentVolume, type PersistentVolumeClaim } from '../api/storage.js';
import type { KubeObject, Pod } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import { createSyncGate, runGatedInformer } from './cache-sync.js';
import { VersionedStore } from './versioned-store.js';
import { createWorkQueue } from './workqueue.js';
import { resourcePath, RESOURCES } from '../api/paths.js';

/** Options of the protection controllers. */
export interface ProtectionControllerOptions {
  client: ApiClient;
  onError?: (err: unknown) => void;
  /** Wait before a failed sync is retried, ms (default 1000). */
  retryDelayMs?: number;
}

/** A running controller. */
export interface ProtectionController {
  stop(): Promise<void>;
}

/** podUsesPVC: a pod bound to a node whose volumes name the claim. */
export function podUsesClaim(pod: Pod, claimName: string): boolean {
  if (!pod.spec.nodeName) return false;
  return (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claimName);
}

/** Removes `finalizer` from the object at `path` with a JSON patch guarded by the list's content; conflicts are retried by the caller. */
async function removeFinalizer(client: ApiClient, path: string, obj: KubeObject, finalizer: string): Promise<void> {
  const finalizers = obj.metadata.finalizers ?? [];
  const i = finalizers.indexOf(finalizer);
  if (i < 0) return;
  try {
    await client.patch(path, [{ op: 'test', path: `/metadata/finalizers/${i}`, value: finalizer }, { op: 'remove', path: `/metadata/finalizers/${i}` }], 'json');
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
}

/** Starts the pvc-protection controller. */
export function startPVCProtectionController(options: ProtectionControllerOptions): ProtectionController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const abort = new AbortController();
  const claims = new VersionedStore<PersistentVolumeClaim>();
  const pods = new VersionedStore<Pod>();

  async function inUse(pvc: PersistentVolumeClaim): Promise<boolean> {
    const ns = pvc.metadata.namespace ?? '';
    const name = pvc.metadata.name ?? '';
    if (pods.list(ns).some((p) => podUsesClaim(p, name))) return true;
    // The informer may lag behind a pod just scheduled: ask the API server before letting the claim go.
    const live = await client.list<Pod>(resourcePath(RESOURCES.pods, { namespace: ns }));
    return live.items.some((p) => podUsesClaim(p, name));
  }

  const queue = createWorkQueue({
    retryDelayMs: options.retryDelayMs ?? 1000,
    onError,
    sync: async (key) => {
      const pvc = claims.get(key);
      if (!pvc?.metadata.deletionTimestamp || !(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER)) return true;
      if (await inUse(pvc)) return true;
      const ns = pvc.metadata.namespace ?? '';
      try {
        await removeFinalizer(client, resourcePath(RESOURCES.persistentvolumeclaims, { namespace: ns, name: pvc.metadata.name ?? '' }), pvc, PVC_PROTECTION_FINALIZER);
      } catch (err) {
        if (isConflict(err) || (err as { reason?: string }).reason === 'Invalid') return false;
        throw err;
      }
      return true;
    },
  });
  const gate = createSyncGate(['persistentvolumeclaims', 'pods'], queue);
  const podChanged = (pod: Pod): void => {
    for (const v of pod.spec.volumes ?? []) {
      const name = v.persistentVolumeClaim?.claimName;
      if (name) gate.add(`${pod.metadata.namespace ?? ''}/${name}`);
    }
  };
  const informers = [
    runGatedInformer<PersistentVolumeClaim>({
      client,
      resource: RESOURCES.persistentvolumeclaims,
      signal: abort.signal,
      gate,
      store: claims,
      handlers: {
        onEvent(type, pvc) {
          if (type !== 'DELETED') gate.add(VersionedStore.key(pvc));
        },
      },
      onError,
    }),
    runGatedInformer<Pod>({
      client,
      resource: RESOURCES.pods,
      signal: abort.signal,
      gate,
      store: pods,
      handlers: {
        onEvent(type, pod, old) {
          // A pod going away, or leaving/entering a node, may let a claim go.
          if (type === 'DELETED' || pod.spec.nodeName !== old?.spec.nodeName || pod.status?.phase !== old?.status?.phase) podChanged(pod);
        },
      },
      onError,
    }),
  ];
  return {
    async stop() {
      abort.abort();
      await Promise.all([...informers.map((i) => i.done), queue.shutDown()]);
    },
  };
}

/** Starts the pv-protection controller. */
export function startPVProtectionController(options: ProtectionControllerOptions): ProtectionController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const abort = new AbortController();
  const volumes = new VersionedStore<PersistentVolume>();
  const queue = createWorkQueue({
    retryDelayMs: options.retryDelayMs ?? 1000,
    onError,
    sync: async (key) => {
      const pv = volumes.get(key);
      if (!pv?.metadata.deletionTimestamp || !(pv.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER)) return true;
      if (pv.status?.phase === 'Bound') return true;
      try {
        await removeFinalizer(client, resourcePath(RESOURCES.persistentvolumes, { name: pv.metadata.name ?? '' }), pv, PV_PROTECTION_FINALIZER);
      } catch (err) {
        if (isConflict(err) || (err as { reason?: string }).reason === 'Invalid') return false;
        throw err;
      }
      return true;
    },
  });
  const gate = createSyncGate(['persistentvolumes'], queue);
  const informer = runGatedInformer<PersistentVolume>({
    client,
    resource: RESOURCES.persistentvolumes,
    signal: abort.signal,
    gate,
    store: volumes,
    handlers: {
      onEvent(type, pv) {
        if (type !== 'DELETED') gate.add(VersionedStore.key(pv));
      },
    },
    onError,
  });
  return {
    async stop() {
      abort.abort();
      await Promise.all([informer.done, queue.shutDown()]);
    },
  };
}

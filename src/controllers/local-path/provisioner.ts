/**
 * The local-path provisioner, k3s's default dynamic provisioner (`rancher.io/local-path`) as an API client: it keeps
 * the `local-path` StorageClass, creates a directory and a PersistentVolume for each claim the PV controller hands to
 * it once the scheduler picked a node, and removes both when a Released volume's policy is Delete.
 *
 * Mirrors rancher/local-path-provisioner (`provisioner.go` Provision/Delete, k3s's `manifests/local-storage.yaml`) on
 * sig-storage-lib-external-provisioner's controller: events `Provisioning`, `ProvisioningSucceeded`,
 * `ProvisioningFailed` on the claim and `VolumeFailedDelete` on the volume, reported by
 * `rancher.io/local-path_<node>_<uuid>`. Directories are made on this node directly (upstream runs a helper pod).
 */
import { randomUUID } from 'node:crypto';
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/storage.js';
import type { Node } from '../../api/types.js';
import { createEventRecorder } from '../../client/event-recorder.js';
import type { ApiClient } from '../../client/types.js';
import { createSyncGate, runGatedInformer } from '../cache-sync.js';
import { ItemBackoff } from '../item-backoff.js';
import { VersionedStore } from '../versioned-store.js';
import { createWorkQueue } from '../workqueue.js';
import {
  LOCAL_PATH_PROVISIONER,
  localPathStorageClass,
  provisionedVolume,
  shouldDelete,
  shouldProvision,
  volumeNameFor,
  volumeNodeOf,
  volumePathOf,
} from './provision.js';
import { hostVolumeDirs, type VolumeDirs } from './volume-dirs.js';
import { resourcePath, RESOURCES } from '../../api/paths.js';

/** Options of {@link startLocalPathProvisioner}. */
export interface LocalPathProvisionerOptions {
  client: ApiClient;
  /** Where volumes live: `DATA_DIR/storage` (k3s: `/var/lib/rancher/k3s/storage`). */
  basePath: string;
  /** This node's name (the event source's middle part). */
  nodeName: string;
  /** Creates the `local-path` StorageClass when it is missing at start (default true). */
  ensureStorageClass?: boolean;
  /** Directory operations (default: this host's file system). */
  dirs?: VolumeDirs;
  onError?: (err: unknown) => void;
  /** Longest wait before a failed sync is retried, ms (default 60000; retries start at 5 ms and double). */
  retryDelayMs?: number;
}

/** A running provisioner. */
export interface LocalPathProvisioner {
  stop(): Promise<void>;
}

const CLAIM = 'claim:';
const VOLUME = 'volume:';

/** Starts the provisioner. */
export function startLocalPathProvisioner(options: LocalPathProvisionerOptions): LocalPathProvisioner {
  const { client, basePath } = options;
  const provisioner = LOCAL_PATH_PROVISIONER;
  const dirs = options.dirs ?? hostVolumeDirs;
  const onError = options.onError ?? (() => {});
  const abort = new AbortController();
  const identity = `${provisioner}_${options.nodeName}_${randomUUID()}`;
  const recorder = createEventRecorder({ client, component: identity, onError });
  const claims = new VersionedStore<PersistentVolumeClaim>();
  const volumes = new VersionedStore<PersistentVolume>();
  const classes = new VersionedStore<StorageClass>();

  async function provision(pvc: PersistentVolumeClaim): Promise<void> {
    const sc = classes.get(pvc.spec?.storageClassName ?? '');
    if (!sc || !shouldProvision(pvc, sc, provisioner)) return;
    const name = volumeNameFor(pvc);
    if (volumes.get(name)) return; // provisioned already; the PV controller binds it
    recorder.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${pvc.metadata.namespace ?? ''}/${pvc.metadata.name ?? ''}"`);
    let pv: PersistentVolume;
    try {
      const nodeName = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
      let node: Node | undefined;
      if (nodeName) {
        try {
          node = await client.get<Node>(resourcePath(RESOURCES.nodes, { name: nodeName }));
        } catch (err) {
          if (!isNotFound(err)) throw err;
          throw new Error(`failed to get target node: nodes "${nodeName}" not found`, { cause: err });
        }
      }
      pv = provisionedVolume(pvc, sc, node, basePath, provisioner);
      await dirs.setup(volumePathOf(pv));
    } catch (err) {
      recorder.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata.name ?? ''}": ${(err as Error).message}`);
      throw err;
    }
    try {
      volumes.set(await client.create<PersistentVolume>(resourcePath(RESOURCES.persistentvolumes), pv));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    recorder.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
  }

  async function remove(pv: PersistentVolume): Promise<void> {
    if (!shouldDelete(pv, provisioner) || pv.metadata.deletionTimestamp) return;
    try {
      const path = volumePathOf(pv);
      const node = volumeNodeOf(pv);
      let nodeExists = true;
      try {
        await client.get<Node>(resourcePath(RESOURCES.nodes, { name: node }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
        nodeExists = false; // upstream: the node is gone, skip the cleanup
      }
      if (nodeExists) await dirs.teardown(path);
    } catch (err) {
      recorder.event(pv, 'Warning', 'VolumeFailedDelete', `failed to delete volume ${pv.metadata.name ?? ''}: ${(err as Error).message}`);
      throw err;
    }
    try {
      await client.delete(resourcePath(RESOURCES.persistentvolumes, { name: pv.metadata.name ?? '' }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // Failed provisioning retries back off exponentially (the library's rate limiter), here up to a minute.
  const backoff = new ItemBackoff(options.retryDelayMs ?? 60_000);
  const queue = createWorkQueue({
    retryDelayMs: options.retryDelayMs ?? 1000,
    onError,
    sync: async (key) => {
      try {
        if (key.startsWith(CLAIM)) {
          const pvc = claims.get(key.slice(CLAIM.length));
          if (pvc) await provision(pvc);
        } else {
          const pv = volumes.get(key.slice(VOLUME.length));
          if (pv) await remove(pv);
        }
        backoff.forget(key);
        return true;
      } catch (err) {
        onError(err);
        return backoff.next(key);
      }
    },
  });
  const gate = createSyncGate(['persistentvolumeclaims', 'persistentvolumes', 'storageclasses'], queue);

  const informers = [
    runGatedInformer<StorageClass>({
      client,
      resource: RESOURCES.storageclasses,
      signal: abort.signal,
      gate,
      store: classes,
      handlers: {
        onEvent(_type, sc) {
          for (const pvc of claims.list()) if (pvc.spec?.storageClassName === sc.metadata.name) gate.add(CLAIM + VersionedStore.key(pvc));
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
          if (type !== 'DELETED') gate.add(CLAIM + VersionedStore.key(pvc));
        },
      },
      onError,
    }),
    runGatedInformer<PersistentVolume>({
      client,
      resource: RESOURCES.persistentvolumes,
      signal: abort.signal,
      gate,
      store: volumes,
      handlers: {
        onEvent(type, pv) {
          if (type !== 'DELETED') gate.add(VOLUME + VersionedStore.key(pv));
        },
      },
      onError,
    }),
  ];

  async function ensureClass(): Promise<void> {
    const want = localPathStorageClass();
    for (;;) {
      try {
        await client.get(resourcePath(RESOURCES.storageclasses, { name: want.metadata.name ?? '' }));
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      try {
        await client.create(resourcePath(RESOURCES.storageclasses), want);
        return;
      } catch (err) {
        if (isAlreadyExists(err)) return;
        throw err;
      }
    }
  }
  const ensured = options.ensureStorageClass === false ? Promise.resolve() : retryUntil(ensureClass, abort.signal, onError);

  return {
    async stop() {
      abort.abort();
      await Promise.all([...informers.map((i) => i.done), queue.shutDown(), ensured]);
      await recorder.flush();
    },
  };
}

/** Runs `fn` until it succeeds or `signal` aborts, a second between attempts. */
async function retryUntil(fn: () => Promise<void>, signal: AbortSignal, onError: (err: unknown) => void): Promise<void> {
  while (!signal.aborted) {
    try {
      await fn();
      return;
    } catch (err) {
      onError(err);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * Keeps {@link ClusterRecords} in step with the API: informers on Namespaces, Services and EndpointSlices
 * (the objects CoreDNS's `kubernetes` plugin watches; pod records are computed from the name, `pods insecure`).
 */
import type { EndpointSlice, Service } from '../api/services.js';
import type { Namespace } from '../api/types.js';
import { runInformer } from '../client/informer.js';
import type { ApiClient } from '../client/types.js';
import { ClusterRecords } from './cluster-records.js';
import { RESOURCES, resourcePath } from '../api/paths.js';

/** Running informers feeding `records`. */
export interface RecordsWatch {
  readonly records: ClusterRecords;
  /** True once every informer has listed once. */
  synced(): boolean;
  /** Settles when all three informers have listed once. */
  readonly whenSynced: Promise<void>;
  /** Settles when `signal` aborted and the informers returned. */
  readonly done: Promise<void>;
}

/** The collections the cluster DNS watches, with the kind their objects feed. */
const SOURCES = [
  { kind: 'Namespace', path: resourcePath(RESOURCES.namespaces) },
  { kind: 'Service', path: resourcePath(RESOURCES.services) },
  { kind: 'EndpointSlice', path: resourcePath(RESOURCES.endpointslices) },
] as const;

/** Starts the informers; never throws (list/watch errors go to `onError` and are retried). */
export function watchClusterRecords(client: ApiClient, signal: AbortSignal, onError: (err: unknown) => void, retryDelayMs?: number): RecordsWatch {
  const records = new ClusterRecords();
  let pending: number = SOURCES.length;
  let markSynced: () => void = () => {};
  const whenSynced = new Promise<void>((r) => (markSynced = r));
  const informers = SOURCES.map(({ kind, path }) => {
    let listed = false;
    return runInformer<Namespace | Service | EndpointSlice>({
      client,
      path,
      signal,
      ...(retryDelayMs !== undefined ? { retryDelayMs } : {}),
      handlers: {
        onEvent: (type, obj) => records.apply(kind, type, obj),
        onSynced: () => {
          if (listed) return;
          listed = true;
          if (--pending === 0) markSynced();
        },
        onError,
      },
    });
  });
  return {
    records,
    synced: () => pending === 0,
    whenSynced,
    done: Promise.all(informers.map((i) => i.done)).then(() => undefined),
  };
}

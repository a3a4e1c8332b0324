/**
 * The kubelet's Service cache for environment variables (kubelet.go's `serviceLister`/`serviceHasSynced`): an
 * informer on `/api/v1/services` through the kubelet's API client.
 */
import type { Service } from '../../api/services.js';
import { runInformer } from '../../client/informer.js';
import type { ApiClient } from '../../client/types.js';
import { RESOURCES, resourcePath } from '../../api/paths.js';

/** What env building reads: every Service, and whether the list is complete. */
export interface ServiceLister {
  list(): Service[];
  hasSynced(): boolean;
  /** Resolves true once synced, false when `timeoutMs` passes first. */
  waitForSync(timeoutMs: number): Promise<boolean>;
}

/** A ServiceLister over a fixed list (tests, kubelets without an API server). */
export function staticServiceLister(services: Service[]): ServiceLister {
  return { list: () => services, hasSynced: () => true, waitForSync: async () => true };
}

/** Starts the Service informer; `done` settles when `signal` aborts. Never throws (errors go to `log`). */
export function watchServices(client: ApiClient, signal: AbortSignal, log: (msg: string) => void): ServiceLister & { done: Promise<void> } {
  const informer = runInformer<Service>({
    client,
    path: resourcePath(RESOURCES.services),
    signal,
    handlers: {
      onEvent: () => {},
      onError: (err) => log(`services informer: ${(err as Error).message ?? String(err)}`),
    },
  });
  return {
    list: () => [...informer.cache.values()],
    hasSynced: () => informer.hasSynced(),
    waitForSync: (timeoutMs) => informer.waitForSync(timeoutMs),
    done: informer.done,
  };
}

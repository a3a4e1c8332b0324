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
  let synced = false;
  const waiters = new Set<() => void>();
  const informer = runInformer<Service>({
    client,
    path: resourcePath(RESOURCES.services),
    signal,
    handlers: {
      onEvent: () => {},
      onSynced: () => {
        synced = true;
        for (const w of waiters) w();
        waiters.clear();
      },
      onError: (err) => log(`services informer: ${(err as Error).message ?? String(err)}`),
    },
  });
  return {
    list: () => [...informer.cache.values()],
    hasSynced: () => synced,
    waitForSync: (timeoutMs) =>
      synced
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => {
            const done = (): void => {
              clearTimeout(timer);
              resolve(true);
            };
            const timer = setTimeout(() => {
              waiters.delete(done);
              resolve(synced);
            }, timeoutMs);
            waiters.add(done);
          }),
    done: informer.done,
  };
}

/**
 * The ServiceAccounts controller: every Active namespace has a ServiceAccount named `default`, created
 * when the namespace appears and re-created when it is deleted, as kube-controller-manager's
 * `serviceaccount-controller` does (`pkg/controller/serviceaccount/serviceaccounts_controller.go`,
 * `DefaultServiceAccountsControllerOptions`: one ServiceAccount, `default`). It is an API client: it
 * watches namespaces and the `default` ServiceAccounts, and creates through the API.
 */
import { isAlreadyExists, isNotFound, type StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { runInformer } from '../client/informer.js';
import { runActiveNamespaceInformer } from './active-namespaces.js';
import { createWorkQueue } from './workqueue.js';
import type { ApiClient } from '../client/types.js';
import { resourcePath, RESOURCES } from '../api/paths.js';

/** The ServiceAccounts each namespace gets (upstream's default list). */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'];

/** Options of {@link startServiceAccountsController}. */
export interface ServiceAccountsControllerOptions {
  client: ApiClient;
  /** Called with errors the controller survives (logging). */
  onError?: (err: unknown) => void;
  /** Wait before retrying a failed namespace, ms (default 1000). */
  retryDelayMs?: number;
}

/** A running controller; `stop()` ends its watches. */
export interface ServiceAccountsController {
  stop(): Promise<void>;
}

/** Starts the controller: informers on namespaces and on `default` ServiceAccounts, and a serial sync queue. */
export function startServiceAccountsController(options: ServiceAccountsControllerOptions): ServiceAccountsController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const abort = new AbortController();
  const active = new Set<string>();
  const sync = async (ns: string): Promise<boolean> => {
    if (!active.has(ns)) return true;
    for (const name of DEFAULT_SERVICE_ACCOUNTS) {
      if ([...accounts.cache.values()].some((sa) => sa.metadata.namespace === ns && sa.metadata.name === name)) continue;
      const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } };
      try {
        await client.create(resourcePath(RESOURCES.serviceaccounts, { namespace: ns }), sa);
      } catch (err) {
        // Already there, or the namespace is gone or terminating (Forbidden): nothing to do.
        if (isAlreadyExists(err) || isNotFound(err) || (err as StatusError).reason === 'Forbidden') continue;
        throw err;
      }
    }
    return true;
  };
  const queue = createWorkQueue({ sync, retryDelayMs, onError });

  const namespaces = runActiveNamespaceInformer({ client, signal: abort.signal, active, onActive: (name) => queue.add(name), onError });
  const accounts = runInformer<KubeObject>({
    client,
    path: resourcePath(RESOURCES.serviceaccounts),
    query: { fieldSelector: `metadata.name=${DEFAULT_SERVICE_ACCOUNTS[0]}` },
    signal: abort.signal,
    handlers: {
      onEvent(type, sa) {
        if (type === 'DELETED') queue.add(sa.metadata.namespace ?? '');
      },
      onError,
    },
  });

  return {
    async stop() {
      abort.abort();
      await Promise.all([namespaces.done, accounts.done, queue.shutDown()]);
    },
  };
}

/**
 * The namespace controller: empties a Terminating namespace through the API and then lets it go, as
 * kube-controller-manager's namespace controller does (`pkg/controller/namespace/namespace_controller.go`,
 * `deletion/namespaced_resources_deleter.go`): for a namespace with a deletionTimestamp it deletes every
 * namespaced resource found by discovery (deletecollection where served, else one by one), waits until
 * nothing is left (pods may take their grace period), removes the `kubernetes` finalizer through
 * `namespaces/{name}/finalize`, and DELETEs the namespace again so the API server removes it.
 */
import { isNotFound } from '../api/errors.js';
import type { Namespace } from '../api/types.js';
import { runInformer } from '../client/informer.js';
import { createWorkQueue } from './workqueue.js';
import type { ApiClient } from '../client/types.js';
import { resourcePath, RESOURCES } from '../api/paths.js';
import { serverPreferredResources, type ApiResource } from '../client/discovery.js';

/** The finalizer this controller owns (`v1.FinalizerKubernetes`). */
export const NAMESPACE_FINALIZER = 'kubernetes';

/** Options of {@link startNamespaceController}. */
export interface NamespaceControllerOptions {
  client: ApiClient;
  /** Called with errors the controller survives (logging). */
  onError?: (err: unknown) => void;
  /** Wait before looking again at a namespace that still has content or failed, ms (default 500). */
  retryDelayMs?: number;
}

/** A running controller; `stop()` ends its watch and waits for the sync in progress. */
export interface NamespaceController {
  stop(): Promise<void>;
}

/** Namespaced resources (no subresources) that support list and delete, from /api/v1 and each group's preferred version. */
async function discoverNamespacedResources(client: ApiClient): Promise<ApiResource[]> {
  return (await serverPreferredResources(client)).filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('delete'));
}

/**
 * Deletes the content of namespace `ns` (deleteAllContent); resolves with how many objects are still there
 * (pending graceful deletion or finalizers).
 */
async function deleteAllContent(client: ApiClient, ns: string): Promise<number> {
  let left = 0;
  for (const r of await discoverNamespacedResources(client)) {
    const path = resourcePath(r, { namespace: ns });
    if (r.verbs.includes('deletecollection')) await client.delete(path);
    else {
      const items = await client.list(path);
      for (const item of items.items) {
        await client.delete(resourcePath(r, { namespace: ns, name: item.metadata.name ?? '' })).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      }
    }
    left += (await client.list(path)).items.length;
  }
  return left;
}

/**
 * Syncs one namespace (namespaced_resources_deleter.go Delete): nothing for a live or missing namespace;
 * else delete its content; once empty, finalize and delete it. Resolves true when done, false to look again later.
 */
async function syncNamespace(client: ApiClient, name: string): Promise<boolean> {
  let ns: Namespace;
  try {
    ns = await client.get<Namespace>(resourcePath(RESOURCES.namespaces, { name }));
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
  if (!ns.metadata.deletionTimestamp) return true;
  const path = resourcePath(RESOURCES.namespaces, { name });
  let finalizers = ns.spec?.finalizers ?? [];
  if (finalizers.includes(NAMESPACE_FINALIZER)) {
    if ((await deleteAllContent(client, name)) > 0) return false;
    finalizers = finalizers.filter((f) => f !== NAMESPACE_FINALIZER);
    const finalized = await client.update<Namespace>(`${path}/finalize`, { ...ns, spec: { ...(ns.spec ?? {}), finalizers } });
    finalizers = finalized.spec?.finalizers ?? [];
  }
  // Other finalizers belong to someone else; once none is left, the second DELETE removes the namespace.
  if (finalizers.length > 0) return true;
  await client.delete(path).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
  return true;
}

/** Starts the controller: an informer on namespaces and a serial queue of namespaces to sync. */
export function startNamespaceController(options: NamespaceControllerOptions): NamespaceController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const retryDelayMs = options.retryDelayMs ?? 500;
  const abort = new AbortController();
  const queue = createWorkQueue({ sync: (name) => syncNamespace(client, name), retryDelayMs, onError });

  const namespaces = runInformer<Namespace>({
    client,
    path: resourcePath(RESOURCES.namespaces),
    signal: abort.signal,
    handlers: {
      onEvent(type, ns) {
        if (type !== 'DELETED' && ns.metadata.deletionTimestamp) queue.add(ns.metadata.name ?? '');
      },
      onError,
    },
  });

  return {
    async stop() {
      abort.abort();
      await Promise.all([namespaces.done, queue.shutDown()]);
    },
  };
}

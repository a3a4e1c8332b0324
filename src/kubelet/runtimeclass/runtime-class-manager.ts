/**
 * The kubelet's RuntimeClass cache (pkg/kubelet/runtimeclass `Manager`): an informer on node.k8s.io/v1
 * runtimeclasses through the kubelet's API client, and `lookupRuntimeHandler`, which turns a pod's
 * `spec.runtimeClassName` into the CRI runtime handler RunPodSandbox gets.
 */
import { notFound } from '../../api/errors.js';
import { RESOURCES, resourcePath } from '../../api/paths.js';
import type { RuntimeClass } from '../../api/runtime-class.js';
import { runInformer } from '../../client/informer.js';
import type { ApiClient } from '../../client/types.js';

/** What the runtime executor asks of RuntimeClasses. */
export interface RuntimeClassManager {
  /**
   * The handler of RuntimeClass `runtimeClassName`; `''` (the runtime's default handler) for an absent or empty
   * name. Throws a NotFound StatusError `runtimeclass.node.k8s.io "x" not found` when the class does not exist
   * (the lister's error upstream's LookupRuntimeHandler returns as is).
   */
  lookupRuntimeHandler(runtimeClassName: string | undefined): Promise<string>;
}

/** How long a lookup waits for the informer's first LIST before answering from what it has, ms. */
export const RUNTIME_CLASS_SYNC_WAIT_MS = 5_000;

/** The lister's NotFound (client-go listers name the resource by its lower-case kind: `runtimeclass`). */
function runtimeClassNotFound(name: string): Error {
  return notFound({ group: RESOURCES.runtimeclasses.group, resource: 'runtimeclass' }, name);
}

/** A manager over a fixed set of RuntimeClasses (tests, kubelets without an API server). */
export function staticRuntimeClasses(classes: readonly RuntimeClass[]): RuntimeClassManager {
  const byName = new Map(classes.map((rc) => [rc.metadata.name ?? '', rc]));
  return {
    lookupRuntimeHandler: async (name) => {
      if (!name) return '';
      const rc = byName.get(name);
      if (!rc) throw runtimeClassNotFound(name);
      return rc.handler;
    },
  };
}

/**
 * Starts the RuntimeClass informer; `done` settles when `signal` aborts. Never throws (informer errors go to
 * `log`). Upstream looks up in whatever its informer holds; here a lookup made before the first LIST completes
 * waits for it (at most {@link RUNTIME_CLASS_SYNC_WAIT_MS}), so a pod created right after its RuntimeClass does
 * not fail its first sandbox on a kubelet that just started.
 */
export function watchRuntimeClasses(client: ApiClient, signal: AbortSignal, log: (msg: string) => void): RuntimeClassManager & { done: Promise<void> } {
  const byName = new Map<string, RuntimeClass>();
  const informer = runInformer<RuntimeClass>({
    client,
    path: resourcePath(RESOURCES.runtimeclasses),
    signal,
    store: {
      set: (rc) => byName.set(rc.metadata.name ?? '', rc),
      // a re-list reports a replaced class's DELETED after its successor's ADDED: drop only the same object
      delete: (rc) => byName.get(rc.metadata.name ?? '')?.metadata.uid === rc.metadata.uid && byName.delete(rc.metadata.name ?? ''),
    },
    handlers: {
      onError: (err) => log(`runtimeclasses informer: ${(err as Error).message ?? String(err)}`),
    },
  });
  return {
    async lookupRuntimeHandler(name) {
      if (!name) return '';
      await informer.waitForSync(RUNTIME_CLASS_SYNC_WAIT_MS);
      const rc = byName.get(name);
      if (!rc) throw runtimeClassNotFound(name);
      return rc.handler;
    },
    done: informer.done,
  };
}

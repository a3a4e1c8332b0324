// The namespace informer of the per-namespace publishers (root-ca, service accounts): which namespaces are Active, each one queued as it becomes so.

import type { Namespace } from '../api/types.js';
import { RESOURCES, resourcePath } from '../api/paths.js';
import { runInformer, type Informer } from '../client/informer.js';
import type { ApiClient } from '../client/types.js';

/** Options of {@link runActiveNamespaceInformer}. */
export interface ActiveNamespaceInformerOptions {
  client: ApiClient;
  signal: AbortSignal;
  /** Kept in step: the names of the namespaces that exist, are not being deleted and are in phase Active (the default). */
  active: Set<string>;
  /** Called with a namespace's name on every add or change while it is active (the controller queues it). */
  onActive(name: string): void;
  onError: (err: unknown) => void;
}

/**
 * Watches namespaces and keeps `active` in step; a namespace that is deleted, has a deletionTimestamp or another
 * phase leaves the set. As the root-ca-cert-publisher's and serviceaccounts-controller's namespace handlers do
 * (kube-controller-manager `pkg/controller/certificates/rootcacertpublisher`, `pkg/controller/serviceaccount`).
 */
export function runActiveNamespaceInformer(options: ActiveNamespaceInformerOptions): Informer<Namespace> {
  const { active, onActive } = options;
  return runInformer<Namespace>({
    client: options.client,
    path: resourcePath(RESOURCES.namespaces),
    signal: options.signal,
    handlers: {
      onEvent(type, ns) {
        const name = ns.metadata.name ?? '';
        if (type !== 'DELETED' && !ns.metadata.deletionTimestamp && (ns.status?.phase ?? 'Active') === 'Active') {
          active.add(name);
          onActive(name);
        } else active.delete(name);
      },
      onError: options.onError,
    },
  });
}

// The kubelet's pod source: list+watch of the pods bound to this node (pkg/kubelet/config/apiserver.go).

import type { Pod } from '../../api/types.js';
import { runInformer, type Informer } from '../../client/informer.js';
import type { ApiClient } from '../../client/types.js';
import { RESOURCES, resourcePath } from '../../api/paths.js';

/** Options of {@link watchNodePods}. */
export interface PodSourceOptions {
  client: ApiClient;
  nodeName: string;
  signal: AbortSignal;
  /** Every change of a pod bound to this node; `removed` when the object is gone from the API. */
  onPod(pod: Pod, removed: boolean): void;
  /** After each complete LIST (the first one marks the source as synced). */
  onSynced?(): void;
  log?: (msg: string) => void;
}

/** Watches `spec.nodeName=<node>` pods with re-list on 410 and stream end; the informer cache holds the current set. */
export function watchNodePods(options: PodSourceOptions): Informer<Pod> {
  return runInformer<Pod>({
    client: options.client,
    path: resourcePath(RESOURCES.pods),
    query: { fieldSelector: `spec.nodeName=${options.nodeName}` },
    signal: options.signal,
    handlers: {
      onEvent: (type, pod) => options.onPod(pod, type === 'DELETED'),
      onSynced: () => options.onSynced?.(),
      onError: (err) => options.log?.(`pod watch: ${(err as Error).message}`),
    },
  });
}

/**
 * `podsDifferSemantically` (pkg/kubelet/config/config.go): true when `b` differs from `a` in what the kubelet
 * acts on: spec, labels, annotations, deletion timestamp or grace period. A status-only change (the kubelet's
 * own status writes coming back through the watch) is a RECONCILE and must not trigger a sync.
 */
export function podsDifferSemantically(a: Pod | undefined, b: Pod): boolean {
  if (!a) return true;
  const pick = (p: Pod): string =>
    JSON.stringify([p.spec, p.metadata.labels ?? {}, p.metadata.annotations ?? {}, p.metadata.deletionTimestamp ?? null, p.metadata.deletionGracePeriodSeconds ?? null]);
  return pick(a) !== pick(b);
}

// The kubelet's pod source: list+watch of the pods bound to this node (pkg/kubelet/config/apiserver.go).

import type { Pod } from '../../api/types.js';
import { runInformer, type Informer } from '../../client/informer.js';
import type { ApiClient } from '../../client/types.js';

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
    path: '/api/v1/pods',
    query: { fieldSelector: `spec.nodeName=${options.nodeName}` },
    signal: options.signal,
    handlers: {
      onEvent: (type, pod) => options.onPod(pod, type === 'DELETED'),
      onSynced: () => options.onSynced?.(),
      onError: (err) => options.log?.(`pod watch: ${(err as Error).message}`),
    },
  });
}

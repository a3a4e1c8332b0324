// The service and pod informers both endpoints controllers share: each change queues the keys of the Services it concerns.

import type { Service } from '../../api/services.js';
import type { Pod } from '../../api/types.js';
import type { Informer } from '../../client/informer.js';
import type { ApiClient } from '../../client/types.js';
import { runGatedInformer, type SyncGate } from '../cache-sync.js';
import { keyOf, servicesForPodChange } from './pod-endpoints.js';
import { RESOURCES } from '../../api/paths.js';

/** Options of {@link runServiceAndPodInformers}. */
export interface ServiceAndPodInformerOptions {
  client: ApiClient;
  signal: AbortSignal;
  retryDelayMs: number;
  /** The controller's Service cache by `namespace/name`, kept in step here. */
  services: Map<string, Service>;
  /** Where Service keys are queued; informers `services` and `pods` report their first list to it. */
  gate: SyncGate;
  onError: (err: unknown) => void;
}

/**
 * Starts the informers of services (every change queues the Service) and pods (a change queues each Service
 * whose selector matches the pod now or before, `servicesForPodChange`), as the Endpoints and EndpointSlice
 * controllers' `onServiceUpdate`/`addPod`/`updatePod` handlers do (kube-controller-manager
 * `pkg/controller/util/endpoint` GetPodServiceMemberships).
 */
export function runServiceAndPodInformers(options: ServiceAndPodInformerOptions): [Informer<Service>, Informer<Pod>] {
  const { client, signal, retryDelayMs, services, gate, onError } = options;
  const serviceInformer = runGatedInformer<Service>({
    client,
    resource: RESOURCES.services,
    signal,
    retryDelayMs,
    gate,
    handlers: {
      onEvent(type, svc) {
        const key = keyOf(svc);
        if (type === 'DELETED') services.delete(key);
        else services.set(key, svc);
        gate.add(key);
      },
    },
    onError,
  });
  const podInformer = runGatedInformer<Pod>({
    client,
    resource: RESOURCES.pods,
    signal,
    retryDelayMs,
    gate,
    handlers: {
      onEvent(type, pod, old) {
        for (const key of servicesForPodChange(services.values(), pod, type === 'MODIFIED' ? old : undefined)) gate.add(key);
      },
    },
    onError,
  });
  return [serviceInformer, podInformer];
}

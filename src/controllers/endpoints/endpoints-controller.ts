/**
 * The Endpoints controller: for every Service with a selector, an Endpoints object of the same name listing
 * the selected pods (subsets.ts), kept in step with pod readiness; the Endpoints of a deleted Service go.
 * Services without a selector (and ExternalName ones) are left alone: their Endpoints belong to the user.
 *
 * Mirrors kube-controller-manager `pkg/controller/endpoint/endpoints_controller.go` (syncService,
 * checkLeftoverEndpoints, the stale-Endpoints tracker). It is an API client: informers on services, pods and
 * endpoints, a serial work queue of Service keys, creates/updates/deletes through the API.
 */
import { isAlreadyExists, isConflict, isNotFound, type StatusError } from '../../api/errors.js';
import type { Endpoints, Service } from '../../api/services.js';
import type { ApiClient } from '../../client/types.js';
import { createSyncGate, runGatedInformer } from '../cache-sync.js';
import { createWorkQueue } from '../workqueue.js';
import { runServiceAndPodInformers } from './service-pod-informers.js';
import { ANNOTATION_LAST_CHANGE_TRIGGER_TIME, isServiceIPSet, keyOf, LABEL_HEADLESS, selectorMatches, serviceSelector } from './pod-endpoints.js';
import { ANNOTATION_OVER_CAPACITY, computeSubsets, countAddresses, MAX_ENDPOINTS_CAPACITY, subsetsEqual, truncateSubsets } from './subsets.js';
import { TriggerTimeTracker } from './trigger-time.js';
import { resourcePath, RESOURCES } from '../../api/paths.js';

/** Endpoints carrying this annotation are leader-election records, never cleaned up (`resourcelock.LeaderElectionRecordAnnotationKey`). */
export const ANNOTATION_LEADER_ELECTION = 'control-plane.alpha.kubernetes.io/leader';

/** Options of {@link startEndpointsController}. */
export interface EndpointsControllerOptions {
  client: ApiClient;
  /** Called with errors the controller survives (logging). */
  onError?: (err: unknown) => void;
  /** Wait before a failed Service is synced again, ms (default 1000). */
  retryDelayMs?: number;
}

/** A running controller. */
export interface EndpointsController {
  /** Resolves once the informers have listed and the queued work can start. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

function endpointsPath(namespace: string, name?: string): string {
  return resourcePath(RESOURCES.endpoints, { namespace, name });
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ea = Object.entries(a ?? {}).sort();
  const eb = Object.entries(b ?? {}).sort();
  return JSON.stringify(ea) === JSON.stringify(eb);
}

/** Starts the controller (endpoints_controller.go Run). */
export function startEndpointsController(options: EndpointsControllerOptions): EndpointsController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const abort = new AbortController();
  const triggerTimes = new TriggerTimeTracker();
  // Endpoints resourceVersions this controller replaced: seeing one in the cache again means it is behind.
  const staleVersions = new Map<string, string>();

  const services = new Map<string, Service>();
  const endpoints = new Map<string, Endpoints>();

  async function sync(key: string): Promise<boolean> {
    const [namespace = '', name = ''] = key.split('/');
    const svc = services.get(key);
    if (!svc) {
      // The Service is gone: so is its Endpoints object (upstream does not wait for the garbage collector here).
      await client.delete(endpointsPath(namespace, name)).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      triggerTimes.delete(key);
      staleVersions.delete(key);
      return true;
    }
    if (svc.spec?.type === 'ExternalName') return true;
    const selector = serviceSelector(svc);
    if (!selector) return true;
    const selected = [...podInformer.cache.values()].filter((p) => p.metadata.namespace === namespace && selectorMatches(selector, p.metadata.labels));
    const triggerTime = triggerTimes.compute(key, svc, selected);
    const subsets = computeSubsets(svc, selected);
    const current = endpoints.get(key);
    if (current && staleVersions.get(key) === current.metadata.resourceVersion) return false;
    const currentLabels = { ...(current?.metadata.labels ?? {}) };
    delete currentLabels[LABEL_HEADLESS];
    const overCapacity = countAddresses(subsets) > MAX_ENDPOINTS_CAPACITY;
    const capacityAnnotationRight = !overCapacity && current?.metadata.annotations?.[ANNOTATION_OVER_CAPACITY] === undefined;
    if (current && subsetsEqual(current.subsets, subsets) && sameLabels(currentLabels, svc.metadata.labels) && capacityAnnotationRight) return true;

    const next: Endpoints = current
      ? structuredClone(current)
      : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    const truncated = truncateSubsets(subsets);
    const finalSubsets = truncated ?? subsets;
    if (finalSubsets.length > 0) next.subsets = finalSubsets;
    else delete next.subsets;
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
    else delete labels[LABEL_HEADLESS];
    next.metadata.labels = labels;
    const annotations: Record<string, string> = { ...(next.metadata.annotations ?? {}) };
    if (triggerTime) annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME] = triggerTime;
    else delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
    if (truncated) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
    else delete annotations[ANNOTATION_OVER_CAPACITY];
    next.metadata.annotations = annotations;
    try {
      if (!current) {
        await client.create(endpointsPath(namespace), next);
      } else {
        const updated = await client.update<Endpoints>(endpointsPath(namespace, name), next);
        if (updated.metadata.resourceVersion !== current.metadata.resourceVersion && current.metadata.resourceVersion) {
          staleVersions.set(key, current.metadata.resourceVersion);
        }
      }
    } catch (err) {
      // The cache is behind (created meanwhile, or changed): look again once it has caught up.
      if (isAlreadyExists(err) || isConflict(err)) return false;
      // A terminating namespace takes no new objects: nothing to do.
      if (!current && (err as StatusError).reason === 'Forbidden') return true;
      throw err;
    }
    return true;
  }

  const queue = createWorkQueue({ sync, retryDelayMs, onError });
  let resolveSynced: () => void = () => {};
  const synced = new Promise<void>((r) => (resolveSynced = r));
  const gate = createSyncGate(['services', 'pods', 'endpoints'], queue, () => {
    // checkLeftoverEndpoints: an Endpoints object without a Service is synced, hence deleted.
    for (const [key, ep] of endpoints) if (ep.metadata.annotations?.[ANNOTATION_LEADER_ELECTION] === undefined) queue.add(key);
    resolveSynced();
  });

  const [serviceInformer, podInformer] = runServiceAndPodInformers({ client, signal: abort.signal, retryDelayMs, services, gate, onError });
  const endpointsInformer = runGatedInformer<Endpoints>({
    client,
    resource: RESOURCES.endpoints,
    signal: abort.signal,
    retryDelayMs,
    gate,
    handlers: {
      onEvent(type, ep) {
        const key = keyOf(ep);
        if (type === 'DELETED') {
          endpoints.delete(key);
          staleVersions.delete(key);
          gate.add(key);
          return;
        }
        endpoints.set(key, ep);
        // A change by someone else to the Endpoints of a selector Service is undone.
        if (staleVersions.get(key) !== ep.metadata.resourceVersion && services.has(key)) gate.add(key);
      },
    },
    onError,
  });

  return {
    synced,
    async stop() {
      abort.abort();
      await Promise.all([serviceInformer.done, podInformer.done, endpointsInformer.done, queue.shutDown()]);
    },
  };
}

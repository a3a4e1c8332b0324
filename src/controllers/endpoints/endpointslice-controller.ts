/**
 * The EndpointSlice controller: for every Service with a selector, discovery.k8s.io/v1 EndpointSlices of the
 * pods it selects (slice-reconciler.ts), labelled with the Service's name and this controller, owned by the
 * Service (the garbage collector removes them with it). Services without a selector are left alone.
 *
 * Mirrors kube-controller-manager `pkg/controller/endpointslice/endpointslice_controller.go` (syncService,
 * the slice event handlers) with k8s.io/endpointslice's Reconciler. It is an API client: informers on
 * services, pods, endpointslices and nodes, a serial work queue of Service keys, writes through the API.
 */
import { isConflict, isNotFound, type StatusError } from '../../api/errors.js';
import { ENDPOINTSLICE_CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type EndpointSlice, type Service } from '../../api/services.js';
import type { Node } from '../../api/types.js';
import type { ApiClient } from '../../client/types.js';
import { createSyncGate, runGatedInformer } from '../cache-sync.js';
import { createWorkQueue } from '../workqueue.js';
import { runServiceAndPodInformers } from './service-pod-informers.js';
import { ANNOTATION_LAST_CHANGE_TRIGGER_TIME, selectorMatches, serviceSelector } from './pod-endpoints.js';
import { DEFAULT_MAX_ENDPOINTS_PER_SLICE, reconcileSlices } from './slice-reconciler.js';
import { serviceKeyOfSlice, SliceTracker } from './slice-tracker.js';
import { TriggerTimeTracker } from './trigger-time.js';
import { resourcePath, RESOURCES } from '../../api/paths.js';

/** Options of {@link startEndpointSliceController}. */
export interface EndpointSliceControllerOptions {
  client: ApiClient;
  /** Called with errors the controller survives (logging). */
  onError?: (err: unknown) => void;
  /** Wait before a failed or stale Service is synced again, ms (default 1000). */
  retryDelayMs?: number;
  /** Endpoints a slice holds at most (default 100, `--max-endpoints-per-slice`). */
  maxEndpointsPerSlice?: number;
}

/** A running controller. */
export interface EndpointSliceController {
  /** Resolves once the informers have listed and the queued work can start. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

function slicesPath(namespace: string, name?: string): string {
  return resourcePath(RESOURCES.endpointslices, { namespace, name });
}

function managed(slice: EndpointSlice | undefined): boolean {
  return slice?.metadata.labels?.[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER_NAME;
}

function withTriggerTime(slice: EndpointSlice, triggerTime: string | undefined): EndpointSlice {
  const annotations = { ...(slice.metadata.annotations ?? {}) };
  if (triggerTime) annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME] = triggerTime;
  else delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
  return { ...slice, metadata: { ...slice.metadata, annotations } };
}

/** Starts the controller (endpointslice_controller.go Run). */
export function startEndpointSliceController(options: EndpointSliceControllerOptions): EndpointSliceController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const maxEndpointsPerSlice = options.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
  const abort = new AbortController();
  const triggerTimes = new TriggerTimeTracker();
  const tracker = new SliceTracker();
  const services = new Map<string, Service>();
  const nodes = new Map<string, Node>();
  /** Services whose last sync met a stale cache: synced again as soon as the cache has caught up. */
  const deferred = new Set<string>();
  /** Services with pods on nodes not seen yet. */
  const waitingForNodes = new Set<string>();

  async function sync(key: string): Promise<boolean> {
    const [namespace = ''] = key.split('/');
    const svc = services.get(key);
    if (!svc) {
      // The slices are the garbage collector's now (their ownerReference).
      triggerTimes.delete(key);
      tracker.forget(key);
      return true;
    }
    if (svc.spec?.type === 'ExternalName') return true;
    const selector = serviceSelector(svc);
    if (!selector) return true;
    const pods = [...podInformer.cache.values()].filter((p) => p.metadata.namespace === namespace && selectorMatches(selector, p.metadata.labels));
    const slices = [...sliceInformer.cache.values()].filter(
      (s) => managed(s) && s.metadata.namespace === namespace && s.metadata.labels?.[LABEL_SERVICE_NAME] === svc.metadata.name && !s.metadata.deletionTimestamp,
    );
    if (tracker.stale(key)) {
      deferred.add(key);
      return false;
    }
    const triggerTime = triggerTimes.compute(key, svc, pods);
    const plan = reconcileSlices({ service: svc, pods, slices, nodes, maxEndpointsPerSlice });
    try {
      // No new slices for a Service being deleted: the garbage collector is removing them.
      if (!svc.metadata.deletionTimestamp) {
        for (const slice of plan.create) {
          try {
            tracker.wrote(key, await client.create<EndpointSlice>(slicesPath(namespace), withTriggerTime(slice, triggerTime)));
          } catch (err) {
            // A terminating namespace takes no new objects: nothing to do.
            if ((err as StatusError).reason === 'Forbidden') return true;
            throw err;
          }
        }
      }
      for (const slice of plan.update) {
        tracker.wrote(key, await client.update<EndpointSlice>(slicesPath(namespace, slice.metadata.name ?? ''), withTriggerTime(slice, triggerTime)));
      }
      for (const slice of plan.delete) {
        const name = slice.metadata.name ?? '';
        await client.delete(slicesPath(namespace, name)).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
        tracker.deleted(key, name);
      }
    } catch (err) {
      // Our cache was behind someone else's write: sync again once it has caught up.
      if (isConflict(err) || isNotFound(err)) return false;
      throw err;
    }
    if (plan.podsWithoutNode.length > 0) waitingForNodes.add(key);
    else waitingForNodes.delete(key);
    return true;
  }

  const queue = createWorkQueue({ sync, retryDelayMs, onError });
  let resolveSynced: () => void = () => {};
  const synced = new Promise<void>((r) => (resolveSynced = r));
  const gate = createSyncGate(['services', 'pods', 'endpointslices', 'nodes'], queue, () => resolveSynced());

  const [serviceInformer, podInformer] = runServiceAndPodInformers({ client, signal: abort.signal, retryDelayMs, services, gate, onError });
  const sliceInformer = runGatedInformer<EndpointSlice>({
    client,
    resource: RESOURCES.endpointslices,
    signal: abort.signal,
    retryDelayMs,
    gate,
    handlers: {
      onEvent(type, slice, old) {
        const key = serviceKeyOfSlice(slice);
        const oldKey = old ? serviceKeyOfSlice(old) : undefined;
        if (oldKey && oldKey !== key) gate.add(oldKey);
        if (!key) return;
        if (managed(slice) !== managed(old) && old !== undefined) {
          gate.add(key);
          return;
        }
        if (!managed(slice)) return;
        const own = tracker.observe(type, slice);
        if (!own) gate.add(key);
        else if (deferred.has(key) && !tracker.stale(key)) {
          deferred.delete(key);
          gate.add(key);
        }
      },
    },
    onError,
  });
  const nodeInformer = runGatedInformer<Node>({
    client,
    resource: RESOURCES.nodes,
    signal: abort.signal,
    retryDelayMs,
    gate,
    handlers: {
      onEvent(type, node) {
        if (type === 'DELETED') nodes.delete(node.metadata.name ?? '');
        else nodes.set(node.metadata.name ?? '', node);
        if (type !== 'MODIFIED') for (const key of waitingForNodes) gate.add(key);
      },
    },
    onError,
  });

  return {
    synced,
    async stop() {
      abort.abort();
      await Promise.all([serviceInformer.done, podInformer.done, sliceInformer.done, nodeInformer.done, queue.shutDown()]);
    },
  };
}

/**
 * The system-services controller: keeps `default/kubernetes` and `kube-system/kube-dns` (desired.ts) in the API —
 * created when missing, re-created when deleted, Endpoints and EndpointSlices corrected when they drift — as an
 * API client, the way kube-apiserver's kubernetesservice controller keeps the `kubernetes` Service.
 */
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { runInformer } from '../../client/informer.js';
import type { ApiClient } from '../../client/types.js';
import { createWorkQueue } from '../workqueue.js';
import { desiredSystemServices, type SystemServicesConfig } from './desired.js';
import { resourcePath, RESOURCES } from '../../api/paths.js';

/** Options of {@link startSystemServicesController}. */
export interface SystemServicesControllerOptions extends SystemServicesConfig {
  client: ApiClient;
  onError?: (err: unknown) => void;
  /** Wait before retrying a failed sync, ms (default 1000). */
  retryDelayMs?: number;
}

/** A running controller. */
export interface SystemServicesController {
  stop(): Promise<void>;
}

function collection(obj: KubeObject, name?: string): string {
  const namespace = obj.metadata.namespace ?? '';
  const r = obj.kind === 'EndpointSlice' ? RESOURCES.endpointslices : obj.kind === 'Service' ? RESOURCES.services : RESOURCES.endpoints;
  return resourcePath(r, { namespace, name });
}

/** Creates `want` when missing; for Endpoints and slices, rewrites the addresses and ports when they differ. */
async function ensure(client: ApiClient, want: KubeObject, compare: (got: KubeObject) => boolean): Promise<void> {
  const path = collection(want, want.metadata.name ?? '');
  let got: KubeObject | undefined;
  try {
    got = await client.get(path);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!got) {
    try {
      await client.create(collection(want), want);
    } catch (err) {
      // The namespace is terminating or being re-created: the next event or retry finishes the job.
      if (!isAlreadyExists(err)) throw err;
    }
    return;
  }
  if (compare(got)) return;
  await client.update(path, { ...want, metadata: { ...got.metadata, labels: { ...got.metadata.labels, ...want.metadata.labels } } });
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Starts the controller: watches Services, Endpoints and EndpointSlices of default and kube-system, syncs on change. */
export function startSystemServicesController(options: SystemServicesControllerOptions): SystemServicesController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const abort = new AbortController();
  const desired = desiredSystemServices(options);
  const names = new Set(desired.map((d) => `${d.service.metadata.namespace ?? ''}/${d.service.metadata.name ?? ''}`));
  const sync = async (): Promise<boolean> => {
    for (const d of desired) {
      // A Service that exists is left alone (users may label it); its IP is immutable anyway.
      await ensure(client, d.service, () => true);
      await ensure(client, d.endpoints, (got) => sameJson((got as typeof d.endpoints).subsets, d.endpoints.subsets));
      await ensure(client, d.slice, (got) => {
        const s = got as typeof d.slice;
        return sameJson(s.endpoints.map((e) => e.addresses), d.slice.endpoints.map((e) => e.addresses)) && sameJson(s.ports, d.slice.ports);
      });
    }
    return true;
  };
  const queue = createWorkQueue({ sync, retryDelayMs: options.retryDelayMs ?? 1000, onError });
  queue.add('all');
  const mine = (obj: KubeObject): boolean => names.has(`${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`);
  const informers = [resourcePath(RESOURCES.services), resourcePath(RESOURCES.endpoints), resourcePath(RESOURCES.endpointslices)].map((path) =>
    runInformer<KubeObject>({
      client,
      path,
      signal: abort.signal,
      handlers: {
        onEvent(type, obj) {
          if (mine(obj) && (type === 'DELETED' || type === 'MODIFIED')) queue.add('all');
        },
        onError,
      },
    }),
  );
  return {
    async stop() {
      abort.abort();
      await Promise.all([...informers.map((i) => i.done), queue.shutDown()]);
    },
  };
}

/**
 * The root-CA publisher: every Active namespace has a ConfigMap `kube-root-ca.crt` whose `ca.crt` is the cluster CA,
 * created when the namespace appears, put back when it is deleted or changed. Pods read it through their
 * kube-api-access volume to verify https://kubernetes.default.svc.
 *
 * Mirrors kube-controller-manager's `root-ca-cert-publisher` (`pkg/controller/certificates/rootcacertpublisher/
 * publisher.go`: syncNamespace, the `kubernetes.io/description` annotation). An API client: it watches namespaces and
 * the `kube-root-ca.crt` ConfigMaps, and writes through the API.
 */
import { isNotFound, type StatusError } from '../api/errors.js';
import type { ConfigMap } from '../api/types.js';
import { runInformer } from '../client/informer.js';
import { runActiveNamespaceInformer } from './active-namespaces.js';
import type { ApiClient } from '../client/types.js';
import { createWorkQueue } from './workqueue.js';
import { resourcePath, RESOURCES } from '../api/paths.js';

/** The ConfigMap's name (RootCACertConfigMapName). */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** Its annotation key and text (DescriptionAnnotation, Description). */
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** Options of {@link startRootCAPublisher}. */
export interface RootCAPublisherOptions {
  client: ApiClient;
  /** The CA bundle (PEM) to publish. */
  rootCA: string;
  onError?: (err: unknown) => void;
  /** Wait before retrying a failed namespace, ms (default 1000). */
  retryDelayMs?: number;
}

/** A running publisher. */
export interface RootCAPublisher {
  stop(): Promise<void>;
}

/** Starts the publisher: namespace and ConfigMap informers feeding a serial per-namespace queue. */
export function startRootCAPublisher(options: RootCAPublisherOptions): RootCAPublisher {
  const { client, rootCA } = options;
  const onError = options.onError ?? (() => {});
  const abort = new AbortController();
  const active = new Set<string>();
  const maps = new Map<string, ConfigMap>();
  const path = (ns: string): string => resourcePath(RESOURCES.configmaps, { namespace: ns });

  const sync = async (ns: string): Promise<boolean> => {
    if (!active.has(ns)) return true;
    const cm = maps.get(ns);
    const data = { 'ca.crt': rootCA };
    try {
      if (!cm) {
        await client.create(path(ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data });
        return true;
      }
      const same = Object.keys(cm.data ?? {}).length === 1 && cm.data?.['ca.crt'] === rootCA;
      if (same && cm.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return true;
      await client.update(`${path(ns)}/${ROOT_CA_CONFIGMAP}`, { ...cm, data, metadata: { ...cm.metadata, annotations: { ...(cm.metadata.annotations ?? {}), [DESCRIPTION_ANNOTATION]: DESCRIPTION } } });
      return true;
    } catch (err) {
      // The namespace is gone or terminating: nothing to publish.
      if (isNotFound(err) || (err as StatusError).reason === 'Forbidden') return true;
      // Created or changed meanwhile: the informer brings the new state and the key back.
      if ((err as StatusError).reason === 'AlreadyExists' || (err as StatusError).reason === 'Conflict') return true;
      throw err;
    }
  };
  const queue = createWorkQueue({ sync, retryDelayMs: options.retryDelayMs ?? 1000, onError });

  const namespaces = runActiveNamespaceInformer({ client, signal: abort.signal, active, onActive: (name) => queue.add(name), onError });
  const configMaps = runInformer<ConfigMap>({
    client,
    path: resourcePath(RESOURCES.configmaps),
    query: { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` },
    signal: abort.signal,
    handlers: {
      onEvent(type, cm) {
        const ns = cm.metadata.namespace ?? '';
        if (type === 'DELETED') maps.delete(ns);
        else maps.set(ns, cm);
        queue.add(ns);
      },
      onError,
    },
  });

  return {
    async stop() {
      abort.abort();
      await Promise.all([namespaces.done, configMaps.done, queue.shutDown()]);
    },
  };
}

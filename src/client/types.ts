/**
 * The Kubernetes API client contract used by the kubelet and controllers.
 *
 * They talk to the API server over HTTPS like any other client (client-go's role), so the kubelet runs
 * unchanged against any server that speaks the same API. Paths are API paths such as
 * `/api/v1/namespaces/default/pods/x`; errors are StatusError decoded from the response's Status body.
 */
import type { DeleteOptions, KubeList, KubeObject, WatchEvent } from '../api/types.js';

/** Query parameters of list/watch (`labelSelector`, `fieldSelector`, `resourceVersion`, ...). */
export type Query = Record<string, string | number | boolean | undefined>;

/** Patch content types (apimachinery `types.PatchType`). */
export type PatchType = 'merge' | 'strategic' | 'json';

export interface ApiClient {
  get<T extends KubeObject>(path: string, query?: Query): Promise<T>;
  list<T extends KubeObject>(path: string, query?: Query): Promise<KubeList<T>>;
  /** POST. */
  create<T extends KubeObject>(path: string, body: unknown, query?: Query): Promise<T>;
  /** PUT. */
  update<T extends KubeObject>(path: string, body: unknown, query?: Query): Promise<T>;
  patch<T extends KubeObject>(path: string, body: unknown, type: PatchType, query?: Query): Promise<T>;
  delete(path: string, options?: DeleteOptions): Promise<unknown>;
  /**
   * Watches `path` (a collection) with `watch=true`; yields events until `signal` aborts or the server
   * ends the stream (then the iterator returns). An `ERROR` event carries a Status.
   */
  watch<T extends KubeObject>(path: string, query: Query, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
}

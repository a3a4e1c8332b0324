// A list+watch loop (client-go Reflector + a tiny store): keeps a local cache in step with the API and reports changes.

import { isGone } from '../api/errors.js';
import type { KubeObject, Status } from '../api/types.js';
import type { ApiClient, Query } from './types.js';

/** Callbacks of an informer. `type` follows the watch protocol; a re-list emits synthetic ADDED/MODIFIED/DELETED. */
export interface InformerHandlers<T extends KubeObject> {
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T, old: T | undefined): void;
  /** Called after every successful LIST (the cache is complete from then on). */
  onSynced?(): void;
  onError?(err: unknown): void;
}

/** Options of {@link runInformer}. */
export interface InformerOptions<T extends KubeObject> {
  client: ApiClient;
  /** Collection path, e.g. `/api/v1/pods`. */
  path: string;
  /** List/watch query such as `{ fieldSelector: 'spec.nodeName=n1' }`. */
  query?: Query;
  handlers: InformerHandlers<T>;
  signal: AbortSignal;
  /** Wait before re-listing after an error, ms (default 1000). */
  retryDelayMs?: number;
}

/** A running informer: its cache (by uid) and a promise that settles when `signal` aborts. */
export interface Informer<T extends KubeObject> {
  readonly cache: ReadonlyMap<string, T>;
  readonly done: Promise<void>;
}

function keyOf(obj: KubeObject): string {
  return obj.metadata.uid ?? `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Lists `path`, then watches from the list's resourceVersion; re-watches from the last seen resourceVersion when
 * the stream ends, and re-lists on 410 Gone (or an ERROR event) and after any error. Mirrors client-go
 * `tools/cache/reflector.go` ListAndWatch. Runs until `signal` aborts; never throws.
 */
export function runInformer<T extends KubeObject>(options: InformerOptions<T>): Informer<T> {
  const { client, path, handlers, signal } = options;
  const cache = new Map<string, T>();
  const retry = options.retryDelayMs ?? 1000;

  async function list(): Promise<string> {
    const result = await client.list<T>(path, options.query);
    const seen = new Set<string>();
    for (const item of result.items) {
      const key = keyOf(item);
      seen.add(key);
      const old = cache.get(key);
      cache.set(key, item);
      if (!old) handlers.onEvent('ADDED', item, undefined);
      else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) handlers.onEvent('MODIFIED', item, old);
    }
    for (const [key, old] of [...cache]) {
      if (seen.has(key)) continue;
      cache.delete(key);
      handlers.onEvent('DELETED', old, old);
    }
    handlers.onSynced?.();
    return result.metadata.resourceVersion ?? '';
  }

  async function loop(): Promise<void> {
    let rv = '';
    while (!signal.aborted) {
      try {
        if (!rv) rv = await list();
        let relist = false;
        for await (const ev of client.watch<T>(path, { ...options.query, resourceVersion: rv, allowWatchBookmarks: true }, signal)) {
          if (ev.type === 'ERROR') {
            const status = ev.object as unknown as Status;
            if (status.code !== 410) handlers.onError?.(new Error(`watch ${path}: ${status.message ?? 'error event'}`));
            relist = true;
            break;
          }
          const obj = ev.object;
          if (obj.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
          if (ev.type === 'BOOKMARK') continue;
          const key = keyOf(obj);
          const old = cache.get(key);
          if (ev.type === 'DELETED') {
            cache.delete(key);
            handlers.onEvent('DELETED', obj, old);
          } else {
            cache.set(key, obj);
            handlers.onEvent(old ? 'MODIFIED' : 'ADDED', obj, old);
          }
        }
        if (relist) rv = '';
        else await sleep(100, signal); // the server closed the stream: re-watch from rv, without spinning
      } catch (err) {
        if (signal.aborted) break;
        if (!isGone(err)) handlers.onError?.(err);
        rv = '';
        await sleep(retry, signal);
      }
    }
  }

  return { cache, done: loop() };
}

// The one list+watch loop of every API client here (client-go tools/cache: Reflector + store + handlers): keeps a local cache in step with the API and reports changes.

import { realClock, type Clock } from '../api/clock.js';
import { isGone } from '../api/errors.js';
import type { KubeObject, Status } from '../api/types.js';
import type { ApiClient, Query } from './types.js';

/** Callbacks of an informer. `type` follows the watch protocol; a re-list emits synthetic ADDED/MODIFIED/DELETED. */
export interface InformerHandlers<T extends KubeObject> {
  /** Called after the cache (and {@link InformerOptions.store}) took the change; `old` is the cached object before it. */
  onEvent?(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T, old: T | undefined): void;
  /** After `onEvent`, per kind of change (client-go `ResourceEventHandlerFuncs`): a new object... */
  onAdd?(obj: T): void;
  /** ...a changed one, with the cached object before the change... */
  onUpdate?(obj: T, old: T): void;
  /** ...and a deleted one (its last state). */
  onDelete?(obj: T): void;
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
  /**
   * A controller's own indexer kept in step before `onEvent` runs: `set` on ADDED/MODIFIED, `delete` on DELETED
   * (client-go's informer writing its Indexer before it notifies the handlers).
   */
  store?: InformerStore<T>;
  signal: AbortSignal;
  /** Wait before re-listing after an error, ms (default 1000). */
  retryDelayMs?: number;
  /** The clock of those waits (default the wall clock). */
  clock?: Pick<Clock, 'sleep'>;
}

/** A store an informer feeds (VersionedStore, NamespacedCache, ...). */
export interface InformerStore<T extends KubeObject> {
  set(obj: T): unknown;
  delete(obj: T): unknown;
}

/** A running informer: its cache (by uid), whether it has listed once, and a promise that settles when `signal` aborts. */
export interface Informer<T extends KubeObject> {
  readonly cache: ReadonlyMap<string, T>;
  /** True once the first LIST was applied (client-go `HasSynced`). */
  hasSynced(): boolean;
  /**
   * Resolves true once the first LIST was applied, or with hasSynced() after `timeoutMs` (ms) at the latest
   * (client-go `WaitForCacheSync` with a deadline). Never rejects.
   */
  waitForSync(timeoutMs: number): Promise<boolean>;
  readonly done: Promise<void>;
}

function keyOf(obj: KubeObject): string {
  return obj.metadata.uid ?? `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
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
  const clock = options.clock ?? realClock;
  let synced = false;
  const syncWaiters = new Set<() => void>();

  function notify(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T, old: T | undefined): void {
    if (type === 'DELETED') options.store?.delete(obj);
    else options.store?.set(obj);
    handlers.onEvent?.(type, obj, old);
    if (type === 'DELETED') handlers.onDelete?.(obj);
    else if (old) handlers.onUpdate?.(obj, old);
    else handlers.onAdd?.(obj);
  }

  async function list(): Promise<string> {
    const result = await client.list<T>(path, options.query);
    const seen = new Set<string>();
    for (const item of result.items) {
      const key = keyOf(item);
      seen.add(key);
      const old = cache.get(key);
      cache.set(key, item);
      if (!old) notify('ADDED', item, undefined);
      else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) notify('MODIFIED', item, old);
    }
    for (const [key, old] of [...cache]) {
      if (seen.has(key)) continue;
      cache.delete(key);
      notify('DELETED', old, old);
    }
    synced = true;
    for (const w of syncWaiters) w();
    syncWaiters.clear();
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
            notify('DELETED', obj, old);
          } else {
            cache.set(key, obj);
            notify(old ? 'MODIFIED' : 'ADDED', obj, old);
          }
        }
        if (relist) rv = '';
        else await clock.sleep(100, signal); // the server closed the stream: re-watch from rv, without spinning
      } catch (err) {
        if (signal.aborted) break;
        if (!isGone(err)) handlers.onError?.(err);
        rv = '';
        await clock.sleep(retry, signal);
      }
    }
  }

  const waitForSync = (timeoutMs: number): Promise<boolean> =>
    synced
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const onSync = (): void => {
            clearTimeout(timer);
            resolve(true);
          };
          const timer = setTimeout(() => {
            syncWaiters.delete(onSync);
            resolve(synced);
          }, timeoutMs);
          syncWaiters.add(onSync);
        });
  return { cache, hasSynced: () => synced, waitForSync, done: loop() };
}

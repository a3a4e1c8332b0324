// A fake ApiClient serving collections (list + watch) by path, for the proxy's sync loop tests.

import type { KubeList, KubeObject, WatchEvent } from '../../api/types.js';
import type { ApiClient, Query } from '../../client/types.js';

type Watcher = (e: WatchEvent<KubeObject>) => void;

/**
 * Collections keyed by path (`/api/v1/services`). `list` may be held back per path with `holdList`;
 * `put`/`remove` bump the resourceVersion and reach every open watch. Other verbs throw.
 */
export class FakeCollections implements ApiClient {
  private rv = 1;
  private readonly items = new Map<string, Map<string, KubeObject>>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly held = new Map<string, Promise<void>>();
  /** Watches open now, by path. */
  readonly openWatches = new Map<string, number>();

  private of(path: string): Map<string, KubeObject> {
    let m = this.items.get(path);
    if (!m) this.items.set(path, (m = new Map()));
    return m;
  }

  /** Makes LIST of `path` wait until the returned function is called. */
  holdList(path: string): () => void {
    let release = (): void => {};
    this.held.set(path, new Promise<void>((r) => (release = r)));
    return () => release();
  }

  /** Creates or replaces `obj` in `path`. */
  put<T extends KubeObject>(path: string, obj: T): void {
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    const key = `${stored.metadata.namespace}/${stored.metadata.name}`;
    const type = this.of(path).has(key) ? 'MODIFIED' : 'ADDED';
    this.of(path).set(key, stored);
    for (const w of this.watchers.get(path) ?? []) w({ type, object: structuredClone(stored) });
  }

  /** Deletes `obj` from `path`. */
  remove(path: string, obj: KubeObject): void {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const stored = this.of(path).get(key);
    if (!stored) return;
    this.of(path).delete(key);
    stored.metadata.resourceVersion = String(++this.rv);
    for (const w of this.watchers.get(path) ?? []) w({ type: 'DELETED', object: structuredClone(stored) });
  }

  async list<T extends KubeObject>(path: string): Promise<KubeList<T>> {
    await this.held.get(path);
    return { metadata: { resourceVersion: String(this.rv) }, items: [...this.of(path).values()].map((o) => structuredClone(o) as T) };
  }

  async *watch<T extends KubeObject>(path: string, _query: Query, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    const queue: WatchEvent<KubeObject>[] = [];
    let wake: (() => void) | undefined;
    const w: Watcher = (e) => {
      queue.push(e);
      wake?.();
    };
    const set = this.watchers.get(path) ?? new Set<Watcher>();
    this.watchers.set(path, set.add(w));
    this.openWatches.set(path, (this.openWatches.get(path) ?? 0) + 1);
    const onAbort = (): void => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        const e = queue.shift();
        if (e) yield e as WatchEvent<T>;
        else await new Promise<void>((r) => (wake = r));
      }
    } finally {
      set.delete(w);
      this.openWatches.set(path, (this.openWatches.get(path) ?? 1) - 1);
      signal.removeEventListener('abort', onAbort);
    }
  }

  get<T extends KubeObject>(): Promise<T> {
    return Promise.reject(new Error('FakeCollections: get not supported'));
  }
  create<T extends KubeObject>(): Promise<T> {
    return Promise.reject(new Error('FakeCollections: create not supported'));
  }
  update<T extends KubeObject>(): Promise<T> {
    return Promise.reject(new Error('FakeCollections: update not supported'));
  }
  patch<T extends KubeObject>(): Promise<T> {
    return Promise.reject(new Error('FakeCollections: patch not supported'));
  }
  delete(): Promise<unknown> {
    return Promise.reject(new Error('FakeCollections: delete not supported'));
  }
}

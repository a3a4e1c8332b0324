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
  /** Every event by path, for watches from a resourceVersion. */
  private readonly history = new Map<string, WatchEvent<KubeObject>[]>();
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
    this.emit(path, { type, object: stored });
  }

  /** Deletes `obj` from `path`. */
  remove(path: string, obj: KubeObject): void {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const stored = this.of(path).get(key);
    if (!stored) return;
    this.of(path).delete(key);
    stored.metadata.resourceVersion = String(++this.rv);
    this.emit(path, { type: 'DELETED', object: stored });
  }

  private emit(path: string, e: WatchEvent<KubeObject>): void {
    let h = this.history.get(path);
    if (!h) this.history.set(path, (h = []));
    h.push(structuredClone(e));
    for (const w of this.watchers.get(path) ?? []) w(structuredClone(e));
  }

  /** The objects at `path` in the API server's list order (namespace, then name). */
  private current<T extends KubeObject>(path: string): T[] {
    return [...this.of(path).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => structuredClone(o) as T);
  }

  async list<T extends KubeObject>(path: string): Promise<KubeList<T>> {
    await this.held.get(path);
    return { metadata: { resourceVersion: String(this.rv) }, items: this.current<T>(path) };
  }

  /**
   * Watches `path`: from `query.resourceVersion` the events after it, then what happens next; without one (or "0")
   * the current objects as ADDED first, as the API server does.
   */
  async *watch<T extends KubeObject>(path: string, query: Query, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    const rv = query.resourceVersion;
    const queue: WatchEvent<KubeObject>[] =
      rv === undefined || rv === '' || rv === '0' || rv === 0
        ? this.current(path).map((object) => ({ type: 'ADDED' as const, object }))
        : (this.history.get(path) ?? []).filter((e) => Number(e.object.metadata.resourceVersion) > Number(rv)).map((e) => structuredClone(e));
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

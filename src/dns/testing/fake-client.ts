// An in-memory ApiClient serving collections by path (list + watch) for cluster DNS tests.

import type { KubeList, KubeObject, WatchEvent } from '../../api/types.js';
import type { ApiClient, Query } from '../../client/types.js';

type Listener = (e: WatchEvent<KubeObject>) => void;

/** Collections keyed by their list path (`/api/v1/services`); writes through {@link put}/{@link remove} reach watchers. */
export class FakeCollections implements ApiClient {
  private rv = 1;
  private readonly items = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Every event by path, for watches from a resourceVersion. */
  private readonly history = new Map<string, WatchEvent<KubeObject>[]>();

  private bucket(path: string): Map<string, KubeObject> {
    let b = this.items.get(path);
    if (!b) this.items.set(path, (b = new Map()));
    return b;
  }

  private emit(path: string, e: WatchEvent<KubeObject>): void {
    let h = this.history.get(path);
    if (!h) this.history.set(path, (h = []));
    h.push(structuredClone(e));
    for (const l of this.listeners.get(path) ?? []) l(structuredClone(e));
  }

  /** Adds or replaces `obj` in the collection at `path`. */
  put(path: string, obj: KubeObject): void {
    const stored = structuredClone(obj);
    const k = `${stored.metadata.namespace ?? ''}/${stored.metadata.name}`;
    stored.metadata.uid ??= `uid-${path}-${k}`;
    stored.metadata.resourceVersion = String(++this.rv);
    const existed = this.bucket(path).has(k);
    this.bucket(path).set(k, stored);
    this.emit(path, { type: existed ? 'MODIFIED' : 'ADDED', object: stored });
  }

  /** Removes the object named like `obj` from the collection at `path`. */
  remove(path: string, obj: KubeObject): void {
    const k = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const stored = this.bucket(path).get(k);
    if (!stored) return;
    this.bucket(path).delete(k);
    stored.metadata.resourceVersion = String(++this.rv);
    this.emit(path, { type: 'DELETED', object: stored });
  }

  async list<T extends KubeObject>(path: string): Promise<KubeList<T>> {
    return { metadata: { resourceVersion: String(this.rv) }, items: this.current<T>(path) };
  }

  /** The objects at `path` in the API server's list order (namespace, then name). */
  private current<T extends KubeObject>(path: string): T[] {
    return [...this.bucket(path).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => structuredClone(o) as T);
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
    const listener: Listener = (e) => {
      queue.push(e);
      wake?.();
    };
    let set = this.listeners.get(path);
    if (!set) this.listeners.set(path, (set = new Set()));
    set.add(listener);
    const onAbort = (): void => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        const e = queue.shift();
        if (e) {
          yield e as WatchEvent<T>;
          continue;
        }
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    } finally {
      set.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async get<T extends KubeObject>(): Promise<T> {
    throw new Error('FakeCollections: get not supported');
  }
  async create<T extends KubeObject>(): Promise<T> {
    throw new Error('FakeCollections: create not supported');
  }
  async update<T extends KubeObject>(): Promise<T> {
    throw new Error('FakeCollections: update not supported');
  }
  async patch<T extends KubeObject>(): Promise<T> {
    throw new Error('FakeCollections: patch not supported');
  }
  async delete(): Promise<unknown> {
    throw new Error('FakeCollections: delete not supported');
  }
}

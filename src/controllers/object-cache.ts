// A controller's view of one informer: cached objects by namespace, found by name.

/** The metadata the cache indexes by. */
interface Named {
  metadata: { namespace?: string; name?: string; uid?: string };
}

/** Cached objects of one kind by namespace and uid (an informer's cache, indexed for controllers). */
export class NamespacedCache<T extends Named> {
  private readonly byNs = new Map<string, Map<string, T>>();

  private static id(obj: Named): string {
    return obj.metadata.uid ?? `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
  }

  set(obj: T): void {
    const ns = obj.metadata.namespace ?? '';
    let m = this.byNs.get(ns);
    if (!m) this.byNs.set(ns, (m = new Map()));
    m.set(NamespacedCache.id(obj), obj);
  }

  delete(obj: T): void {
    this.byNs.get(obj.metadata.namespace ?? '')?.delete(NamespacedCache.id(obj));
  }

  /** Every cached object of `namespace`. */
  list(namespace: string): T[] {
    return [...(this.byNs.get(namespace)?.values() ?? [])];
  }

  /** The cached object `name` of `namespace`. */
  byName(namespace: string, name: string): T | undefined {
    for (const o of this.byNs.get(namespace)?.values() ?? []) if (o.metadata.name === name) return o;
    return undefined;
  }

  /** The object of a `namespace/name` key. */
  byKey(key: string): T | undefined {
    const i = key.indexOf('/');
    return this.byName(key.slice(0, i), key.slice(i + 1));
  }
}

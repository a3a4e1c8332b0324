// A controller's object store fed by an informer and by its own writes, keeping the newer resourceVersion of each object.

/** The metadata the store keys and orders by. */
interface Versioned {
  metadata: { namespace?: string; name?: string; resourceVersion?: string };
}

function revision(obj: Versioned): number {
  const n = Number(obj.metadata.resourceVersion ?? '0');
  return Number.isFinite(n) ? n : 0;
}

/**
 * Objects by `namespace/name` (`name` for cluster-scoped kinds). {@link set} ignores an object older than the stored
 * one, so a write's answer stored at once is not undone by the informer catching up (the PV controller's
 * `storeObjectUpdate`, which compares resourceVersions as integers).
 */
export class VersionedStore<T extends Versioned> {
  private readonly items = new Map<string, T>();

  /** `ns/name`, or `name` without a namespace. */
  static key(obj: Versioned): string {
    const ns = obj.metadata.namespace ?? '';
    return ns ? `${ns}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
  }

  /** Stores `obj` unless the stored object is newer; true when stored. */
  set(obj: T): boolean {
    const key = VersionedStore.key(obj);
    const cur = this.items.get(key);
    if (cur && revision(cur) > revision(obj)) return false;
    this.items.set(key, obj);
    return true;
  }

  delete(obj: Versioned): void {
    this.items.delete(VersionedStore.key(obj));
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(namespace?: string): T[] {
    const all = [...this.items.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }
}

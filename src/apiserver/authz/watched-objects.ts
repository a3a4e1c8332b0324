/**
 * An in-memory copy of one resource's objects, kept current by a watch of the store: the informer-fed listers the
 * authorizers read on every request (RBAC roles and bindings, the pods of the node graph).
 *
 * Mirrors the shared-informer listers kube-apiserver's RBAC and Node authorizers use
 * (`plugin/pkg/auth/authorizer/rbac` with `rbaclisters`, `node/graph_populator.go`).
 */
import type { KubeObject } from '../../api/types.js';
import type { GenericStore } from '../generic-store.js';
import { listEverything } from '../list.js';

/** Objects by `namespace/name`, fed by a watch. */
export class WatchedObjects<T extends KubeObject = KubeObject> {
  private readonly byKey = new Map<string, T>();
  /** Bumped on every change, so derived indexes know when to rebuild. */
  generation = 0;
  /** Resolves once the initial state is in. */
  readonly synced: Promise<void>;
  private markSynced: () => void = () => {};

  constructor(private readonly store: GenericStore | undefined) {
    this.synced = new Promise<void>((resolve) => (this.markSynced = resolve));
    if (!store) this.markSynced();
  }

  /** Watches until `signal` aborts, re-watching from scratch when the stream ends or fails. */
  start(signal: AbortSignal, onError: (err: unknown) => void = () => {}): void {
    const store = this.store;
    if (!store) return;
    const run = async (): Promise<void> => {
      while (!signal.aborted) {
        try {
          const fresh = new Map<string, T>();
          let synced = false;
          for await (const item of store.watch('', listEverything(), { resourceVersion: '', sendInitialEvents: false, signal })) {
            if (item.type === 'ERROR') break;
            if (item.type === 'SYNCED') {
              synced = true;
              this.byKey.clear();
              for (const [k, v] of fresh) this.byKey.set(k, v);
              this.generation++;
              this.markSynced();
              continue;
            }
            const obj = item.object as T;
            const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
            const target = synced ? this.byKey : fresh;
            if (item.type === 'DELETED') target.delete(key);
            else target.set(key, obj);
            if (synced) this.generation++;
          }
        } catch (err) {
          if (signal.aborted) return;
          onError(err);
        }
        if (!signal.aborted) await new Promise((r) => setTimeout(r, 100));
      }
    };
    void run();
  }

  /** The object `namespace/name` ('' namespace for cluster-scoped kinds), or undefined. */
  get(namespace: string, name: string): T | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }

  /** Every object. */
  values(): IterableIterator<T> {
    return this.byKey.values();
  }
}

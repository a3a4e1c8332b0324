/**
 * Resources: the set of GenericStores the server serves, looked up by group/version/resource.
 *
 * Namespace deletion is not done here: DELETE of a namespace only marks it Terminating (the namespace strategy's
 * `beginDelete`); the namespace controller (src/controllers/namespace.ts) empties it through the API.
 */
import type { KubeObject } from '../api/types.js';
import type { Strategy } from '../registry/strategy.js';
import type { Store } from '../storage/store.js';
import { GenericStore } from './generic-store.js';
import type { PatchOps } from './patch-adapter.js';

/** Every served resource, by `group/version/resource`. */
export class Resources {
  private readonly byPath = new Map<string, GenericStore>();
  readonly all: GenericStore[] = [];

  /** `onRemoved` is called after any object left storage (the system-namespaces loop of bootstrap.ts listens). */
  constructor(
    strategies: Strategy[],
    private readonly deps: { store: Store; clock: () => Date; patch: PatchOps; onRemoved?: (obj: KubeObject) => void },
  ) {
    for (const s of strategies) {
      const gs = new GenericStore(s, {
        store: deps.store,
        clock: deps.clock,
        patch: deps.patch,
        getNamespace: (name) => this.getNamespace(name),
        onRemoved: (obj) => deps.onRemoved?.(obj),
      });
      this.byPath.set(`${s.info.group}/${s.info.version}/${s.info.resource}`, gs);
      this.all.push(gs);
    }
  }

  /** The store of a resource, or undefined when not served. */
  lookup(group: string, version: string, resource: string): GenericStore | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** The namespaces store, when the server serves namespaces. */
  get namespaces(): GenericStore | undefined {
    return this.lookup('', 'v1', 'namespaces');
  }

  private async getNamespace(name: string): Promise<KubeObject | undefined> {
    const ns = this.namespaces;
    if (!ns) return { metadata: { name } };
    const got = await this.deps.store.get(ns.key('', name));
    return got?.object;
  }
}

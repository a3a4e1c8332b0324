/**
 * Resources: the set of GenericStores the server serves, looked up by group/version/resource, plus the
 * namespace lifecycle (deleting a namespace deletes its contents, then the namespace).
 *
 * The namespace part is a simplified in-server stand-in for kube-controller-manager's namespace controller
 * (`pkg/controller/namespace/deletion/namespaced_resources_deleter.go`): the namespace turns Terminating,
 * every namespaced object in it is deleted (gracefully where the kind says so) and the namespace object is
 * removed once nothing is left.
 */
import { forbiddenResource } from '../api/errors.js';
import { rfc3339 } from '../api/meta.js';
import type { DeleteOptions, KubeObject } from '../api/types.js';
import type { Strategy } from '../registry/strategy.js';
import type { Store } from '../storage/store.js';
import { bootstrapNamespaces, IMMORTAL_NAMESPACES, SYSTEM_NAMESPACES } from './bootstrap.js';
import { GenericStore, type WriteOptions } from './generic-store.js';
import { listEverything } from './list.js';
import type { PatchOps } from './patch-adapter.js';

/** Every served resource, by `group/version/resource`. */
export class Resources {
  private readonly byPath = new Map<string, GenericStore>();
  readonly all: GenericStore[] = [];
  private readonly terminating = new Set<string>();

  constructor(
    strategies: Strategy[],
    private readonly deps: { store: Store; clock: () => Date; patch: PatchOps },
  ) {
    for (const s of strategies) {
      const gs = new GenericStore(s, {
        ...deps,
        getNamespace: (name) => this.getNamespace(name),
        onRemoved: (obj) => this.onRemoved(obj),
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

  /**
   * DELETE of a namespace: marks it Terminating (deletionTimestamp, status.phase) and starts deleting its
   * contents; returns the terminating namespace (kube answers 200 with the object).
   */
  async deleteNamespace(name: string, options: DeleteOptions, write: WriteOptions): Promise<KubeObject> {
    const ns = this.namespaces;
    if (!ns) throw new Error('namespaces are not served');
    const current = await ns.get('', name);
    if (IMMORTAL_NAMESPACES.has(name)) throw forbiddenResource({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
    if (write.dryRun) return current;
    const now = rfc3339(this.deps.clock());
    const updated = await ns.guaranteedUpdate('', name, (obj) => {
      obj.metadata.deletionTimestamp ??= now;
      obj.metadata.deletionGracePeriodSeconds ??= 0;
      obj['status'] = { ...((obj['status'] as object | undefined) ?? {}), phase: 'Terminating' };
    });
    this.terminating.add(name);
    void this.deleteContents(name, options);
    return updated;
  }

  private async deleteContents(namespace: string, options: DeleteOptions): Promise<void> {
    try {
      for (const gs of this.all) {
        if (!gs.namespaced) continue;
        await gs.deleteCollection(namespace, listEverything(), { ...options }, { dryRun: false });
      }
      await this.finalizeIfEmpty(namespace);
    } catch {
      // Left Terminating; the next removal in the namespace retries finalization.
    }
  }

  private onRemoved(obj: KubeObject): void {
    const ns = obj.metadata.namespace;
    if (ns && this.terminating.has(ns)) void this.finalizeIfEmpty(ns).catch(() => undefined);
  }

  /** Removes a terminating namespace once no namespaced object is left in it. */
  async finalizeIfEmpty(namespace: string): Promise<boolean> {
    for (const gs of this.all) {
      if (!gs.namespaced) continue;
      const left = await gs.list(namespace, listEverything(1));
      if (left.items.length > 0) return false;
    }
    this.terminating.delete(namespace);
    try {
      await this.namespaces?.forceRemove('', namespace);
    } catch {
      return false;
    }
    // kube-node-lease (the only deletable system namespace) comes back, as upstream's system-namespaces controller does it.
    if (SYSTEM_NAMESPACES.includes(namespace)) await bootstrapNamespaces(this);
    return true;
  }

  /** Re-discovers namespaces left Terminating by a previous run and resumes their deletion. */
  async resumeTerminating(): Promise<void> {
    const ns = this.namespaces;
    if (!ns) return;
    const list = await ns.list('', listEverything());
    for (const item of list.items) {
      if (!item.metadata.deletionTimestamp || !item.metadata.name) continue;
      this.terminating.add(item.metadata.name);
      void this.deleteContents(item.metadata.name, {});
    }
  }
}

/**
 * GenericStore: Kubernetes registry semantics for one resource over the Store — create, get, list, update,
 * patch, status updates, graceful delete and deletecollection — calling the kind's Strategy for the rest.
 *
 * Mirrors k8s.io/apiserver `pkg/registry/generic/registry/store.go` with `pkg/registry/rest` (BeforeCreate,
 * BeforeUpdate, BeforeDelete): the store owns names, uid, resourceVersion, generateName, creationTimestamp,
 * conflicts and deletion; the strategy owns defaulting, validation and printing.
 */
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  type FieldError,
  type GroupResource,
} from '../api/errors.js';
import { rfc3339 } from '../api/meta.js';
import type { DeleteOptions, KubeList, KubeObject } from '../api/types.js';
import type { Strategy } from '../registry/strategy.js';
import type { Store, StoredObject } from '../storage/store.js';
import { apiVersionOf } from './decode.js';
import { deletionFinalizersForGarbageCollection } from './gc-finalizers.js';
import { listObjects, type ListQuery } from './list.js';
import {
  deepCopy,
  generateName,
  newUid,
  semanticallyEqual,
  storageKey,
  storagePrefix,
  validateName,
} from './object-meta.js';
import { admissionChanges, apply as applyConfiguration, recordUpdate, sameManagedFields, type FieldManagerScope, type FieldSet } from './fieldmanager/index.js';
import type { Gvk, PatchKind, PatchOps } from './patch-adapter.js';
import { watchStore, type WatchItem } from './watch.js';

/** The message of a stale-resourceVersion conflict (registry `OptimisticLockErrorMsg`). */
export const OPTIMISTIC_LOCK_MSG = 'the object has been modified; please apply your changes to the latest version and try again';

/** Shared dependencies of every GenericStore. */
export interface GenericStoreDeps {
  store: Store;
  clock: () => Date;
  patch: PatchOps;
  /** Reads a namespace object (undefined when absent). */
  getNamespace(name: string): Promise<KubeObject | undefined>;
  /** Called after an object was removed from storage (typed, as stored last). */
  onRemoved?(obj: KubeObject): void;
}

/** Options common to writes. */
export interface WriteOptions {
  dryRun: boolean;
  /**
   * Receives the strategy's warnings about the object written (create and main-resource updates, dry runs too), for
   * the response's `Warning` headers (the request context's warning recorder of k8s.io/apiserver `rest.BeforeCreate`).
   */
  warn?: (text: string) => void;
  /**
   * The field manager of the write (`fieldManager`, else the user agent's product): when set, the write is
   * recorded in `metadata.managedFields` (fieldmanager/); internal writes without one keep the stored entries.
   */
  manager?: string;
  /** A create by server-side apply: the applied configuration, owned by `manager` with operation Apply. */
  applied?: KubeObject;
  /** A create's object as decoded, before mutating admission: what admission added is owned by no manager. */
  beforeAdmission?: KubeObject;
  /**
   * Validating admission of the object about to be written (create: `old` undefined; main-resource update: the stored
   * object), called after the strategy's preparation and validation passed and before storage (dry runs too, as
   * kube-apiserver's createValidation/updateValidation). Throws a StatusError to refuse.
   */
  validateAdmission?: (obj: KubeObject, old: KubeObject | undefined) => Promise<void>;
}

/** Result of a delete: the object to return and whether it is gone from storage. */
export interface DeleteResult {
  object: KubeObject;
  deleted: boolean;
}

function isStoreError(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** The registry semantics of one resource. */
export class GenericStore {
  readonly gr: GroupResource;
  readonly gvk: Gvk;

  constructor(readonly strategy: Strategy, private readonly deps: GenericStoreDeps) {
    this.gr = { group: strategy.info.group, resource: strategy.info.resource };
    this.gvk = { group: strategy.info.group, version: strategy.info.version, kind: strategy.info.kind };
  }

  get namespaced(): boolean {
    return this.strategy.info.namespaced;
  }

  key(namespace: string, name: string): string {
    return storageKey(this.strategy.info.resource, this.namespaced ? namespace : '', name);
  }

  private withType(obj: KubeObject): KubeObject {
    obj.apiVersion = apiVersionOf(this.gvk);
    obj.kind = this.gvk.kind;
    return obj;
  }

  private async read(namespace: string, name: string): Promise<StoredObject> {
    const got = await this.deps.store.get(this.key(namespace, name));
    if (!got) throw notFound(this.gr, name);
    return got;
  }

  /** GET of one object; 404 NotFound. */
  async get(namespace: string, name: string): Promise<KubeObject> {
    return this.withType((await this.read(namespace, name)).object);
  }

  /** LIST with selectors and paging; see list.ts. */
  async list(namespace: string, query: ListQuery): Promise<KubeList> {
    return listObjects(this.deps.store, this.strategy, namespace, query);
  }

  /**
   * WATCH of this resource in `namespace` ('' = all) under `query`'s selectors, from `resourceVersion`
   * ('' or '0' = the current state first; `sendInitialEvents` likewise), until `signal` aborts (watch.ts
   * `watchStore`; apiserver `Store.Watch`). Throws 400 at once for a malformed resourceVersion.
   */
  watch(namespace: string, query: ListQuery, options: { resourceVersion: string; sendInitialEvents: boolean; signal: AbortSignal }): AsyncIterable<WatchItem> {
    return watchStore({ store: this.deps.store, strategy: this.strategy, namespace, query, ...options });
  }

  private checkNamespace(obj: KubeObject, namespace: string): void {
    if (!this.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    const bodyNs = obj.metadata.namespace;
    if (bodyNs === undefined || bodyNs === '') obj.metadata.namespace = namespace;
    else if (bodyNs !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  private async requireNamespace(namespace: string): Promise<void> {
    if (!this.namespaced) return;
    const ns = await this.deps.getNamespace(namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    const status = ns['status'] as { phase?: string } | undefined;
    if (ns.metadata.deletionTimestamp || status?.phase === 'Terminating') {
      throw forbidden(
        `${this.gr.resource} "${ns.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private validateCreate(obj: KubeObject): void {
    const errs = this.strategy.validate(obj);
    const own = this.strategy.validatesName || errs.some((e) => e.field === 'metadata.name') ? [] : validateName(obj);
    const all = [...own, ...errs];
    if (all.length) throw invalid(this.gvk.kind, this.gvk.group, obj.metadata.name ?? '', all);
  }

  /** POST: creates `obj` in `namespace` (rest.BeforeCreate + store.Create). */
  async create(namespace: string, input: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const obj = this.withType(deepCopy(input));
    const admitted = options.beforeAdmission && options.manager !== undefined ? admissionChanges(this.withType(deepCopy(options.beforeAdmission)), obj, this.gvk) : undefined;
    this.checkNamespace(obj, namespace);
    if (obj.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    const meta = obj.metadata;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    meta.uid = newUid();
    meta.creationTimestamp = rfc3339(this.deps.clock());
    const generated = !meta.name && meta.generateName;
    if (generated) meta.name = generateName(meta.generateName ?? '');
    this.strategy.prepareForCreate(obj);
    this.validateCreate(obj);
    this.recordCreate(obj, options, admitted);
    this.recordWarnings(obj, undefined, options);
    await this.requireNamespace(obj.metadata.namespace ?? namespace);
    await options.validateAdmission?.(obj, undefined);
    return this.allocating(obj, undefined, () => this.write(namespace, obj, options, generated));
  }

  /** The field manager's view of a write to this resource or one of its subresources (view-subresource.ts). */
  scope(subresource: string | undefined): FieldManagerScope {
    const scope: FieldManagerScope = { gvk: this.gvk, apiVersion: apiVersionOf(this.gvk), hasStatus: this.strategy.info.subresources.includes('status'), now: this.deps.clock() };
    if (subresource) scope.subresource = subresource;
    return scope;
  }

  /** managedFields of a new object: the applier's configuration (Apply) or the whole object (Update). */
  private recordCreate(obj: KubeObject, options: WriteOptions, notOwned: FieldSet | undefined): void {
    if (options.manager === undefined) return;
    if (options.applied) {
      obj.metadata.managedFields = applyConfiguration(undefined, options.applied, { manager: options.manager, force: true }, this.scope(undefined)).metadata.managedFields ?? [];
      if (obj.metadata.managedFields.length === 0) delete obj.metadata.managedFields;
      return;
    }
    const given = obj.metadata.managedFields;
    recordUpdate(undefined, obj, options.manager, this.scope(undefined), notOwned);
    if (Array.isArray(given) && given.length > 0 && !obj.metadata.managedFields) obj.metadata.managedFields = given;
  }

  /** Hands the strategy's warnings about `obj` (created when `old` is undefined, else updated) to `options.warn`. */
  private recordWarnings(obj: KubeObject, old: KubeObject | undefined, options: WriteOptions): void {
    if (!options.warn || !this.strategy.warnings) return;
    for (const w of this.strategy.warnings(obj, old)) options.warn(w);
  }

  /** Runs `write` after the strategy's allocate hook, holding the resource's allocation lock until it is done. */
  private async allocating<R>(obj: KubeObject, old: KubeObject | undefined, write: () => Promise<R>): Promise<R> {
    const allocate = this.strategy.allocate;
    if (!allocate) return write();
    const previous = this.allocationLock;
    let release = (): void => {};
    this.allocationLock = new Promise<void>((r) => (release = r));
    await previous;
    try {
      await allocate(obj, old, async () => (await this.deps.store.list(storagePrefix(this.strategy.info.resource, ''))).items.map((i) => i.object));
      return await write();
    } finally {
      release();
    }
  }

  private allocationLock: Promise<void> = Promise.resolve();

  private async write(namespace: string, obj: KubeObject, options: WriteOptions, generated: boolean | string | undefined): Promise<KubeObject> {
    const meta = obj.metadata;
    if (options.dryRun) {
      if (await this.deps.store.get(this.key(namespace, meta.name ?? ''))) throw alreadyExists(this.gr, meta.name ?? '');
      return obj;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return this.withType((await this.deps.store.create(this.key(namespace, obj.metadata.name ?? ''), obj)).object);
      } catch (err) {
        if (!isStoreError(err, 'StoreKeyExists')) throw err;
        if (!generated || attempt >= 5) throw alreadyExists(this.gr, obj.metadata.name ?? '');
        obj.metadata.name = generateName(obj.metadata.generateName ?? '');
      }
    }
  }

  /**
   * PUT of the main resource, its status subresource, or a strategy subresource (pods/ephemeralcontainers, by name). Returns the stored object and whether it was created
   * (create-on-update kinds only). 409 Conflict on a stale resourceVersion, 404 when missing.
   */
  async update(
    namespace: string,
    name: string,
    input: KubeObject,
    options: WriteOptions & { subresource?: string },
  ): Promise<{ object: KubeObject; created: boolean }> {
    const obj = this.withType(deepCopy(input));
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    this.checkNamespace(obj, namespace);
    const current = await this.deps.store.get(this.key(namespace, name));
    if (!current) {
      if (options.subresource || !this.strategy.allowCreateOnUpdate) throw notFound(this.gr, name);
      delete obj.metadata.resourceVersion;
      return { object: await this.create(namespace, obj, options), created: true };
    }
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== String(current.modRevision)) throw conflict(this.gr, name, OPTIMISTIC_LOCK_MSG);
    return { object: await this.replace(current, obj, options), created: false };
  }

  /** Applies BeforeUpdate rules to `obj` against `current` and writes it (compare-and-swap on current's revision). */
  private async replace(current: StoredObject, obj: KubeObject, options: WriteOptions & { subresource?: string; tracked?: boolean }): Promise<KubeObject> {
    const old = current.object;
    const name = old.metadata.name ?? '';
    const meta = obj.metadata;
    const errs: FieldError[] = [];
    if (meta.uid && meta.uid !== old.metadata.uid) {
      errs.push({ type: 'FieldValueInvalid', field: 'metadata.uid', detail: `Invalid value: "${meta.uid}": field is immutable` });
    }
    meta.uid = old.metadata.uid ?? '';
    if (old.metadata.creationTimestamp) meta.creationTimestamp = old.metadata.creationTimestamp;
    else delete meta.creationTimestamp;
    if (old.metadata.deletionTimestamp) meta.deletionTimestamp = old.metadata.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (old.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    else delete meta.deletionGracePeriodSeconds;
    if (old.metadata.generateName !== undefined && meta.generateName === undefined) meta.generateName = old.metadata.generateName;
    const sub = options.subresource;
    if (sub === 'status') {
      if (!this.strategy.prepareForStatusUpdate) throw notFound(this.gr, name);
      this.strategy.prepareForStatusUpdate(obj, deepCopy(old));
      errs.push(...(this.strategy.validateStatusUpdate?.(obj, old) ?? []));
    } else if (sub) {
      const handler = this.strategy.subresources?.[sub];
      if (handler?.kind !== 'strategy') throw notFound(this.gr, name);
      handler.prepareForUpdate(obj, deepCopy(old));
      errs.push(...handler.validateUpdate(obj, old));
    } else {
      this.strategy.prepareForUpdate(obj, deepCopy(old));
      errs.push(...this.strategy.validateUpdate(obj, old));
    }
    if (errs.length) throw invalid(this.gvk.kind, this.gvk.group, name, errs);
    if (options.manager !== undefined && !options.tracked) recordUpdate(old, obj, options.manager, this.scope(sub));
    else if (obj.metadata.managedFields === undefined && old.metadata.managedFields !== undefined) obj.metadata.managedFields = old.metadata.managedFields;
    if (!sub) {
      this.recordWarnings(obj, old, options);
      await options.validateAdmission?.(obj, old);
    }
    if (!sub && this.strategy.allocate) {
      return this.allocating(obj, old, () => this.commitReplace(current, obj, options));
    }
    return this.commitReplace(current, obj, options);
  }

  private async commitReplace(current: StoredObject, obj: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const old = current.object;
    const name = old.metadata.name ?? '';
    const meta = obj.metadata;
    if (semanticallyEqual(obj, old) && sameManagedFields(obj, old)) return this.withType(old);
    if (options.dryRun) {
      obj.metadata.resourceVersion = String(current.modRevision);
      return obj;
    }
    if (meta.deletionTimestamp && (meta.finalizers ?? []).length === 0 && meta.deletionGracePeriodSeconds === 0) {
      return this.remove(current.key, obj, current.modRevision);
    }
    try {
      return this.withType((await this.deps.store.update(current.key, obj, current.modRevision)).object);
    } catch (err) {
      throw this.mapWriteError(err, name);
    }
  }

  private mapWriteError(err: unknown, name: string): unknown {
    if (isStoreError(err, 'StoreConflict')) return conflict(this.gr, name, OPTIMISTIC_LOCK_MSG);
    if (isStoreError(err, 'StoreKeyNotFound')) return notFound(this.gr, name);
    return err;
  }

  /**
   * PATCH of the main resource, status or a strategy subresource: applies the patch to the current object and updates it, retrying
   * on a concurrent write unless the patch itself carries a resourceVersion (then 409). `checkFields` runs
   * field validation on the patched object before the strategy (it may throw or strip unknown fields).
   */
  async patch(
    namespace: string,
    name: string,
    patch: unknown,
    kind: PatchKind,
    options: WriteOptions & { subresource?: string; checkFields?: (obj: KubeObject) => void; force?: boolean },
  ): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(namespace, name);
      const original = this.withType(deepCopy(current.object));
      const patched =
        kind === 'apply' && options.manager !== undefined
          ? this.applyPatch(original, patch, options.manager, options.force ?? false, options.subresource)
          : this.deps.patch.applyPatch(original, patch, kind, this.gvk);
      if (typeof patched !== 'object' || patched === null || typeof patched.metadata !== 'object' || patched.metadata === null) {
        throw badRequest('the patch produced an object without metadata');
      }
      if (patched.metadata.name !== undefined && patched.metadata.name !== name) {
        throw badRequest(`metadata.name: Invalid value: "${String(patched.metadata.name)}": field is immutable`);
      }
      const rv = patched.metadata.resourceVersion;
      if (rv && rv !== String(current.modRevision)) throw conflict(this.gr, name, OPTIMISTIC_LOCK_MSG);
      const obj = this.withType(patched);
      options.checkFields?.(obj);
      this.checkNamespace(obj, namespace);
      try {
        return await this.replace(current, obj, { ...options, tracked: kind === 'apply' && options.manager !== undefined });
      } catch (err) {
        if (attempt < 5 && !rv && (err as { reason?: string }).reason === 'Conflict') continue;
        throw err;
      }
    }
  }

  /** Server-side apply of `config` over `live` (fieldmanager/): 400 for a configuration that is not an object. */
  private applyPatch(live: KubeObject, config: unknown, manager: string, force: boolean, subresource: string | undefined): KubeObject {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw badRequest('error decoding patch: the apply configuration must be an object');
    return applyConfiguration(live, config as KubeObject, { manager, force }, this.scope(subresource));
  }

  private async remove(key: string, obj: KubeObject, expected: number): Promise<KubeObject> {
    try {
      const out = this.withType((await this.deps.store.delete(key, expected)).object);
      this.deps.onRemoved?.(out);
      return out;
    } catch (err) {
      throw this.mapWriteError(err, obj.metadata.name ?? '');
    }
  }

  /**
   * DELETE with graceful deletion (strategy.gracePeriod) and finalizers: while pending, the object stays
   * with deletionTimestamp/deletionGracePeriodSeconds set and is returned with `deleted: false`. The
   * propagationPolicy sets the garbage collector's `orphan` / `foregroundDeletion` finalizers first
   * (gc-finalizers.ts), so an owner deleted with Orphan or Foreground stays until the collector is done.
   * Preconditions on uid/resourceVersion give 409 Conflict.
   */
  async delete(namespace: string, name: string, options: DeleteOptions, write: WriteOptions): Promise<DeleteResult> {
    const current = await this.read(namespace, name);
    const obj = this.withType(deepCopy(current.object));
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid) {
      throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw conflict(
        this.gr,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`,
      );
    }
    if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0) options.gracePeriodSeconds = 1;
    if (this.strategy.beginDelete?.(obj)) {
      // Terminating until the kind's own finalizers are done (namespaces: the namespace controller).
      if (current.object.metadata.deletionTimestamp) return { object: this.withType(deepCopy(current.object)), deleted: false };
      obj.metadata.deletionTimestamp = rfc3339(this.deps.clock());
      obj.metadata.deletionGracePeriodSeconds = 0;
      if (write.dryRun) return { object: obj, deleted: false };
      try {
        return { object: this.withType((await this.deps.store.update(current.key, obj, current.modRevision)).object), deleted: false };
      } catch (err) {
        throw this.mapWriteError(err, name);
      }
    }
    const meta = obj.metadata;
    const grace = this.strategy.gracePeriod?.(obj, options);
    const g = grace ?? 0;
    const existing = meta.deletionGracePeriodSeconds;
    // A shorter grace period moves the deadline earlier, never later (BeforeDelete). A pending graceful
    // deletion that this request does not shorten is left as it is, its finalizers included.
    const moves = !meta.deletionTimestamp || existing === undefined || g < existing;
    if (!moves && existing !== undefined && existing > 0) return { object: obj, deleted: false };
    const gc = deletionFinalizersForGarbageCollection(meta.finalizers ?? [], options);
    if (gc.changed) {
      if (gc.finalizers.length > 0) meta.finalizers = gc.finalizers;
      else delete meta.finalizers;
    }
    const finalizers = meta.finalizers ?? [];
    const pendingGrace = grace !== undefined && grace > 0;
    if (!pendingGrace && finalizers.length === 0) {
      if (write.dryRun) return { object: obj, deleted: true };
      return { object: await this.remove(current.key, obj, current.modRevision), deleted: true };
    }
    if (moves) {
      meta.deletionTimestamp = rfc3339(new Date(this.deps.clock().getTime() + g * 1000));
      meta.deletionGracePeriodSeconds = g;
    } else if (!gc.changed) {
      return { object: obj, deleted: false };
    }
    if (write.dryRun) return { object: obj, deleted: false };
    try {
      return { object: this.withType((await this.deps.store.update(current.key, obj, current.modRevision)).object), deleted: false };
    } catch (err) {
      throw this.mapWriteError(err, name);
    }
  }

  /**
   * Read-modify-write of one object that bypasses the strategy (subresources: pods/binding, namespaces/finalize):
   * `mutate` edits a copy of the current object; retried on concurrent writes. 404 when missing.
   */
  async guaranteedUpdate(namespace: string, name: string, mutate: (obj: KubeObject) => void): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(namespace, name);
      const obj = this.withType(deepCopy(current.object));
      mutate(obj);
      if (semanticallyEqual(obj, current.object)) return obj;
      try {
        return this.withType((await this.deps.store.update(current.key, obj, current.modRevision)).object);
      } catch (err) {
        if (attempt < 5 && isStoreError(err, 'StoreConflict')) continue;
        throw this.mapWriteError(err, name);
      }
    }
  }

  /** DELETE of a collection: deletes every object the list query selects; returns the affected objects. */
  async deleteCollection(namespace: string, query: ListQuery, options: DeleteOptions, write: WriteOptions): Promise<KubeList> {
    const list = await this.list(namespace, { ...query, limit: 0, continueToken: undefined });
    const items: KubeObject[] = [];
    for (const item of list.items) {
      try {
        const r = await this.delete(item.metadata.namespace ?? '', item.metadata.name ?? '', { ...options }, write);
        items.push(r.object);
      } catch (err) {
        if ((err as { reason?: string }).reason !== 'NotFound') throw err;
      }
    }
    return { ...list, items };
  }
}

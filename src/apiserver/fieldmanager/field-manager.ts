/**
 * The field manager: records in `metadata.managedFields` which manager owns which fields — on every create,
 * update and patch (operation Update) and on server-side apply (operation Apply), where it also merges the
 * applied configuration, prunes fields the applier dropped and answers conflicts with 409.
 *
 * Mirrors the behaviour of apimachinery `pkg/util/managedfields` (FieldManager: stripMeta, managedFieldsUpdater,
 * reset fields of the status subresource) over structured-merge-diff `merge.Updater` (Update and Apply);
 * written from their documented behaviour, generic over kinds through the k1s schema (schema-type.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import { badRequest } from '../../api/errors.js';
import { rfc3339 } from '../../api/meta.js';
import type { GroupVersionKind } from '../../api/schema/types.js';
import type { KubeObject, ManagedFieldsEntry } from '../../api/types.js';
import { compare } from './compare.js';
import { conflictError, type Conflict } from './conflict.js';
import { decodeManagers, encodeManagers, managerKey, type Manager, type Managers } from './managers.js';
import { syncLastApplied } from './last-applied.js';
import { dropNulls, merge } from './merge.js';
import { fieldPath, type Path } from './path.js';
import { prune } from './prune.js';
import { rootType } from './schema-type.js';
import { FieldSet } from './set.js';
import { toFieldSet } from './to-field-set.js';

/** Where a write happens: the kind, the request's apiVersion, the subresource and the clock. */
export interface FieldManagerScope {
  gvk: GroupVersionKind;
  /** `v1`, `apps/v1`. */
  apiVersion: string;
  /** The subresource written: `status` (owns status alone), `scale` (a view of the parent's spec). */
  subresource?: string;
  /** Whether the kind has a status subresource (then main-resource writes never own `status`). */
  hasStatus: boolean;
  now: Date;
}

/** Fields no manager owns (stripMeta): type and object identity, generation, resourceVersion, managedFields. */
const STRIPPED: Path[] = [
  fieldPath('apiVersion'),
  fieldPath('kind'),
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => fieldPath('metadata', f)),
];

/** The part of `set` a write in `scope` may own: without stripped fields; status alone, or all but status. */
function ownable(set: FieldSet, scope: FieldManagerScope): FieldSet {
  let out = set;
  for (const p of STRIPPED) out = out.withoutPrefix(p);
  if (scope.subresource === 'status') {
    const status = out.at(fieldPath('status'));
    const only = new FieldSet();
    return status ? only.union(prefixed(status, fieldPath('status'))) : only;
  }
  return scope.hasStatus ? out.withoutPrefix(fieldPath('status')) : out;
}

function prefixed(set: FieldSet, prefix: Path): FieldSet {
  return FieldSet.of(...set.paths().map((p) => [...prefix, ...p]));
}

function withoutManagedFields(obj: KubeObject | undefined): unknown {
  if (!obj) return {};
  const c = { ...obj, metadata: { ...obj.metadata } };
  delete c.metadata.managedFields;
  return c;
}

function liveManagers(live: KubeObject | undefined): Managers {
  try {
    return decodeManagers(live?.metadata.managedFields);
  } catch {
    return new Map();
  }
}

/**
 * Records an Update by `manager` of `obj` over `live` (undefined for a create): sets `obj.metadata.managedFields`.
 * The base is the managedFields `obj` carries when it has decodable ones (a client may edit them; not on the
 * status subresource), else the live object's; an explicit empty list resets them (no tracking for this write).
 * Other managers lose the fields this write changed or removed; the writer gains what it added or changed,
 * except `notOwned` (what admission added to a create).
 */
export function recordUpdate(live: KubeObject | undefined, obj: KubeObject, manager: string, scope: FieldManagerScope, notOwned?: FieldSet): void {
  const incoming = obj.metadata.managedFields;
  if (Array.isArray(incoming) && incoming.length === 0) {
    delete obj.metadata.managedFields;
    return;
  }
  let managers: Managers | undefined;
  if (!scope.subresource && Array.isArray(incoming)) {
    try {
      managers = decodeManagers(incoming);
    } catch {
      managers = undefined;
    }
  }
  managers ??= liveManagers(live);
  const type = rootType(scope.gvk);
  const cmp = compare(withoutManagedFields(live), withoutManagedFields(obj), type);
  const added = ownable(cmp.added, scope);
  const modified = ownable(cmp.modified, scope);
  const removed = ownable(cmp.removed, scope);
  const changed = notOwned ? added.union(modified).difference(notOwned) : added.union(modified);
  const key = managerKey({ manager, operation: 'Update', apiVersion: scope.apiVersion, ...(scope.subresource ? { subresource: scope.subresource } : {}) });
  for (const [k, m] of managers) {
    if (k === key) continue;
    m.set = m.set.difference(changed).difference(removed);
  }
  const mine = managers.get(key);
  const set = (mine?.set ?? new FieldSet()).difference(removed).union(changed);
  if (!mine || !set.equals(mine.set)) {
    const entry: Manager = { manager, operation: 'Update', apiVersion: scope.apiVersion, time: rfc3339(scope.now), set };
    if (scope.subresource) entry.subresource = scope.subresource;
    managers.set(key, entry);
  }
  setManagedFields(obj, managers);
}

function setManagedFields(obj: KubeObject, managers: Managers): void {
  const encoded: ManagedFieldsEntry[] = encodeManagers(managers);
  if (encoded.length > 0) obj.metadata.managedFields = encoded;
  else delete obj.metadata.managedFields;
}

/**
 * The fields mutating admission added or changed on a create (`before` is the decoded request, `after` the
 * object admission let through): kube-apiserver records the creator's fields before admission runs, so these
 * belong to no manager.
 */
export function admissionChanges(before: KubeObject, after: KubeObject, gvk: GroupVersionKind): FieldSet {
  const c = compare(withoutManagedFields(before), withoutManagedFields(after), rootType(gvk));
  return c.added.union(c.modified);
}

/** Options of one apply. */
export interface ApplyOptions {
  manager: string;
  /** `force=true`: take fields other managers own instead of failing with a conflict. */
  force: boolean;
}

/**
 * Server-side apply of `config` (the decoded apply patch) over `live` (undefined for a create): returns the
 * merged object with its managedFields. The applier's set becomes exactly the fields `config` mentions; fields it
 * applied last time and now omits are removed unless another manager owns them; changing a field another
 * manager owns is a conflict (409 with kube's message) unless `force`, which moves the field to the applier.
 * For the manager `kubectl`, an existing last-applied-configuration annotation is rewritten (last-applied.ts).
 * Throws 400 when `config` carries managedFields.
 */
export function apply(live: KubeObject | undefined, config: KubeObject, options: ApplyOptions, scope: FieldManagerScope): KubeObject {
  if (config.metadata && config.metadata.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const type = rootType(scope.gvk);
  const managers = liveManagers(live);
  const key = managerKey({ manager: options.manager, operation: 'Apply', apiVersion: scope.apiVersion, ...(scope.subresource ? { subresource: scope.subresource } : {}) });
  const liveValue = withoutManagedFields(live);
  let merged = merge(liveValue, config, type);
  const last = managers.get(key);
  const set = ownable(toFieldSet(config, type), scope);
  const entry: Manager = { manager: options.manager, operation: 'Apply', apiVersion: scope.apiVersion, set };
  if (scope.subresource) entry.subresource = scope.subresource;
  entry.time = last && last.set.equals(set) && last.time ? last.time : rfc3339(scope.now);
  managers.set(key, entry);
  if (last) {
    let owned = new FieldSet();
    for (const m of managers.values()) owned = owned.union(m.set);
    merged = prune(merged, last.set, owned, type);
  }
  const cmp = compare(liveValue, merged, type);
  const changed = ownable(cmp.added.union(cmp.modified), scope);
  const removed = ownable(cmp.removed, scope);
  const conflicts: Conflict[] = [];
  for (const [k, m] of managers) {
    if (k === key) continue;
    for (const path of m.set.intersection(changed).paths()) conflicts.push({ managerKey: k, manager: m, path });
  }
  if (conflicts.length > 0 && !options.force) throw conflictError(conflicts);
  for (const [k, m] of managers) {
    if (k === key) continue;
    m.set = m.set.difference(changed).difference(removed);
  }
  const out = dropNulls(merged) as KubeObject;
  out.metadata ??= {};
  setManagedFields(out, managers);
  syncLastApplied(out, config, options.manager);
  return out;
}

/** Whether two objects' managedFields are the same entries (a write that changes only them must be stored). */
export function sameManagedFields(a: KubeObject, b: KubeObject): boolean {
  return isDeepStrictEqual(a.metadata.managedFields ?? [], b.metadata.managedFields ?? []);
}

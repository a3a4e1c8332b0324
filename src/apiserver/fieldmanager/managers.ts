/**
 * The managers of an object: `metadata.managedFields` decoded into one FieldSet per manager identity
 * (manager, operation, apiVersion for updates, subresource), and encoded back in kube-apiserver's order.
 *
 * Mirrors apimachinery `pkg/util/managedfields/internal/managedfields.go` (DecodeManagedFields,
 * BuildManagerIdentifier: appliers are identified without apiVersion; sortEncodedManagedFields: Apply entries
 * first, then by time, manager, apiVersion, subresource).
 */
import type { ManagedFieldsEntry } from '../../api/types.js';
import { FieldSet } from './set.js';

/** One manager's entry, decoded. */
export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  /** RFC 3339, seconds; when its set last changed. */
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/** Managers by identity (managerKey). */
export type Managers = Map<string, Manager>;

/** The identity of a manager: `{"manager":"kubectl","operation":"Apply"}`; updates include their apiVersion. */
export function managerKey(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = { manager: m.manager, operation: m.operation };
  if (m.operation === 'Update') id['apiVersion'] = m.apiVersion;
  if (m.subresource) id['subresource'] = m.subresource;
  return JSON.stringify(id);
}

/**
 * Decodes managedFields. Throws Error for an entry that is not FieldsV1, has an unknown operation or a
 * malformed set (the field manager then falls back to the live object's managers, as kube-apiserver does).
 */
export function decodeManagers(entries: ManagedFieldsEntry[] | undefined): Managers {
  const out: Managers = new Map();
  for (const e of entries ?? []) {
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error(`operation must be Apply or Update, not ${String(e.operation)}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`fieldsType must be FieldsV1, not ${String(e.fieldsType)}`);
    const m: Manager = { manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion ?? '', set: FieldSet.fromFieldsV1(e.fieldsV1 ?? {}) };
    if (e.time) m.time = e.time;
    if (e.subresource) m.subresource = e.subresource;
    const key = managerKey(m);
    const prev = out.get(key);
    out.set(key, prev ? { ...m, set: prev.set.union(m.set) } : m);
  }
  return out;
}

/** Encodes managers as managedFields in kube-apiserver's order; empty sets are dropped. */
export function encodeManagers(managers: Managers): ManagedFieldsEntry[] {
  const list = [...managers.values()].filter((m) => !m.set.isEmpty());
  const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

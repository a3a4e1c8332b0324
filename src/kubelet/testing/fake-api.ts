// An in-memory ApiClient for kubelet tests: core/v1 paths (and group paths, keyed by resource alone), resourceVersion, conflicts, status subresource, watch.

import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, notFound } from '../../api/errors.js';
import { parseLabelSelector } from '../../api/labels.js';
import { resolveType, typeNameForKind } from '../../api/schema/schema.js';
import type { DeleteOptions, KubeList, KubeObject, Pod, WatchEvent } from '../../api/types.js';
import { applyJsonPatch, applyStrategicMergePatch } from '../../apiserver/patch/index.js';
import type { ApiClient, PatchType, Query } from '../../client/types.js';
import { podGracePeriod } from '../../registry/pods/strategy.js';

interface Parsed {
  resource: string;
  namespace: string;
  name: string;
  sub: string;
}

/** Kinds of the core/v1 resources the fake stamps on what it stores. */
const KINDS: Record<string, string> = {
  pods: 'Pod',
  nodes: 'Node',
  namespaces: 'Namespace',
  events: 'Event',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  services: 'Service',
  serviceaccounts: 'ServiceAccount',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  persistentvolumes: 'PersistentVolume',
};

/** Resources whose strategy separates spec from status (registry/pods, nodes, namespaces, services). */
const STATUS_SUBRESOURCE = new Set(['pods', 'nodes', 'namespaces', 'services']);

/** Characters of generated name suffixes (apimachinery `rand.String`). */
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function parse(path: string): Parsed {
  const segments = path.split('?')[0]!.split('/').filter(Boolean);
  const p = segments.slice(segments[0] === 'apis' ? 3 : 2); // drop api, v1 (or apis, group, version)
  if (p[0] === 'namespaces' && p.length >= 3) return { namespace: p[1]!, resource: p[2]!, name: p[3] ?? '', sub: p[4] ?? '' };
  return { namespace: '', resource: p[0] ?? '', name: p[1] ?? '', sub: p[2] ?? '' };
}

function fieldMatch(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const neg = term.includes('!=');
    const [k, v] = term.split(neg ? '!=' : '=') as [string, string];
    const value = k.split('.').reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], obj);
    return (String(value ?? '') === v) !== neg;
  });
}

/** Whether `obj` is selected by the query's label and field selectors. */
function selected(obj: KubeObject, query: Query | undefined): boolean {
  const ls = query?.labelSelector;
  if (typeof ls === 'string' && ls !== '' && !parseLabelSelector(ls).matches(obj.metadata.labels)) return false;
  return fieldMatch(obj, query?.fieldSelector as string | undefined);
}

/**
 * The event a watch with `query`'s selectors sees of `e` (`prev`: the object before a MODIFIED), as the API server's
 * watch filters: a change into the selection is ADDED, out of it DELETED (with the new object), else nothing.
 */
function filtered(e: WatchEvent<KubeObject>, prev: KubeObject | undefined, query: Query | undefined): WatchEvent<KubeObject> | undefined {
  const now = selected(e.object, query);
  if (e.type !== 'MODIFIED' || !prev) return now ? e : undefined;
  const was = selected(prev, query);
  if (now) return was ? e : { type: 'ADDED', object: e.object };
  return was ? { type: 'DELETED', object: e.object } : undefined;
}

/** List order of the API server: by namespace, then name (the storage key). */
function byKey(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** JSON merge patch (RFC 7386). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function timestamp(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A minimal API server in memory. `objects` is keyed `resource/namespace/name`. Records every call in `calls`. */
export class FakeApi implements ApiClient {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: string[] = [];
  private rv = 1;
  private readonly history: { rv: number; resource: string; event: WatchEvent<KubeObject>; prev: KubeObject | undefined }[] = [];
  private readonly watchers = new Set<{ resource: string; namespace: string; query: Query; push(e: WatchEvent<KubeObject>): void }>();

  private key(p: Parsed): string {
    return `${p.resource}/${p.namespace}/${p.name}`;
  }

  private notify(resource: string, type: WatchEvent['type'], obj: KubeObject, prev?: KubeObject): void {
    const event = { type, object: structuredClone(obj) };
    const before = prev ? structuredClone(prev) : undefined;
    this.history.push({ rv: Number(obj.metadata.resourceVersion ?? this.rv), resource, event, prev: before });
    for (const w of this.watchers) {
      if (w.resource !== resource || (w.namespace && w.namespace !== obj.metadata.namespace)) continue;
      const seen = filtered(event, before, w.query);
      if (seen) w.push(structuredClone(seen));
    }
  }

  /** Stores `obj` directly (test setup), assigning uid/resourceVersion; returns the stored copy. */
  seed<T extends KubeObject>(resource: string, obj: T): T {
    const stored = structuredClone(obj);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.creationTimestamp ??= timestamp();
    this.objects.set(`${resource}/${stored.metadata.namespace ?? ''}/${stored.metadata.name}`, stored);
    this.notify(resource, 'ADDED', stored);
    return structuredClone(stored);
  }

  /** Replaces a stored object as a client write would (bumps resourceVersion, notifies watchers). */
  put<T extends KubeObject>(resource: string, obj: T): T {
    const k = `${resource}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    const prev = this.objects.get(k);
    this.objects.set(k, stored);
    this.notify(resource, 'MODIFIED', stored, prev);
    return structuredClone(stored);
  }

  /** Returns a stored object (or undefined). */
  find<T extends KubeObject>(resource: string, namespace: string, name: string): T | undefined {
    const o = this.objects.get(`${resource}/${namespace}/${name}`);
    return o ? (structuredClone(o) as T) : undefined;
  }

  private removeStored(resource: string, k: string, obj: KubeObject): KubeObject {
    this.objects.delete(k);
    obj.metadata.resourceVersion = String(++this.rv);
    this.notify(resource, 'DELETED', obj);
    return obj;
  }

  async get<T extends KubeObject>(path: string): Promise<T> {
    const p = parse(path);
    const o = this.objects.get(this.key(p));
    if (!o) throw notFound({ group: '', resource: p.resource }, p.name);
    return structuredClone(o) as T;
  }

  /** The stored objects of the collection at `path` that `query` selects, in list order. */
  private items<T extends KubeObject>(path: string, query: Query | undefined): T[] {
    const p = parse(path);
    return [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(`${p.resource}/${p.namespace ? `${p.namespace}/` : ''}`) && selected(o, query))
      .map(([, o]) => structuredClone(o) as T)
      .sort(byKey);
  }

  async list<T extends KubeObject>(path: string, query?: Query): Promise<KubeList<T>> {
    return { metadata: { resourceVersion: String(this.rv) }, items: this.items<T>(path, query) };
  }

  async create<T extends KubeObject>(path: string, body: unknown): Promise<T> {
    const p = parse(path);
    const obj = structuredClone(body) as KubeObject;
    if (!obj.metadata.namespace && p.namespace) obj.metadata.namespace = p.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
      obj.metadata.name = obj.metadata.generateName + suffix;
    }
    this.calls.push(`POST ${p.resource} ${obj.metadata.name}`);
    if (this.objects.has(`${p.resource}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`)) throw alreadyExists({ group: '', resource: p.resource }, obj.metadata.name ?? '');
    const kind = KINDS[p.resource];
    if (kind) {
      obj.apiVersion = 'v1';
      obj.kind = kind;
    }
    return this.seed(p.resource, obj) as T;
  }

  /**
   * Writes `obj` over the stored `cur` with the API server's rules: a stale resourceVersion is a Conflict; uid,
   * name, namespace, creation and deletion stamps stay; a status write keeps spec (pods also ownerReferences), a main
   * write keeps status; a deleted object (grace period 0) whose last finalizer went is removed.
   */
  private write(p: Parsed, cur: KubeObject, obj: KubeObject): KubeObject {
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict({ group: '', resource: p.resource }, p.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const hasStatus = STATUS_SUBRESOURCE.has(p.resource);
    if (p.sub === 'status' && !hasStatus) throw notFound({ group: '', resource: p.resource }, p.name);
    const next: KubeObject = { ...obj, metadata: { ...obj.metadata } };
    const keep = (from: Record<string, unknown>, to: Record<string, unknown>, field: string): void => {
      if (from[field] === undefined) delete to[field];
      else to[field] = structuredClone(from[field]);
    };
    if (p.sub === 'status') {
      keep(cur, next, 'spec');
      if (p.resource === 'pods') {
        keep(cur.metadata as Record<string, unknown>, next.metadata as Record<string, unknown>, 'ownerReferences');
      }
    } else if (hasStatus) keep(cur, next, 'status');
    for (const field of ['uid', 'name', 'namespace', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
      keep(cur.metadata as Record<string, unknown>, next.metadata as Record<string, unknown>, field);
    }
    if (cur.apiVersion !== undefined) next.apiVersion = cur.apiVersion;
    if (cur.kind !== undefined) next.kind = cur.kind;
    if (cur.metadata.deletionTimestamp && cur.metadata.deletionGracePeriodSeconds === 0 && (next.metadata.finalizers ?? []).length === 0) return this.removeStored(p.resource, this.key(p), next);
    return this.put(p.resource, next);
  }

  async update<T extends KubeObject>(path: string, body: unknown): Promise<T> {
    const p = parse(path);
    const cur = this.objects.get(this.key(p));
    this.calls.push(`PUT ${p.resource}${p.sub ? `/${p.sub}` : ''} ${p.name}`);
    if (!cur) throw notFound({ group: '', resource: p.resource }, p.name);
    return this.write(p, cur, structuredClone(body) as KubeObject) as T;
  }

  async patch<T extends KubeObject>(path: string, body: unknown, type: PatchType = 'merge'): Promise<T> {
    const p = parse(path);
    const cur = this.objects.get(this.key(p));
    if (!cur) throw notFound({ group: '', resource: p.resource }, p.name);
    let next: KubeObject;
    if (type === 'json') next = applyJsonPatch(structuredClone(cur), body) as KubeObject;
    else if (type === 'strategic') {
      const typeName = typeNameForKind({ group: '', version: 'v1', kind: KINDS[p.resource] ?? '' });
      next = typeName
        ? (applyStrategicMergePatch(structuredClone(cur), body as Record<string, unknown>, resolveType(typeName)) as KubeObject)
        : (mergePatch(structuredClone(cur), body) as KubeObject);
    } else next = mergePatch(structuredClone(cur), body) as KubeObject;
    if (!(body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion) next.metadata.resourceVersion = cur.metadata.resourceVersion ?? '';
    return this.write(p, cur, next) as T;
  }

  async delete(path: string, options?: DeleteOptions): Promise<unknown> {
    const p = parse(path);
    const k = this.key(p);
    const cur = this.objects.get(k);
    this.calls.push(`DELETE ${p.resource} ${p.name} grace=${options?.gracePeriodSeconds ?? ''}`);
    if (!cur) throw notFound({ group: '', resource: p.resource }, p.name);
    if (options?.preconditions?.uid && options.preconditions.uid !== cur.metadata.uid) {
      throw conflict({ group: '', resource: p.resource }, p.name, `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
    }
    if (options?.preconditions?.resourceVersion && options.preconditions.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(
        { group: '', resource: p.resource },
        p.name,
        `Precondition failed: ResourceVersion in precondition: ${options.preconditions.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion ?? ''}`,
      );
    }
    // Pods are deleted gracefully (registry/pods podGracePeriod); a shorter grace period moves the deadline earlier.
    const gracePeriodSeconds = options?.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0 ? 1 : options?.gracePeriodSeconds;
    const grace = p.resource === 'pods' ? podGracePeriod(cur as Pod, gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }) : 0;
    const existing = cur.metadata.deletionGracePeriodSeconds;
    const moves = !cur.metadata.deletionTimestamp || existing === undefined || grace < existing;
    if (!moves) return structuredClone(cur);
    if (grace === 0 && (cur.metadata.finalizers ?? []).length === 0) return this.removeStored(p.resource, k, structuredClone(cur));
    const next = structuredClone(cur);
    next.metadata.deletionTimestamp = timestamp(grace * 1000);
    next.metadata.deletionGracePeriodSeconds = grace;
    return this.put(p.resource, next);
  }

  async *watch<T extends KubeObject>(path: string, query: Query, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    const p = parse(path);
    const queue: WatchEvent<KubeObject>[] = [];
    let wake: (() => void) | undefined;
    const w = { resource: p.resource, namespace: p.namespace, query, push: (e: WatchEvent<KubeObject>) => { queue.push(e); wake?.(); } };
    this.watchers.add(w);
    const rv = query.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0' || rv === 0) {
      // No resourceVersion (or "0"): the current state as synthetic ADDED events, then what happens next.
      for (const o of this.items(path, query)) queue.push({ type: 'ADDED', object: o });
    } else {
      for (const h of this.history) {
        if (h.rv <= Number(rv) || h.resource !== p.resource) continue;
        if (p.namespace && h.event.object.metadata.namespace !== p.namespace) continue;
        const seen = filtered(h.event, h.prev, query);
        if (seen) queue.push(structuredClone(seen));
      }
    }
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
      this.watchers.delete(w);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

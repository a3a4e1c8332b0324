/**
 * An in-memory ApiClient for controller tests: core and named API groups, legacy discovery, label and
 * field selectors, resourceVersion conflicts, generateName, JSON merge, strategic merge and JSON patches,
 * finalizers, the garbage collector's deletion finalizers (the API server's own gc-finalizers.ts), the
 * apps/v1 strategies' generation and status rules, and watch from a resourceVersion.
 */
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, invalid, notFound, type GroupResource } from '../../api/errors.js';
import { parseLabelSelector } from '../../api/labels.js';
import { resolveType, typeNameForKind, type TypeRef } from '../../api/schema/schema.js';
import type { DeleteOptions, KubeList, KubeObject, Pod, WatchEvent } from '../../api/types.js';
import { deletionFinalizersForGarbageCollection } from '../../apiserver/gc-finalizers.js';
import { applyJsonPatch, applyStrategicMergePatch } from '../../apiserver/patch/index.js';
import type { ApiClient, PatchType, Query } from '../../client/types.js';
import { podGracePeriod } from '../../registry/pods/strategy.js';

/** One resource the fake serves. */
export interface FakeResource {
  /** '' for the core group. */
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The resources served by default: enough core, apps and discovery.k8s.io kinds for the controllers' tests. */
export const DEFAULT_FAKE_RESOURCES: FakeResource[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true, verbs: VERBS.filter((v) => v !== 'deletecollection') },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: '', version: 'v1', resource: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
];

interface Parsed {
  res: FakeResource;
  namespace: string;
  name: string;
  sub: string;
}

interface Watcher {
  res: FakeResource;
  namespace: string;
  query: Query;
  push(e: WatchEvent<KubeObject>): void;
}

/** Resources whose strategy keeps generation and separates spec from status as apps/v1's do. */
const APPS_STRATEGY = new Set(['apps/deployments', 'apps/replicasets', '/replicationcontrollers']);

/**
 * Core resources with a status subresource whose strategy separates spec from status: a write of the main resource
 * keeps status, a status write keeps spec (registry/pods, nodes, namespaces, services/services.ts).
 */
const CORE_STATUS = new Set(['pods', 'nodes', 'namespaces', 'services']);

/** Characters of generated name suffixes (apimachinery `rand.String`). */
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The schema of a kind for strategic merge patches; kinds without one merge metadata by its own rules only. */
function patchSchema(res: FakeResource): TypeRef {
  const name = typeNameForKind({ group: res.group, version: res.version, kind: res.kind });
  if (name) return resolveType(name);
  return { kind: 'struct', name: res.kind, def: { doc: '', fields: { metadata: { type: 'ObjectMeta', doc: '' } } } };
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

function fieldValue(obj: KubeObject, path: string): string {
  const v = path.split('.').reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], obj);
  return String(v ?? '');
}

/**
 * The event a watch with `query`'s selectors sees of `e` (`prev`: the object before a MODIFIED), as the API server's
 * watch filters: a change into the selection is ADDED, out of it DELETED (with the new object), else nothing.
 */
function filtered(e: WatchEvent<KubeObject>, prev: KubeObject | undefined, query: Query | undefined): WatchEvent<KubeObject> | undefined {
  const now = matches(e.object, query);
  if (e.type !== 'MODIFIED' || !prev) return now ? e : undefined;
  const was = matches(prev, query);
  if (now) return was ? e : { type: 'ADDED', object: e.object };
  return was ? { type: 'DELETED', object: e.object } : undefined;
}

/** List order of the API server: by namespace, then name (the storage key). */
function byKey(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function matches(obj: KubeObject, query: Query | undefined): boolean {
  const ls = query?.labelSelector;
  if (typeof ls === 'string' && ls !== '' && !parseLabelSelector(ls).matches(obj.metadata.labels)) return false;
  const fs = query?.fieldSelector;
  if (typeof fs === 'string' && fs !== '') {
    for (const term of fs.split(',')) {
      const neg = term.includes('!=');
      const [k, v] = term.split(neg ? '!=' : '=') as [string, string];
      if ((fieldValue(obj, k) === v) === neg) return false;
    }
  }
  return true;
}

/** A minimal API server in memory. Every call is recorded in `calls` as `VERB path`. */
export class FakeApi implements ApiClient {
  readonly calls: string[] = [];
  /** Called before each request; throw to make it fail (e.g. inject a conflict). */
  beforeRequest: ((verb: string, path: string) => void) | undefined;
  /** Delay of the watch events of a resource (by plural name) behind the writes, ms: an informer lagging behind the API. */
  watchDelayMs: Record<string, number> = {};
  private readonly resources: FakeResource[];
  private readonly objects = new Map<string, KubeObject>();
  private rv = 1;
  private readonly history: { rv: number; res: FakeResource; event: WatchEvent<KubeObject>; prev: KubeObject | undefined }[] = [];
  private readonly watchers = new Set<Watcher>();

  /** `now` stamps creationTimestamp and deletionTimestamp (tests on a fake clock pass theirs). */
  constructor(
    resources: FakeResource[] = DEFAULT_FAKE_RESOURCES,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.resources = resources;
  }

  private timestamp(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  private gr(res: FakeResource): GroupResource {
    return { group: res.group, resource: res.resource };
  }

  private parse(path: string): Parsed {
    const segs = path.split('?')[0]!.split('/').filter(Boolean);
    let group = '';
    let version: string;
    let rest: string[];
    if (segs[0] === 'api') {
      version = segs[1] ?? '';
      rest = segs.slice(2);
    } else {
      group = segs[1] ?? '';
      version = segs[2] ?? '';
      rest = segs.slice(3);
    }
    let namespace = '';
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1]!;
      rest = rest.slice(2);
    }
    const res = this.resources.find((r) => r.group === group && r.version === version && r.resource === rest[0]);
    if (!res) throw notFound({ group, resource: rest[0] ?? '' }, rest[1] ?? '');
    return { res, namespace: res.namespaced ? namespace : '', name: rest[1] ?? '', sub: rest[2] ?? '' };
  }

  private key(res: FakeResource, namespace: string, name: string): string {
    return `${res.group}/${res.resource}/${namespace}/${name}`;
  }

  private notify(res: FakeResource, type: WatchEvent['type'], obj: KubeObject, prev?: KubeObject): void {
    const event = { type, object: structuredClone(obj) };
    const before = prev ? structuredClone(prev) : undefined;
    this.history.push({ rv: Number(obj.metadata.resourceVersion), res, event, prev: before });
    for (const w of this.watchers) {
      if (w.res !== res) continue;
      if (w.namespace && w.namespace !== obj.metadata.namespace) continue;
      const seen = filtered(event, before, w.query);
      if (!seen) continue;
      const copy = structuredClone(seen);
      const delay = this.watchDelayMs[res.resource] ?? 0;
      if (delay > 0) setTimeout(() => w.push(copy), delay);
      else w.push(copy);
    }
  }

  private store(res: FakeResource, obj: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    obj.apiVersion = res.group ? `${res.group}/${res.version}` : res.version;
    obj.kind = res.kind;
    obj.metadata.resourceVersion = String(++this.rv);
    const key = this.key(res, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    const prev = this.objects.get(key);
    this.objects.set(key, obj);
    this.notify(res, type, obj, prev);
    return structuredClone(obj);
  }

  private remove(res: FakeResource, obj: KubeObject): KubeObject {
    this.objects.delete(this.key(res, obj.metadata.namespace ?? '', obj.metadata.name ?? ''));
    obj.metadata.resourceVersion = String(++this.rv);
    this.notify(res, 'DELETED', obj);
    return structuredClone(obj);
  }

  private record(verb: string, path: string): void {
    this.calls.push(`${verb} ${path}`);
    this.beforeRequest?.(verb, path);
  }

  /** Stores `obj` at collection `path` as a create would, without recording a call (test set-up). */
  seed<T extends KubeObject>(path: string, obj: T): T {
    const p = this.parse(path);
    const o = structuredClone(obj) as KubeObject;
    if (p.res.namespaced) o.metadata.namespace ??= p.namespace || 'default';
    o.metadata.uid ??= randomUUID();
    o.metadata.creationTimestamp ??= this.timestamp();
    if (APPS_STRATEGY.has(`${p.res.group}/${p.res.resource}`)) o.metadata.generation ??= 1;
    return this.store(p.res, o, 'ADDED') as T;
  }

  /** Replaces the object (found by its name in collection `path`) as another client's PUT would, without checks; returns the stored copy. */
  put<T extends KubeObject>(path: string, obj: T): T {
    const p = this.parse(path);
    const o = structuredClone(obj) as KubeObject;
    if (p.res.namespaced) o.metadata.namespace ??= p.namespace || 'default';
    return this.store(p.res, o, 'MODIFIED') as T;
  }

  /** The stored object at `path`, or undefined. */
  find<T extends KubeObject>(path: string): T | undefined {
    const p = this.parse(path);
    const o = this.objects.get(this.key(p.res, p.namespace, p.name));
    return o ? (structuredClone(o) as T) : undefined;
  }

  /** Every stored object of the collection at `path` (all namespaces for a cluster-wide path). */
  all<T extends KubeObject>(path: string): T[] {
    const p = this.parse(path);
    const prefix = `${p.res.group}/${p.res.resource}/${p.namespace ? `${p.namespace}/` : ''}`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([, o]) => structuredClone(o) as T)
      .sort(byKey);
  }

  async get<T extends KubeObject>(path: string): Promise<T> {
    this.record('GET', path);
    const disc = this.discovery(path);
    if (disc) return disc as T;
    const p = this.parse(path);
    const o = this.objects.get(this.key(p.res, p.namespace, p.name));
    if (!o) throw notFound(this.gr(p.res), p.name);
    return structuredClone(o) as T;
  }

  private discovery(path: string): KubeObject | undefined {
    if (path === '/api') return { kind: 'APIVersions', metadata: {}, versions: ['v1'] };
    if (path === '/apis') {
      const groups = [...new Set(this.resources.filter((r) => r.group).map((r) => `${r.group}/${r.version}`))].map((gv) => ({
        name: gv.split('/')[0],
        versions: [{ groupVersion: gv, version: gv.split('/')[1] }],
        preferredVersion: { groupVersion: gv, version: gv.split('/')[1] },
      }));
      return { kind: 'APIGroupList', apiVersion: 'v1', metadata: {}, groups };
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!m) return undefined;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3] ?? '';
    const resources = this.resources
      .filter((r) => r.group === group && r.version === version)
      .map((r) => ({ name: r.resource, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? VERBS }));
    return { kind: 'APIResourceList', apiVersion: 'v1', metadata: {}, groupVersion: group ? `${group}/${version}` : version, resources };
  }

  async list<T extends KubeObject>(path: string, query?: Query): Promise<KubeList<T>> {
    this.record('LIST', path);
    const items = this.all<T>(path).filter((o) => matches(o, query));
    return { metadata: { resourceVersion: String(this.rv) }, items };
  }

  async create<T extends KubeObject>(path: string, body: unknown): Promise<T> {
    this.record('POST', path);
    const p = this.parse(path);
    const o = structuredClone(body) as KubeObject;
    if (p.res.namespaced) o.metadata.namespace ??= p.namespace;
    if (!o.metadata.name && o.metadata.generateName) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
      o.metadata.name = o.metadata.generateName + suffix;
    }
    if (this.objects.has(this.key(p.res, o.metadata.namespace ?? '', o.metadata.name ?? ''))) {
      throw alreadyExists(this.gr(p.res), o.metadata.name ?? '');
    }
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = this.timestamp();
    delete o.metadata.resourceVersion;
    if (APPS_STRATEGY.has(`${p.res.group}/${p.res.resource}`)) {
      o.metadata.generation = 1;
      o['status'] = {};
    }
    return this.store(p.res, o, 'ADDED') as T;
  }

  /**
   * Writes `next` over `cur` with the API server's rules: resourceVersion and uid preconditions, creation and
   * deletion stamps kept, removal once a deleted object (grace period 0) has no finalizers left.
   */
  private write(p: Parsed, cur: KubeObject, next: KubeObject): KubeObject {
    if (next.metadata.resourceVersion && next.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(this.gr(p.res), p.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (next.metadata.uid && next.metadata.uid !== cur.metadata.uid) {
      throw invalid(p.res.kind, p.res.group, p.name, [{ type: 'FieldValueInvalid', field: 'metadata.uid', detail: 'field is immutable' }]);
    }
    next.metadata = { ...next.metadata, uid: cur.metadata.uid ?? '', name: p.name };
    if (cur.metadata.namespace) next.metadata.namespace = cur.metadata.namespace;
    if (cur.metadata.creationTimestamp) next.metadata.creationTimestamp = cur.metadata.creationTimestamp;
    if (cur.metadata.deletionTimestamp) next.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
    else delete next.metadata.deletionTimestamp;
    if (cur.metadata.deletionGracePeriodSeconds !== undefined) next.metadata.deletionGracePeriodSeconds = cur.metadata.deletionGracePeriodSeconds;
    else delete next.metadata.deletionGracePeriodSeconds;
    if (cur.metadata.deletionTimestamp && cur.metadata.deletionGracePeriodSeconds === 0 && (next.metadata.finalizers ?? []).length === 0) return this.remove(p.res, next);
    return this.store(p.res, next, 'MODIFIED');
  }

  async update<T extends KubeObject>(path: string, body: unknown): Promise<T> {
    this.record('PUT', path);
    const p = this.parse(path);
    const cur = this.objects.get(this.key(p.res, p.namespace, p.name));
    if (!cur) throw notFound(this.gr(p.res), p.name);
    return this.write(p, cur, this.strategyUpdate(p, cur, structuredClone(body) as KubeObject)) as T;
  }

  /**
   * The strategies' spec/status split for a write of `next` over `cur`: apps/v1 kinds by {@link appsUpdate}; core
   * kinds with a status subresource keep status on a main write and spec on a status write (pods also keep
   * ownerReferences and deletionGracePeriodSeconds, as upstream podStatusStrategy); a status write of a kind without
   * the subresource is a 404, as the API server answers.
   */
  private strategyUpdate(p: Parsed, cur: KubeObject, next: KubeObject): KubeObject {
    if (APPS_STRATEGY.has(`${p.res.group}/${p.res.resource}`)) return this.appsUpdate(cur, next, p.sub === 'status');
    const hasStatus = p.res.group === '' && CORE_STATUS.has(p.res.resource);
    if (p.sub === 'status') {
      if (!hasStatus) throw notFound(this.gr(p.res), p.name);
      const out: KubeObject = { ...next, metadata: { ...next.metadata } };
      if (cur['spec'] === undefined) delete out['spec'];
      else out['spec'] = structuredClone(cur['spec']);
      if (p.res.resource === 'pods') {
        for (const k of ['ownerReferences', 'deletionGracePeriodSeconds'] as const) {
          if (cur.metadata[k] === undefined) delete out.metadata[k];
          else (out.metadata as Record<string, unknown>)[k] = structuredClone(cur.metadata[k]);
        }
      }
      return out;
    }
    if (!hasStatus) return next;
    const out: KubeObject = { ...next };
    if (cur['status'] === undefined) delete out['status'];
    else out['status'] = structuredClone(cur['status']);
    return out;
  }

  /**
   * apps/v1 strategies: a write of the main resource keeps status and bumps generation when the spec changed;
   * a status write keeps spec and generation and takes the rest (annotations included, as the Deployment
   * controller's revision annotation travels).
   */
  private appsUpdate(cur: KubeObject, next: KubeObject, status: boolean): KubeObject {
    const gen = cur.metadata.generation ?? 1;
    if (status) return { ...next, spec: structuredClone(cur['spec']), metadata: { ...next.metadata, generation: gen } };
    const changed = JSON.stringify(next['spec']) !== JSON.stringify(cur['spec']);
    return { ...next, status: structuredClone(cur['status']), metadata: { ...next.metadata, generation: gen + (changed ? 1 : 0) } };
  }

  async patch<T extends KubeObject>(path: string, body: unknown, type: PatchType): Promise<T> {
    this.record(`PATCH(${type})`, path);
    const p = this.parse(path);
    const cur = this.objects.get(this.key(p.res, p.namespace, p.name));
    if (!cur) throw notFound(this.gr(p.res), p.name);
    let next: KubeObject;
    if (type === 'merge') next = mergePatch(structuredClone(cur), body) as KubeObject;
    else if (type === 'json') next = applyJsonPatch(structuredClone(cur), body) as KubeObject;
    else next = applyStrategicMergePatch(structuredClone(cur), body as Record<string, unknown>, patchSchema(p.res)) as KubeObject;
    const patchRv = (body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    if (!patchRv) next.metadata.resourceVersion = cur.metadata.resourceVersion ?? '';
    return this.write(p, cur, this.strategyUpdate(p, cur, next)) as T;
  }

  async delete(path: string, options: DeleteOptions = {}): Promise<unknown> {
    this.record('DELETE', path);
    const p = this.parse(path);
    const cur = this.objects.get(this.key(p.res, p.namespace, p.name));
    if (!cur) throw notFound(this.gr(p.res), p.name);
    if (options.preconditions?.uid && options.preconditions.uid !== cur.metadata.uid) {
      throw conflict(this.gr(p.res), p.name, `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
    }
    if (options.preconditions?.resourceVersion && options.preconditions.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(
        this.gr(p.res),
        p.name,
        `Precondition failed: ResourceVersion in precondition: ${options.preconditions.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion ?? ''}`,
      );
    }
    const obj = structuredClone(cur);
    // Pods are deleted gracefully (registry/pods podGracePeriod); a shorter grace period moves the deadline earlier.
    const grace = p.res.group === '' && p.res.resource === 'pods' ? podGracePeriod(obj as Pod, { ...options, ...(options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0 ? { gracePeriodSeconds: 1 } : {}) }) : 0;
    const existing = obj.metadata.deletionGracePeriodSeconds;
    const moves = !obj.metadata.deletionTimestamp || existing === undefined || grace < existing;
    if (!moves && existing !== undefined && existing > 0) return obj;
    const gc = deletionFinalizersForGarbageCollection(obj.metadata.finalizers ?? [], options);
    if (gc.changed) obj.metadata.finalizers = gc.finalizers;
    if (grace === 0 && (obj.metadata.finalizers ?? []).length === 0) return this.remove(p.res, obj);
    if (moves) {
      obj.metadata.deletionTimestamp = this.timestamp(grace * 1000);
      obj.metadata.deletionGracePeriodSeconds = grace;
    } else if (!gc.changed) return obj;
    return this.store(p.res, obj, 'MODIFIED');
  }

  async *watch<T extends KubeObject>(path: string, query: Query, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    this.record('WATCH', path);
    const p = this.parse(path);
    const queue: WatchEvent<KubeObject>[] = [];
    let wake: (() => void) | undefined;
    const w: Watcher = { res: p.res, namespace: p.namespace, query, push: (e) => { queue.push(e); wake?.(); } };
    const rv = query['resourceVersion'];
    if (rv === undefined || rv === '' || rv === '0' || rv === 0) {
      // No resourceVersion (or "0"): the current state as synthetic ADDED events, then what happens next.
      for (const o of this.all(path)) if (matches(o, query)) queue.push({ type: 'ADDED', object: o });
    } else {
      for (const h of this.history) {
        if (h.rv <= Number(rv) || h.res !== p.res || (p.namespace && h.event.object.metadata.namespace !== p.namespace)) continue;
        const seen = filtered(h.event, h.prev, query);
        if (seen) queue.push(structuredClone(seen));
      }
    }
    this.watchers.add(w);
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

// An in-memory ApiClient for kubelet tests: core/v1 paths, resourceVersion, conflicts, status subresource, watch.

import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '../../api/errors.js';
import type { DeleteOptions, KubeList, KubeObject, WatchEvent } from '../../api/types.js';
import type { ApiClient, Query } from '../../client/types.js';

interface Parsed {
  resource: string;
  namespace: string;
  name: string;
  sub: string;
}

function parse(path: string): Parsed {
  const p = path.split('/').filter(Boolean).slice(2); // drop api, v1
  if (p[0] === 'namespaces' && p.length >= 3) return { namespace: p[1]!, resource: p[2]!, name: p[3] ?? '', sub: p[4] ?? '' };
  return { namespace: '', resource: p[0] ?? '', name: p[1] ?? '', sub: p[2] ?? '' };
}

function fieldMatch(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=') as [string, string];
    const value = k.split('.').reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], obj);
    return String(value ?? '') === v;
  });
}

/** A minimal API server in memory. `objects` is keyed `resource/namespace/name`. Records every call in `calls`. */
export class FakeApi implements ApiClient {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: string[] = [];
  private rv = 1;
  private readonly history: { rv: number; resource: string; event: WatchEvent<KubeObject> }[] = [];
  private readonly watchers = new Set<{ resource: string; query: Query; push(e: WatchEvent<KubeObject>): void }>();

  private key(p: Parsed): string {
    return `${p.resource}/${p.namespace}/${p.name}`;
  }

  private notify(resource: string, type: WatchEvent['type'], obj: KubeObject): void {
    this.history.push({ rv: Number(obj.metadata.resourceVersion ?? this.rv), resource, event: { type, object: structuredClone(obj) } });
    for (const w of this.watchers) {
      if (w.resource === resource && fieldMatch(obj, w.query.fieldSelector as string | undefined)) w.push({ type, object: structuredClone(obj) });
    }
  }

  /** Stores `obj` directly (test setup), assigning uid/resourceVersion; returns the stored copy. */
  seed<T extends KubeObject>(resource: string, obj: T): T {
    const stored = structuredClone(obj);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.objects.set(`${resource}/${stored.metadata.namespace ?? ''}/${stored.metadata.name}`, stored);
    this.notify(resource, 'ADDED', stored);
    return structuredClone(stored);
  }

  /** Replaces a stored object as a client write would (bumps resourceVersion, notifies watchers). */
  put<T extends KubeObject>(resource: string, obj: T): T {
    const k = `${resource}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    this.objects.set(k, stored);
    this.notify(resource, 'MODIFIED', stored);
    return structuredClone(stored);
  }

  /** Returns a stored object (or undefined). */
  find<T extends KubeObject>(resource: string, namespace: string, name: string): T | undefined {
    const o = this.objects.get(`${resource}/${namespace}/${name}`);
    return o ? (structuredClone(o) as T) : undefined;
  }

  async get<T extends KubeObject>(path: string): Promise<T> {
    const p = parse(path);
    const o = this.objects.get(this.key(p));
    if (!o) throw notFound({ group: '', resource: p.resource }, p.name);
    return structuredClone(o) as T;
  }

  async list<T extends KubeObject>(path: string, query?: Query): Promise<KubeList<T>> {
    const p = parse(path);
    const items = [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(`${p.resource}/${p.namespace ? `${p.namespace}/` : ''}`) && fieldMatch(o, query?.fieldSelector as string | undefined))
      .map(([, o]) => structuredClone(o) as T);
    return { metadata: { resourceVersion: String(this.rv) }, items };
  }

  async create<T extends KubeObject>(path: string, body: unknown): Promise<T> {
    const p = parse(path);
    const obj = structuredClone(body) as KubeObject;
    if (!obj.metadata.namespace && p.namespace) obj.metadata.namespace = p.namespace;
    this.calls.push(`POST ${p.resource} ${obj.metadata.name}`);
    return this.seed(p.resource, obj) as T;
  }

  async update<T extends KubeObject>(path: string, body: unknown): Promise<T> {
    const p = parse(path);
    const k = this.key(p);
    const cur = this.objects.get(k);
    this.calls.push(`PUT ${p.resource}${p.sub ? `/${p.sub}` : ''} ${p.name}`);
    if (!cur) throw notFound({ group: '', resource: p.resource }, p.name);
    const obj = structuredClone(body) as KubeObject;
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict({ group: '', resource: p.resource }, p.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const next: KubeObject = p.sub === 'status' ? { ...cur, status: obj['status'] } : { ...obj, metadata: { ...obj.metadata } };
    if (p.sub !== 'status' && cur.metadata.uid) next.metadata.uid = cur.metadata.uid;
    return this.put(p.resource, next) as T;
  }

  async patch<T extends KubeObject>(path: string, body: unknown): Promise<T> {
    const p = parse(path);
    const cur = await this.get<KubeObject>(path);
    return this.put(p.resource, { ...cur, ...(body as object) }) as T;
  }

  async delete(path: string, options?: DeleteOptions): Promise<unknown> {
    const p = parse(path);
    const k = this.key(p);
    const cur = this.objects.get(k);
    this.calls.push(`DELETE ${p.resource} ${p.name} grace=${options?.gracePeriodSeconds ?? ''}`);
    if (!cur) throw notFound({ group: '', resource: p.resource }, p.name);
    if (options?.preconditions?.uid && options.preconditions.uid !== cur.metadata.uid) {
      throw conflict({ group: '', resource: p.resource }, p.name, 'Precondition failed: UID in precondition does not match');
    }
    this.objects.delete(k);
    cur.metadata.resourceVersion = String(++this.rv);
    this.notify(p.resource, 'DELETED', cur);
    return cur;
  }

  async *watch<T extends KubeObject>(path: string, query: Query, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    const p = parse(path);
    const queue: WatchEvent<KubeObject>[] = [];
    let wake: (() => void) | undefined;
    const w = { resource: p.resource, query, push: (e: WatchEvent<KubeObject>) => { queue.push(e); wake?.(); } };
    this.watchers.add(w);
    const since = Number(query.resourceVersion ?? 0);
    for (const h of this.history) {
      if (h.rv > since && h.resource === p.resource && fieldMatch(h.event.object, query.fieldSelector as string | undefined)) queue.push(structuredClone(h.event));
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

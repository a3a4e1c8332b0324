// Test builders for the workload controllers: ReplicaSets, Deployments, pods, a stand-in kubelet, waiting helpers.

import assert from 'node:assert/strict';
import { rfc3339 } from '../../api/meta.js';
import type { Event, Pod } from '../../api/types.js';
import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import type { FakeApi } from './fake-api.js';

/** Polls `fn` every 5 ms until it returns true (2 s at most), then fails with `what`. */
export async function eventually(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Collection paths of the fake API. */
export const paths = {
  pods: (ns = 'default'): string => `/api/v1/namespaces/${ns}/pods`,
  replicaSets: (ns = 'default'): string => `/apis/apps/v1/namespaces/${ns}/replicasets`,
  deployments: (ns = 'default'): string => `/apis/apps/v1/namespaces/${ns}/deployments`,
  events: (ns = 'default'): string => `/api/v1/namespaces/${ns}/events`,
};

/** Waits until no request reaches the fake API for `quietMs` (the controllers went idle). */
export async function settled(api: FakeApi, quietMs = 40): Promise<void> {
  let last = -1;
  for (;;) {
    const n = api.calls.length;
    if (n === last) return;
    last = n;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

/** Makes the first `times` requests with `verb` whose path ends with `suffix` fail with `err` (on top of any earlier hook). */
export function failNext(api: FakeApi, verb: string, suffix: string, err: Error, times: number): void {
  const prev = api.beforeRequest;
  let left = times;
  api.beforeRequest = (v, path) => {
    prev?.(v, path);
    if (v === verb && path.endsWith(suffix) && left > 0) {
      left--;
      throw err;
    }
  };
}

/** An apps/v1 ReplicaSet selecting and labelling `labels`, with one busybox container. */
export function replicaSet(name: string, replicas: number, labels: Record<string, string> = { app: name }, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { ...labels } },
      template: { metadata: { labels: { ...labels } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } },
      ...extra,
    },
  };
}

/** An apps/v1 Deployment of one container `image`, labelled `app: NAME`. */
export function deployment(name: string, replicas: number, image = 'nginx:1.25', spec: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
      ...spec,
    },
  };
}

/** A bare pod with `labels` (an orphan unless `owner` is given). */
export function pod(name: string, labels: Record<string, string>, extra: Partial<Pod['metadata']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels, ...extra }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } };
}

/** Plays the kubelet for one pod: bound to `node`, Running, Ready since `readySinceMs` (default now). */
export function markReady(api: FakeApi, p: Pod, readySinceMs = Date.now(), node = 'node1'): Pod {
  const ns = p.metadata.namespace ?? 'default';
  const cur = api.find<Pod>(`${paths.pods(ns)}/${p.metadata.name ?? ''}`);
  if (!cur) throw new Error(`pod ${p.metadata.name} not found`);
  cur.spec.nodeName = node;
  cur.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(new Date(readySinceMs)) }] };
  return api.put(paths.pods(ns), cur);
}

/** True when the pod's Ready condition is True. */
export function isReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Plays the kubelet for every pod of `namespace` that is not Ready yet; returns how many it marked. */
export function markAllReady(api: FakeApi, namespace = 'default', readySinceMs = Date.now()): number {
  let n = 0;
  for (const p of api.all<Pod>(paths.pods(namespace))) {
    if (p.metadata.deletionTimestamp || isReady(p)) continue;
    markReady(api, p, readySinceMs);
    n++;
  }
  return n;
}

/** The pods of `namespace` controlled by the object with `uid`. */
export function podsOwnedBy(api: FakeApi, uid: string, namespace = 'default'): Pod[] {
  return api.all<Pod>(paths.pods(namespace)).filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid));
}

/** `reason: message` of every event about `name`, oldest first. */
export function eventsFor(api: FakeApi, name: string, namespace = 'default'): string[] {
  return api
    .all<Event>(paths.events(namespace))
    .filter((e) => e.involvedObject.name === name)
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))
    .map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`);
}

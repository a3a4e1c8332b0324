/**
 * The resource quota controller: keeps every ResourceQuota's `status.hard` equal to its `spec.hard` and its
 * `status.used` equal to what the namespace's objects use (pods' compute resources and count, services, claims,
 * configmaps, secrets, quotas, and `count/<resource>.<group>` of any other kind), written through resourcequotas/status.
 *
 * Mirrors kube-controller-manager `pkg/controller/resourcequota/resource_quota_controller.go` (syncResourceQuota: hard
 * copied from spec, usage recalculated by the shared quota evaluators, status written only when it changed; a full
 * resync on a period, `--resource-quota-sync-period`) with replenishment on every change of a watched kind (upstream
 * replenishes on deletions and pods turning terminal; a change of any counted object here). An API client: informers
 * on the quotas and the counted kinds, LIST for other `count/` kinds.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import type { ResourceQuota } from '../../api/policy.js';
import { matchingResources, quotaMatches, usageOf } from '../../api/quota-usage.js';
import { equalLists, type ResourceList } from '../../api/resource-list.js';
import type { KubeObject } from '../../api/types.js';
import { runInformer, type Informer } from '../../client/informer.js';
import type { ApiClient } from '../../client/types.js';
import { createWorkQueue } from '../workqueue.js';
import { groupPath, resourcePath, RESOURCES } from '../../api/paths.js';

/** Options of {@link startResourceQuotaController}. */
export interface ResourceQuotaControllerOptions {
  client: ApiClient;
  onError?: (err: unknown) => void;
  /** Full resync period, ms (default 30 000; kube-controller-manager's default is 5 minutes). */
  resyncPeriodMs?: number;
  /** Wait before retrying a failed quota, ms (default 1000). */
  retryDelayMs?: number;
  /** The clock of pods' deletion grace periods (default: now). */
  now?: () => Date;
}

/** A running controller. */
export interface ResourceQuotaController {
  stop(): Promise<void>;
}

/** The kinds watched (and so counted from a cache), by group/resource. */
const WATCHED: { group: string; resource: string; path: string }[] = [
  { group: '', resource: 'pods', path: resourcePath(RESOURCES.pods) },
  { group: '', resource: 'services', path: resourcePath(RESOURCES.services) },
  { group: '', resource: 'persistentvolumeclaims', path: resourcePath(RESOURCES.persistentvolumeclaims) },
  { group: '', resource: 'configmaps', path: resourcePath(RESOURCES.configmaps) },
  { group: '', resource: 'secrets', path: resourcePath(RESOURCES.secrets) },
  { group: '', resource: 'resourcequotas', path: resourcePath(RESOURCES.resourcequotas) },
];

/** `count/deployments.apps` → group `apps`, resource `deployments`; `count/pods` → core pods. */
export function parseCountName(name: string): { group: string; resource: string } | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

/** The desired status of `q` from the objects of its namespace: hard = spec.hard, used per hard resource. */
export function desiredStatus(q: ResourceQuota, objectsOf: (group: string, resource: string) => KubeObject[], now: Date): { hard: ResourceList; used: ResourceList } {
  const hard = { ...(q.spec?.hard ?? {}) };
  const names = Object.keys(hard);
  const probe: ResourceQuota = { ...q, status: { hard } };
  const used: ResourceList = Object.fromEntries(names.map((n) => [n, '0']));
  const kinds = new Map<string, { group: string; resource: string }>();
  for (const w of WATCHED) kinds.set(`${w.group}/${w.resource}`, w);
  for (const n of names) {
    const c = parseCountName(n);
    if (c) kinds.set(`${c.group}/${c.resource}`, c);
  }
  for (const { group, resource } of kinds.values()) {
    const counted = matchingResources(group, resource, names);
    if (counted.length === 0) continue;
    const objects = objectsOf(group, resource).filter((o) => quotaMatches(probe, group, resource, o));
    Object.assign(used, usageOf(group, resource, objects, counted, now));
  }
  return { hard, used };
}

/** Starts the controller: informers on quotas and the counted kinds feeding a serial queue of quota keys. */
export function startResourceQuotaController(options: ResourceQuotaControllerOptions): ResourceQuotaController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const now = options.now ?? (() => new Date());
  const abort = new AbortController();
  const informers = new Map<string, Informer<KubeObject>>();
  const versions = new Map<string, string>();

  const quotaInformer = (): Informer<KubeObject> | undefined => informers.get('/resourcequotas');
  const quotasIn = (ns: string): ResourceQuota[] => [...(quotaInformer()?.cache.values() ?? [])].filter((q) => q.metadata.namespace === ns) as ResourceQuota[];

  /** The preferred version of an API group (discovery), cached. */
  const versionOf = async (group: string): Promise<string> => {
    const known = versions.get(group);
    if (known) return known;
    const g = (await client.get(groupPath(group))) as KubeObject & { preferredVersion?: { version?: string } };
    const v = g.preferredVersion?.version ?? 'v1';
    versions.set(group, v);
    return v;
  };

  const sync = async (key: string): Promise<boolean> => {
    const [ns = '', name = ''] = key.split('/');
    const q = quotasIn(ns).find((x) => x.metadata.name === name);
    if (!q) return true;
    // Kinds outside the informers are listed for this sync only.
    const listed = new Map<string, KubeObject[]>();
    for (const n of Object.keys(q.spec?.hard ?? {})) {
      const c = parseCountName(n);
      if (!c || informers.has(`${c.group}/${c.resource}`)) continue;
      try {
        const version = c.group === '' ? 'v1' : await versionOf(c.group);
        listed.set(`${c.group}/${c.resource}`, (await client.list(resourcePath({ group: c.group, version, resource: c.resource }, { namespace: ns }))).items);
      } catch (err) {
        // A kind the server does not serve counts nothing.
        if (!isNotFound(err)) throw err;
        listed.set(`${c.group}/${c.resource}`, []);
      }
    }
    const objectsOf = (group: string, resource: string): KubeObject[] => {
      const inf = informers.get(`${group}/${resource}`);
      if (inf) return [...inf.cache.values()].filter((o) => o.metadata.namespace === ns);
      return listed.get(`${group}/${resource}`) ?? [];
    };
    const status = desiredStatus(q, objectsOf, now());
    const current = q.status ?? {};
    if (equalLists(current.hard ?? {}, status.hard) && equalLists(current.used ?? {}, status.used) && current.hard !== undefined && current.used !== undefined) return true;
    try {
      await client.update(resourcePath(RESOURCES.resourcequotas, { namespace: ns, name, subresource: 'status' }), { ...q, status });
      return true;
    } catch (err) {
      if (isNotFound(err)) return true;
      // A newer quota (or admission's charge) is on its way through the informer: sync again after it.
      if (isConflict(err)) return false;
      throw err;
    }
  };
  const queue = createWorkQueue({ sync, retryDelayMs: options.retryDelayMs ?? 1000, onError });
  const enqueueNamespace = (ns: string): void => {
    for (const q of quotasIn(ns)) queue.add(`${ns}/${q.metadata.name ?? ''}`);
  };

  for (const w of WATCHED) {
    const isQuota = w.resource === 'resourcequotas';
    informers.set(
      `${w.group}/${w.resource}`,
      runInformer<KubeObject>({
        client,
        path: w.path,
        signal: abort.signal,
        handlers: {
          onEvent(type, obj, old) {
            const ns = obj.metadata.namespace ?? '';
            if (!isQuota) return enqueueNamespace(ns);
            // A quota is synced when it appears or its spec.hard changes, not for status writes (admission's charges
            // included), as upstream's update handler; a quota is itself counted by quotas limiting quotas.
            const q = obj as ResourceQuota;
            const before = old as ResourceQuota | undefined;
            if (type !== 'MODIFIED' || !before || !equalLists(q.spec?.hard ?? {}, before.spec?.hard ?? {}) || !q.status?.used) queue.add(`${ns}/${obj.metadata.name ?? ''}`);
            if (type !== 'MODIFIED') enqueueNamespace(ns);
          },
          onError,
        },
      }),
    );
  }
  const resync = setInterval(() => {
    for (const q of quotaInformer()?.cache.values() ?? []) queue.add(`${q.metadata.namespace ?? ''}/${q.metadata.name ?? ''}`);
  }, options.resyncPeriodMs ?? 30_000);

  return {
    async stop() {
      clearInterval(resync);
      abort.abort();
      await Promise.all([...[...informers.values()].map((i) => i.done), queue.shutDown()]);
    },
  };
}

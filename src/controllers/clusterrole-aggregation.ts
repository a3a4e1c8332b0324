/**
 * The ClusterRole aggregation controller: a ClusterRole with an `aggregationRule` gets, as its `rules`, every rule of
 * the other ClusterRoles its label selectors match (in name order, duplicates dropped), so `admin`, `edit` and
 * `view` grow with the `rbac.authorization.k8s.io/aggregate-to-*` roles, and custom roles can extend them.
 *
 * Mirrors kube-controller-manager's `clusterrole-aggregation` controller
 * (`pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go`: syncClusterRole, ruleExists; any
 * ClusterRole change re-queues every aggregated one). An API client: it watches ClusterRoles and writes through the API.
 */
import { isConflict, isNotFound } from '../api/errors.js';
import { labelSelectorFromSpec } from '../api/labels.js';
import type { ClusterRole, PolicyRule } from '../api/rbac.js';
import { runInformer } from '../client/informer.js';
import type { ApiClient } from '../client/types.js';
import { createWorkQueue } from './workqueue.js';
import { resourcePath, RESOURCES } from '../api/paths.js';

/** Options of {@link startClusterRoleAggregation}. */
export interface ClusterRoleAggregationOptions {
  client: ApiClient;
  onError?: (err: unknown) => void;
  /** Wait before retrying a failed role, ms (default 1000). */
  retryDelayMs?: number;
}

/** A running controller. */
export interface ClusterRoleAggregation {
  stop(): Promise<void>;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && !(Array.isArray(x) && x.length === 0));
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The rules an aggregated role should have given every ClusterRole (`roles`), or undefined when it is not aggregated. */
export function aggregatedRules(role: ClusterRole, roles: Iterable<ClusterRole>): PolicyRule[] | undefined {
  const selectors = role.aggregationRule?.clusterRoleSelectors;
  if (!selectors) return undefined;
  const sorted = [...roles].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const out: PolicyRule[] = [];
  const seen = new Set<string>();
  for (const spec of selectors) {
    const selector = labelSelectorFromSpec(spec as Parameters<typeof labelSelectorFromSpec>[0]);
    for (const other of sorted) {
      if (other.metadata.name === role.metadata.name || !selector.matches(other.metadata.labels ?? {})) continue;
      for (const rule of other.rules ?? []) {
        const key = canonical(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(rule);
      }
    }
  }
  return out;
}

/** Starts the controller: a ClusterRole informer feeding a serial queue of aggregated roles. */
export function startClusterRoleAggregation(options: ClusterRoleAggregationOptions): ClusterRoleAggregation {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const abort = new AbortController();
  const byName = new Map<string, ClusterRole>();
  let synced = false;

  const sync = async (name: string): Promise<boolean> => {
    const role = byName.get(name);
    if (!role) return true;
    const rules = aggregatedRules(role, byName.values());
    if (!rules || canonical(rules) === canonical(role.rules ?? [])) return true;
    try {
      await client.update(resourcePath(RESOURCES.clusterroles, { name }), { ...role, rules });
    } catch (err) {
      if (isNotFound(err)) return true;
      // A newer version is on its way through the informer, which queues the role again.
      if (isConflict(err)) return true;
      throw err;
    }
    return true;
  };
  const queue = createWorkQueue({ sync, retryDelayMs: options.retryDelayMs ?? 1000, onError });
  const enqueueAggregated = (): void => {
    for (const r of byName.values()) if (r.aggregationRule) queue.add(r.metadata.name ?? '');
  };

  const informer = runInformer<ClusterRole>({
    client,
    path: resourcePath(RESOURCES.clusterroles),
    signal: abort.signal,
    handlers: {
      onEvent(type, role) {
        if (type === 'DELETED') byName.delete(role.metadata.name ?? '');
        else byName.set(role.metadata.name ?? '', role);
        if (synced) enqueueAggregated();
      },
      // Aggregating from a partial list would write partial rules: wait for the whole list first.
      onSynced() {
        synced = true;
        enqueueAggregated();
      },
      onError,
    },
  });

  return {
    async stop() {
      abort.abort();
      await Promise.all([informer.done, queue.shutDown()]);
    },
  };
}

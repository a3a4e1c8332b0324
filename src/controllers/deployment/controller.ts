/**
 * The Deployment controller: rolls apps/v1 Deployments out through ReplicaSets named `<name>-<pod-template-hash>`,
 * as kube-controller-manager's `deployment-controller` does (`pkg/controller/deployment/`). It is an API client:
 * informers on Deployments, ReplicaSets and pods feed a work queue of `ns/name` keys (level-triggered); each
 * sync adopts/releases ReplicaSets, then pauses, rolls back, scales, or rolls out (RollingUpdate or Recreate),
 * and writes the status subresource (which also carries the revision annotation).
 */
import { labelSelectorFromSpec } from '../../api/labels.js';
import type { Pod } from '../../api/types.js';
import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import { createEventRecorder } from '../../client/event-recorder.js';
import type { ApiClient } from '../../client/types.js';
import { createSyncGate, runGatedInformer } from '../cache-sync.js';
import { realClock, type Clock } from '../../api/clock.js';
import { adoptPatch, claimObjects, controllerOf, isNamespaceTerminating, recheckDeletionTimestamp, releasePatch, selectingControllers } from '../controller-ref.js';
import { ItemBackoff } from '../item-backoff.js';
import { NamespacedCache } from '../object-cache.js';
import { createWorkQueue } from '../workqueue.js';
import { encodeStatus } from './conditions.js';
import { rolloutRecreate } from './recreate.js';
import { rollback } from './rollback.js';
import { rolloutRolling } from './rolling.js';
import { checkPausedConditions, DEPLOYMENT_KIND, deploymentPath, isScalingEvent, replicaSetPath, rollbackTo, syncScaling, syncStatusOnly, type DeploymentContext } from './sync.js';
import { RESOURCES } from '../../api/paths.js';

/** Options of {@link startDeploymentController}. */
export interface DeploymentControllerOptions {
  client: ApiClient;
  /** Errors the controller survives (failed syncs are retried; watch errors re-list). */
  onError?: (err: unknown) => void;
  /** Time for conditions, progress deadlines and delayed requeues (default: the wall clock). */
  clock?: Clock;
  /** Longest wait before a failed sync is retried, ms (default 1000); retries start at 5 ms and double. */
  retryDelayMs?: number;
}

/** A running controller. */
export interface DeploymentController {
  /** Ends the watches and the queue; resolves when the sync in progress finished and events were written. */
  stop(): Promise<void>;
}

/** Upstream maxRetries: a Deployment whose sync fails this many times in a row waits for its next change. */
export const MAX_RETRIES = 5;

function keyOf(obj: { metadata: { namespace?: string; name?: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/** apps/v1 defaulting (`SetDefaults_Deployment`), applied again so that a sync never meets an absent default. */
export function withDefaults(d: Deployment): Deployment {
  const out = structuredClone(d);
  out.spec.replicas ??= 1;
  out.spec.strategy ??= {};
  out.spec.strategy.type ??= 'RollingUpdate';
  if (out.spec.strategy.type === 'RollingUpdate') {
    const ru = (out.spec.strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  out.spec.revisionHistoryLimit ??= 10;
  out.spec.progressDeadlineSeconds ??= 600;
  return out;
}

function selectsAll(d: Deployment): boolean {
  const s = d.spec.selector;
  return Object.keys(s?.matchLabels ?? {}).length === 0 && (s?.matchExpressions ?? []).length === 0;
}

/**
 * Starts the controller. Syncs wait until the three informers listed once. Event routing follows upstream:
 * Deployment changes queue it; a ReplicaSet with a controllerRef queues the Deployment it names (same name and
 * uid), an orphan every Deployment whose non-empty selector matches it; a deleted pod queues its Recreate
 * Deployment once no pod of it is left. A failed sync is retried {@link MAX_RETRIES} times.
 */
export function startDeploymentController(options: DeploymentControllerOptions): DeploymentController {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const clock = options.clock ?? realClock;
  const abort = new AbortController();
  const dCache = new NamespacedCache<Deployment>();
  const rsCache = new NamespacedCache<ReplicaSet>();
  const podCache = new NamespacedCache<Pod>();
  const recorder = createEventRecorder({ client, component: 'deployment-controller', clock, onError, kind: DEPLOYMENT_KIND });
  const backoff = new ItemBackoff(options.retryDelayMs ?? 1000);

  const ctx: DeploymentContext = {
    client,
    recorder,
    clock,
    cachedReplicaSet: (ns, name) => rsCache.byName(ns, name),
    enqueueAfter: (d, ms) => queue.addAfter(keyOf(d), ms),
  };

  /** `getReplicaSetsForDeployment`: claims the namespace's ReplicaSets by selector; throws the first failure. */
  async function replicaSetsFor(d: Deployment): Promise<ReplicaSet[]> {
    let selector;
    try {
      selector = labelSelectorFromSpec(d.spec.selector);
    } catch (err) {
      throw new Error(`deployment ${keyOf(d)} has invalid label selector: ${(err as Error).message}`, { cause: err });
    }
    const path = deploymentPath(d);
    const rsPath = replicaSetPath;
    const { claimed, errors } = await claimObjects(rsCache.list(d.metadata.namespace ?? '').map((rs) => structuredClone(rs)), {
      controller: d,
      selector,
      canAdopt: async () => recheckDeletionTimestamp('Deployment', d, await client.get<Deployment>(path)),
      adopt: async (rs) => {
        await client.patch(rsPath(rs), adoptPatch(d, DEPLOYMENT_KIND, rs), 'strategic');
      },
      release: async (rs) => {
        try {
          await client.patch(rsPath(rs), releasePatch(d, rs), 'strategic');
        } catch (err) {
          if ((err as { reason?: string }).reason !== 'Invalid') throw err;
        }
      },
    });
    if (errors.length > 0) throw errors[0];
    return claimed;
  }

  /** `getPodMapForDeployment`: the Deployment's pods (by selector) grouped by the ReplicaSet uid controlling them. */
  function podMapFor(d: Deployment, rsList: ReplicaSet[]): Map<string, Pod[]> {
    const map = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata.uid ?? '', []]));
    const selector = labelSelectorFromSpec(d.spec.selector);
    for (const pod of podCache.list(d.metadata.namespace ?? '')) {
      if (!selector.matches(pod.metadata.labels)) continue;
      const ref = controllerOf(pod);
      if (ref) map.get(ref.uid)?.push(pod);
    }
    return map;
  }

  /** `syncDeployment`. */
  async function syncDeployment(key: string): Promise<void> {
    const cached = dCache.byKey(key);
    if (!cached) return;
    const d = withDefaults(cached);
    if (selectsAll(d)) {
      recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        const status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation ?? 0 };
        await client.update(`${deploymentPath(d)}/status`, { ...d, status: encodeStatus(status) });
      }
      return;
    }
    const rsList = await replicaSetsFor(d);
    const podMap = podMapFor(d, rsList);
    if (d.metadata.deletionTimestamp) return syncStatusOnly(ctx, d, rsList);
    await checkPausedConditions(ctx, d);
    if (d.spec.paused) return syncScaling(ctx, d, rsList);
    if (rollbackTo(d) !== undefined) return rollback(ctx, d, rsList);
    if (await isScalingEvent(ctx, d, rsList)) return syncScaling(ctx, d, rsList);
    if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(ctx, d, rsList, podMap);
    return rolloutRolling(ctx, d, rsList);
  }

  const queue = createWorkQueue({
    retryDelayMs: options.retryDelayMs ?? 1000,
    clock,
    sync: async (key) => {
      // handleErr: namespace-terminating errors and the 5th failure in a row forget the key; others retry rate-limited.
      try {
        await syncDeployment(key);
        backoff.forget(key);
        return true;
      } catch (err) {
        if (isNamespaceTerminating(err)) {
          backoff.forget(key);
          return true;
        }
        onError(err);
        if (backoff.retries(key) < MAX_RETRIES) return backoff.next(key);
        backoff.forget(key);
        return true;
      }
    },
  });
  const gate = createSyncGate(['deployments', 'replicasets', 'pods'], queue);
  const enqueue = (key: string): void => gate.add(key);

  /** `resolveControllerRef`: the cached Deployment a controllerRef names, if kind, name and uid match. */
  const resolve = (ns: string, ref: ReturnType<typeof controllerOf>): Deployment | undefined => {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = dCache.byName(ns, ref.name);
    return d?.metadata.uid === ref.uid ? d : undefined;
  };
  /** `getDeploymentsForReplicaSet`: Deployments whose non-empty selector matches a labelled ReplicaSet. */
  const matching = (rs: ReplicaSet): Deployment[] => selectingControllers(dCache.list(rs.metadata.namespace ?? ''), rs);
  const rsDeleted = (rs: ReplicaSet): void => {
    const d = resolve(rs.metadata.namespace ?? '', controllerOf(rs));
    if (d) enqueue(keyOf(d));
  };
  const rsAdded = (rs: ReplicaSet): void => {
    if (rs.metadata.deletionTimestamp) return rsDeleted(rs);
    const ref = controllerOf(rs);
    if (ref) {
      const d = resolve(rs.metadata.namespace ?? '', ref);
      if (d) enqueue(keyOf(d));
      return;
    }
    for (const d of matching(rs)) enqueue(keyOf(d));
  };
  const rsUpdated = (cur: ReplicaSet, old: ReplicaSet): void => {
    if (cur.metadata.resourceVersion === old.metadata.resourceVersion) return;
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef) {
      const prev = resolve(old.metadata.namespace ?? '', oldRef);
      if (prev) enqueue(keyOf(prev));
    }
    if (curRef) {
      const d = resolve(cur.metadata.namespace ?? '', curRef);
      if (d) enqueue(keyOf(d));
      return;
    }
    const labelChanged = JSON.stringify(cur.metadata.labels ?? {}) !== JSON.stringify(old.metadata.labels ?? {});
    if (labelChanged || refChanged) for (const d of matching(cur)) enqueue(keyOf(d));
  };
  /** `deletePod`: a Recreate Deployment is synced once none of its pods is left. */
  const podDeleted = (pod: Pod): void => {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = rsCache.byName(pod.metadata.namespace ?? '', ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const cached = resolve(rs.metadata.namespace ?? '', controllerOf(rs));
    if (!cached || withDefaults(cached).spec.strategy?.type !== 'Recreate') return;
    const owned = rsCache.list(cached.metadata.namespace ?? '').filter((x) => controllerOf(x)?.uid === cached.metadata.uid);
    try {
      if ([...podMapFor(cached, owned).values()].every((pods) => pods.length === 0)) enqueue(keyOf(cached));
    } catch {
      // an invalid selector matches nothing
    }
  };

  const deployments = runGatedInformer<Deployment>({
    client,
    resource: RESOURCES.deployments,
    signal: abort.signal,
    gate,
    store: dCache,
    handlers: {
      onEvent(_type, d, old) {
        if (old && old.metadata.uid !== d.metadata.uid) dCache.delete(old);
        enqueue(keyOf(d));
      },
    },
    onError,
  });
  const replicaSets = runGatedInformer<ReplicaSet>({
    client,
    resource: RESOURCES.replicasets,
    signal: abort.signal,
    gate,
    store: rsCache,
    handlers: {
      onAdd: rsAdded,
      onUpdate(rs, old) {
        if (old.metadata.uid !== rs.metadata.uid) rsCache.delete(old);
        rsUpdated(rs, old);
      },
      onDelete: rsDeleted,
    },
    onError,
  });
  const pods = runGatedInformer<Pod>({
    client,
    resource: RESOURCES.pods,
    signal: abort.signal,
    gate,
    store: podCache,
    handlers: {
      onDelete: podDeleted,
    },
    onError,
  });

  return {
    async stop() {
      abort.abort();
      await Promise.all([deployments.done, replicaSets.done, pods.done, queue.shutDown()]);
      await recorder.flush();
    },
  };
}

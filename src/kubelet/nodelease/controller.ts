// The kubelet's node lease: a coordination.k8s.io/v1 Lease named after the node in kube-node-lease, renewed every 10 s.

import type { Clock, PassiveClock } from '../../api/clock.js';
import { NAMESPACE_NODE_LEASE, type Lease } from '../../api/coordination.js';
import { isConflict, isNotFound } from '../../api/errors.js';
import { rfc3339Micro } from '../../api/meta.js';
import type { Node } from '../../api/types.js';
import type { ApiClient } from '../../client/types.js';
import { RESOURCES, resourcePath } from '../../api/paths.js';

/** The kubelet's `nodeLeaseDurationSeconds` default. */
export const NODE_LEASE_DURATION_SECONDS = 40;

/** Attempts of one renewal before it waits for the next period (upstream's `maxUpdateRetries`). */
const MAX_UPDATE_RETRIES = 5;

/** Options of {@link startNodeLease}. */
export interface NodeLeaseOptions {
  client: ApiClient;
  /** The lease's name and holder identity. */
  nodeName: string;
  /** Stamps `spec.renewTime`. */
  clock: PassiveClock;
  /** Clock of the renew timer. */
  timers: Clock;
  /** `spec.leaseDurationSeconds` (default 40). */
  leaseDurationSeconds?: number;
  /** Renew period, ms (default a quarter of the duration: 10 s, upstream's `renewIntervalFraction` 0.25). */
  renewIntervalMs?: number;
  log?: (msg: string) => void;
}

/** A running node lease loop. */
export interface NodeLease {
  /** Settles after the first renewal attempt (never rejects: failures are logged). */
  first: Promise<void>;
  stop(): void;
}

const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' } as const;
const leasePath = (name?: string): string => resourcePath(LEASES, { namespace: NAMESPACE_NODE_LEASE, ...(name === undefined ? {} : { name }) });

/**
 * Keeps the node's Lease renewed, as component-helpers `apimachinery/lease` controller does for the kubelet
 * (pkg/kubelet/nodelease): each period it updates the last lease it wrote with renewTime = now, and when that fails
 * it reads (or creates) the lease and retries the update up to 5 times, re-reading after a conflict. A created lease
 * has holderIdentity = the node name and leaseDurationSeconds 40; while the lease has no ownerReferences it gets
 * one to the Node (apiVersion v1, kind Node, name, uid) as the kubelet's `setNodeOwnerFunc` adds, so the garbage
 * collector removes the lease with its Node. Renewals are sliding (the period counts from the end of a renewal),
 * without upstream's 4 % jitter. Errors are logged, never thrown.
 */
export function startNodeLease(opts: NodeLeaseOptions): NodeLease {
  const { client, nodeName } = opts;
  const duration = opts.leaseDurationSeconds ?? NODE_LEASE_DURATION_SECONDS;
  const period = opts.renewIntervalMs ?? duration * 250;
  const log = opts.log ?? (() => {});
  let latest: Lease | undefined;
  let timer: unknown;
  let stopped = false;

  /** The lease to write: `base` (or a fresh one) renewed now, with the Node as owner when it has none. */
  const renewed = async (base: Lease | undefined): Promise<Lease> => {
    const lease: Lease = base
      ? structuredClone(base)
      : { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: nodeName, namespace: NAMESPACE_NODE_LEASE }, spec: { holderIdentity: nodeName, leaseDurationSeconds: duration } };
    lease.spec = { ...lease.spec, renewTime: rfc3339Micro(new Date(opts.clock.now())) };
    if ((lease.metadata.ownerReferences ?? []).length === 0) {
      try {
        const node = await client.get<Node>(resourcePath(RESOURCES.nodes, { name: nodeName }));
        lease.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata.uid ?? '' }];
      } catch (err) {
        log(`node lease: cannot set the owner reference to node ${nodeName}: ${(err as Error).message}`);
      }
    }
    return lease;
  };

  /** The stored lease, created (already renewed) when missing. */
  const ensureLease = async (): Promise<{ lease: Lease; created: boolean }> => {
    try {
      return { lease: await client.get<Lease>(leasePath(nodeName)), created: false };
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return { lease: await client.create<Lease>(leasePath(), await renewed(undefined)), created: true };
    }
  };

  const sync = async (): Promise<void> => {
    if (latest) {
      try {
        latest = await client.update<Lease>(leasePath(nodeName), await renewed(latest));
        return;
      } catch {
        // A stale or deleted lease: read it again below.
      }
    }
    const ensured = await ensureLease();
    latest = ensured.lease;
    if (ensured.created) return;
    for (let attempt = 1; attempt <= MAX_UPDATE_RETRIES; attempt++) {
      try {
        latest = await client.update<Lease>(leasePath(nodeName), await renewed(latest));
        return;
      } catch (err) {
        if (!isConflict(err) || attempt === MAX_UPDATE_RETRIES) throw err;
        latest = (await ensureLease()).lease;
      }
    }
  };

  const tick = async (): Promise<void> => {
    try {
      await sync();
    } catch (err) {
      latest = undefined;
      log(`node lease: failed to renew lease ${NAMESPACE_NODE_LEASE}/${nodeName}: ${(err as Error).message}`);
    }
    if (!stopped) timer = opts.timers.schedule(() => void tick(), period);
  };

  return {
    first: tick(),
    stop() {
      stopped = true;
      opts.timers.cancel(timer);
    },
  };
}

/**
 * The service proxy's sync loop, kube-proxy's role in iptables mode: informers on Services and
 * EndpointSlices, and a bounded-frequency runner that plans the rules from their caches and applies
 * them, so a change reaches the kernel within a second. An API client like any other component.
 */
import { readFileSync } from 'node:fs';
import type { Clock } from '../api/clock.js';
import type { EndpointSlice, Service } from '../api/services.js';
import { runInformer } from '../client/informer.js';
import type { ApiClient } from '../client/types.js';
import { createProxyApplier, type ApplyResult, type ProxyApplier } from './applier.js';
import type { ProxyScope } from './chains.js';
import { planProxyRules, type PlannerOptions, type ProxyPlan } from './planner.js';
import { createSyncRunner } from './sync-runner.js';
import { RESOURCES, resourcePath } from '../api/paths.js';

/** The collections the proxy watches. */
export const SERVICES_PATH = resourcePath(RESOURCES.services);
export const ENDPOINTSLICES_PATH = resourcePath(RESOURCES.endpointslices);

/** Options of {@link startServiceProxy}. */
export interface ServiceProxyOptions {
  client: ApiClient;
  /** The cluster's pod CIDR (`--cluster-cidr`, k3s default 10.42.0.0/16): off-cluster traffic to cluster IPs is masqueraded. */
  clusterCIDR: string;
  /** The service CIDRs (`--service-cidr`, k3s default 10.43.0.0/16): what no Service port claims there is REJECTed. */
  serviceCIDRs?: string[];
  /** `--masquerade-all`. Default false. */
  masqueradeAll?: boolean;
  /** IPv4 addresses node ports answer on; default every local address but 127.0.0.0/8. */
  nodePortAddresses?: string[];
  /** Chain prefix (default `KUBE`); a second proxy on the same machine needs its own. */
  chainPrefix?: string;
  /**
   * Which forwarded packets are this proxy's when several nodes share the host: those from its pod bridge and
   * those not from any pod bridge (see ProxyScope). Default: every packet, as kube-proxy.
   */
  scope?: ProxyScope;
  /** Least time between two syncs, ms (kube-proxy's --iptables-min-sync-period). Default 150. */
  minSyncIntervalMs?: number;
  /** Periodic full sync, ms (kube-proxy's --iptables-sync-period). Default 30 000. */
  syncPeriodMs?: number;
  /** Wait before retrying a failed sync, ms. Default 1000. */
  retryDelayMs?: number;
  /** Errors the proxy survives: failed syncs (retried), conntrack failures, watch errors, host warnings. */
  onError?: (err: unknown) => void;
  /** Called after every sync with its plan and what the applier did (metrics, tests). */
  onSync?: (plan: ProxyPlan, result: ApplyResult) => void;
  /** Replaces the iptables applier (tests). */
  applier?: ProxyApplier;
  /** Replaces the host's sysctls read at start (tests); default /proc/sys. */
  readSysctl?: (name: string) => string | undefined;
  timers?: Clock;
}

/** A running proxy. */
export interface ServiceProxy {
  /** Ends the informers and the sync loop; the rules stay in place (see cleanupProxyRules). */
  stop(): Promise<void>;
}

function procSysctl(name: string): string | undefined {
  try {
    return readFileSync(`/proc/sys/${name.replaceAll('.', '/')}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Starts the proxy. The first sync waits until both informers have listed (kube-proxy's
 * isInitialized), so a restart never writes rules from half the objects; it is a full sync (stale
 * chains of an earlier process removed, jumps ensured), as is one every `syncPeriodMs`. Between them,
 * a watch event asks for a sync that runs at most `minSyncIntervalMs` after the previous one.
 */
export function startServiceProxy(options: ServiceProxyOptions): ServiceProxy {
  const { client } = options;
  const onError = options.onError ?? (() => {});
  const readSysctl = options.readSysctl ?? procSysctl;
  const applier =
    options.applier ??
    createProxyApplier({ ...(options.chainPrefix !== undefined ? { chainPrefix: options.chainPrefix } : {}), ...(options.scope ? { scope: options.scope } : {}) });
  const syncPeriodMs = options.syncPeriodMs ?? 30_000;
  const planner: PlannerOptions = {
    clusterCIDR: options.clusterCIDR,
    masqueradeAll: options.masqueradeAll ?? false,
    masqueradeRandomFully: true,
    conntrackTCPLiberal: (readSysctl('net.netfilter.nf_conntrack_tcp_be_liberal') ?? '0') !== '0',
  };
  if (options.nodePortAddresses) planner.nodePortAddresses = options.nodePortAddresses;
  if (options.serviceCIDRs) planner.serviceCIDRs = options.serviceCIDRs;
  if (options.chainPrefix !== undefined) planner.chainPrefix = options.chainPrefix;
  if (readSysctl('net.bridge.bridge-nf-call-iptables') !== '1') {
    onError(new Error('net.bridge.bridge-nf-call-iptables is not 1 (br_netfilter not loaded?): a pod reaching a Service backed by a pod on the same bridge gets no reply'));
  }

  const abort = new AbortController();
  const synced = { services: false, slices: false };
  let lastFull = -Infinity;
  const now = (): number => (options.timers ?? { now: () => Date.now() }).now();

  const runner = createSyncRunner({
    minIntervalMs: options.minSyncIntervalMs ?? 150,
    maxIntervalMs: syncPeriodMs,
    retryDelayMs: options.retryDelayMs ?? 1000,
    onError,
    ...(options.timers ? { timers: options.timers } : {}),
    async sync() {
      if (!synced.services || !synced.slices) return;
      const plan = planProxyRules({ services: [...services.cache.values()], endpointSlices: [...slices.cache.values()] }, planner);
      const start = now();
      const full = start - lastFull >= syncPeriodMs;
      const result = await applier.apply(plan, { full });
      if (full) lastFull = start;
      if (result.conntrackError) onError(result.conntrackError);
      options.onSync?.(plan, result);
    },
  });

  const services = runInformer<Service>({
    client,
    path: SERVICES_PATH,
    signal: abort.signal,
    handlers: {
      onEvent: () => runner.run(),
      onSynced() {
        synced.services = true;
        runner.run();
      },
      onError,
    },
  });
  const slices = runInformer<EndpointSlice>({
    client,
    path: ENDPOINTSLICES_PATH,
    signal: abort.signal,
    handlers: {
      onEvent: () => runner.run(),
      onSynced() {
        synced.slices = true;
        runner.run();
      },
      onError,
    },
  });

  return {
    async stop() {
      abort.abort();
      await Promise.all([services.done, slices.done, runner.stop()]);
    },
  };
}

// Wires the kubelet together: pod source, pod workers, PLEG, runtime executor, volumes, status, events, node status, node lease, stats, server.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound } from '../api/errors.js';
import type { ConfigMap, Pod, Secret } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import type { ImageService, RuntimeService } from '../cri/types.js';
import { podsDifferSemantically, watchNodePods } from './config/pod-source.js';
import { watchServices, type ServiceLister } from './envvars/service-lister.js';
import { watchRuntimeClasses, type RuntimeClassManager } from './runtimeclass/runtime-class-manager.js';
import { resourcePath } from '../api/paths.js';
import { createEventRecorder } from './events/recorder.js';
import { ImageGCManager } from './images/image-gc.js';
import { ImageManager } from './images/image-manager.js';
import { Backoff } from './container/backoff.js';
import type { ObjectSource } from './container/env.js';
import { ReasonCache } from './container/reason-cache.js';
import type { RuntimeContext } from './kuberuntime/runtime-context.js';
import { deleteAllUnusedContainers } from './kuberuntime/container-gc.js';
import { removeOrphanedSandboxes } from './kuberuntime/teardown.js';
import { DNSConfigurer, locateResolvConf } from './network/dns.js';
import { EvictionManager, startEvictionManager } from './eviction/eviction-manager.js';
import { observeSignals } from './eviction/observations.js';
import { DEFAULT_EVICTION_HARD, parseEvictionHard, type Threshold } from './eviction/thresholds.js';
import { resourceAdmitError } from './lifecycle/predicate.js';
import { startNodeLease, type NodeLease } from './nodelease/controller.js';
import { DEFAULT_MAX_PODS, hostCapacity, hostFigures, nodeResources, startNodeStatus } from './nodestatus/node-status.js';
import { nodeReference, startupEvents } from './nodestatus/node-events.js';
import { listPodCPUAndMemoryStats } from './stats/cri-stats-provider.js';
import { addPodStorageStats, podProcessCounts } from './stats/pod-storage-stats.js';
import { milliValue, parseQuantity } from '../api/quantity.js';
import { podDir, type KubeletPaths } from './config/paths.js';
import { startPleg } from './pleg/pleg.js';
import { RuntimeState, startRuntimeChecks } from './runtime-state.js';
import { KubeletPodSyncer } from './pod-sync.js';
import { PodWorkers } from './pod-workers/pod-workers.js';
import { ProberManager } from './prober/prober-manager.js';
import { startKubeletServer } from './server/server.js';
import { resourceMetricsText } from './stats/provider.js';
import { StatusManager } from './status/status-manager.js';
import { realClock, type Clock } from '../api/clock.js';
import { dedupingLog } from './util/log-dedup.js';
import { VolumeManager } from './volumes/volume-manager.js';

/** Options of {@link startKubelet}. */
export interface KubeletOptions {
  client: ApiClient;
  runtime: RuntimeService;
  images: ImageService;
  nodeName: string;
  /** Per-pod state: `<rootDir>/pods/<uid>/...`. */
  rootDir: string;
  /** Container logs: `<podLogsDir>/<ns>_<name>_<uid>/<container>/<n>.log`. */
  podLogsDir: string;
  /** The kubelet server: `host:port` (0 = a free port), and also the node IP on that port when it is not `host`. */
  server: { host: string; port: number; tls?: { certPem: string | Buffer; keyPem: string | Buffer; caPem: string | Buffer } };
  /**
   * kubelet `--node-ip` (k3s `--node-ip`): the node's InternalIP, every pod's hostIP/hostIPs and hostNetwork pods' podIP;
   * an address of this machine (default 127.0.0.1). The API server reaches the kubelet server there.
   */
  nodeIP?: string;
  /** k3s `--node-external-ip`: reported as the node's ExternalIP (default none). */
  nodeExternalIP?: string;
  clock?: Clock;
  /** Pod resync period, ms (default 10 s). */
  resyncMs?: number;
  /** Pod worker back-off after a failed sync, ms before jitter (default 10 s, upstream's backOffPeriod). */
  syncBackOffMs?: number;
  /**
   * Clock of the pod workers', PLEG's, prober's, node heartbeat's, node lease's and log follow's timers (default the wall clock;
   * independent of `clock`, which stamps times).
   */
  timers?: Clock;
  /** Node heartbeat period, ms (default 10 s). */
  nodeStatusPeriodMs?: number;
  /** PLEG relist period, ms (default 1 s, upstream's `plegRelistPeriod`). */
  plegPeriodMs?: number;
  /**
   * Cluster DNS server IPs pods with dnsPolicy ClusterFirst get (KubeletConfiguration `clusterDNS`, k3s
   * `--cluster-dns`). Default none: ClusterFirst pods then get the host's DNS with a MissingClusterDNS
   * warning, as upstream.
   */
  clusterDNS?: string[];
  /** Cluster domain of pods' search paths and /etc/hosts (KubeletConfiguration `clusterDomain`; default `cluster.local`). */
  clusterDomain?: string;
  /**
   * resolv.conf that dnsPolicy Default (and ClusterFirst without cluster DNS) pods get (kubelet `--resolv-conf`;
   * `''` for none). Default: k3s's choice, network/dns.ts `locateResolvConf`.
   */
  resolvConf?: string;
  /** Services for pods' service environment variables (default: an informer on /api/v1/services through `client`). */
  services?: ServiceLister;
  /** RuntimeClass lookups for pods' `spec.runtimeClassName` (default: an informer on node.k8s.io/v1 runtimeclasses through `client`). */
  runtimeClasses?: RuntimeClassManager;
  /**
   * Warnings about a pod's spec, recorded as Warning events on the pod when this kubelet takes it on for the first
   * time (no `status.startTime` yet, so a restarted kubelet does not repeat them); `fieldPath` names a container
   * (`spec.containers{app}`). k1s sets the multi-container lint here (cli/server.ts); absent = none. Must not throw.
   */
  podWarnings?: (pod: Pod) => { reason: string; message: string; fieldPath?: string }[];
  /** KubeletConfiguration `maxPods` (`--max-pods`; default 110): node capacity and allocatable pods, and admission. */
  maxPods?: number;
  /** Hard eviction thresholds (`--eviction-hard`; default upstream's, DEFAULT_EVICTION_HARD). */
  evictionHard?: readonly Threshold[];
  /** The runtime's image store (imagefs); default the root dir's file system. */
  imagefsPath?: string;
  /** Eviction manager period, ms (default 10 s). */
  evictionPeriodMs?: number;
  /** The pod sandbox image (`--pod-infra-container-image`): never removed by image GC. */
  podSandboxImage?: string;
  log?: (msg: string) => void;
}

/** A running kubelet. */
export interface Kubelet {
  /** Port of the kubelet server. */
  port: number;
  /** Stops watching and syncing; containers keep running (a restarted kubelet adopts them). */
  stop(): Promise<void>;
}

function apiObjects(client: ApiClient): ObjectSource {
  const get = async <T extends ConfigMap | Secret>(kind: string, ns: string, name: string): Promise<T | undefined> => {
    try {
      return await client.get<T>(resourcePath({ group: '', version: 'v1', resource: kind }, { namespace: ns, name }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  return {
    getConfigMap: (ns, name) => get<ConfigMap>('configmaps', ns, name),
    getSecret: (ns, name) => get<Secret>('secrets', ns, name),
  };
}

/**
 * Starts a kubelet for `nodeName`: registers the Node, serves its API, watches its pods and drives them through
 * CRI. All pod state is rebuilt from CRI labels/annotations and the API, so a restarted kubelet adopts running
 * sandboxes and containers. Throws when the server cannot listen.
 */
export async function startKubelet(options: KubeletOptions): Promise<Kubelet> {
  const clock = options.clock ?? realClock;
  const timers = options.timers ?? realClock;
  // A dead runtime fails every relist, status check and sync: each distinct line prints once a minute, with a count.
  const log = dedupingLog(options.log ?? ((m: string) => process.stderr.write(`kubelet: ${m}\n`)), { timers: realClock });
  const nodeIP = options.nodeIP ?? '127.0.0.1';
  const paths: KubeletPaths = { rootDir: options.rootDir, podLogsDir: options.podLogsDir };
  const { client, runtime } = options;
  const abort = new AbortController();

  const recorder = createEventRecorder(client, { component: 'kubelet', host: options.nodeName }, clock, log);
  const objects = apiObjects(client);
  let wake: (uid: string) => void = () => {};
  const prober = new ProberManager(runtime, recorder, (uid) => wake(uid), timers);
  const dns = new DNSConfigurer({
    clusterDNS: options.clusterDNS ?? [],
    clusterDomain: options.clusterDomain ?? 'cluster.local',
    resolvConf: options.resolvConf ?? locateResolvConf(),
    nodeIPs: [nodeIP],
  });
  const serviceWatch = options.services ? undefined : watchServices(client, abort.signal, log);
  const services = options.services ?? serviceWatch!;
  const runtimeClassWatch = options.runtimeClasses ? undefined : watchRuntimeClasses(client, abort.signal, log);
  const runtimeClasses = options.runtimeClasses ?? runtimeClassWatch!;
  const ctx: RuntimeContext = {
    runtime,
    images: new ImageManager(options.images, recorder, clock, objects),
    recorder,
    clock,
    paths,
    objects,
    dns,
    services,
    runtimeClasses,
    crashBackoff: new Backoff(clock),
    reasons: new ReasonCache(),
    probes: prober,
    failedSandboxAttempts: new Map(),
    log,
  };
  const statusManager = new StatusManager(client, log);
  const volumes = new VolumeManager(paths, objects, client);
  let runtimeName = 'containerd';
  runtime.version().then(
    (v) => (runtimeName = v.runtimeName || runtimeName),
    (err: unknown) => log(`runtime version: ${(err as Error).message}`),
  );
  const maxPods = options.maxPods ?? DEFAULT_MAX_PODS;
  const thresholds = options.evictionHard ?? parseEvictionHard(DEFAULT_EVICTION_HARD);
  const allocatable = hostCapacity(maxPods);
  const pods = new Map<string, Pod>();
  /** Pods admitted by this kubelet since it started (a pod that already ran counts by its startTime). */
  const admitted = new Set<string>();
  const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);
  let syncerRef: KubeletPodSyncer | undefined;
  /** GetActivePods: admitted pods of the node that are not terminal, not evicted and not being deleted to the end. */
  const activePods = (except?: string): Pod[] =>
    [...pods.values()].filter((p) => {
      const uid = p.metadata.uid ?? '';
      if (uid === except || TERMINAL_PHASES.has(p.status?.phase ?? '')) return false;
      if (syncerRef?.isEvicted(uid) || workers.state(uid)?.kind === 'terminated') return false;
      return admitted.has(uid) || p.status?.startTime !== undefined;
    });
  const imagefsPath = options.imagefsPath ?? options.rootDir;
  // HasDedicatedImageFs: the image store is on another device than the root dir.
  const dedicatedImageFs = imagefsPath !== options.rootDir && (await Promise.all([stat(options.rootDir), stat(imagefsPath)]).then(([a, b]) => a.dev !== b.dev, () => false));
  const imageGC = new ImageGCManager({ runtime, images: options.images, clock, pinned: options.podSandboxImage ? [options.podSandboxImage] : [], log });
  void imageGC.detectImages().catch(() => undefined);
  const evictionManager = new EvictionManager({
    thresholds,
    observe: () => observeSignals({ nodefsPath: options.rootDir, imagefsPath }, clock.now()),
    activePods: () => activePods(),
    podStats: async (request) => {
      const stats = new Map((await listPodCPUAndMemoryStats(runtime, clock.now())).map((s) => [s.podRef.uid, s]));
      for (const pod of request.storageOf) {
        const s = stats.get(pod.metadata.uid ?? '');
        if (s) await addPodStorageStats(s, pod, paths);
      }
      if (request.processes) {
        for (const [uid, n] of await podProcessCounts(await runtime.listContainers())) {
          const s = stats.get(uid);
          if (s) s.processStats = { processCount: n };
        }
      }
      return stats;
    },
    reclaim: {
      deleteAllUnusedContainers: async () => {
        const active = new Set(activePods().map((p) => p.metadata.uid ?? ''));
        const n = await deleteAllUnusedContainers(runtime, (uid) => active.has(uid));
        if (n) log(`container gc: removed ${n} dead containers`);
        return n;
      },
      deleteUnusedImages: async () => (await imageGC.deleteUnusedImages()).removed.length,
    },
    dedicatedImageFs,
    sleep: (ms) => timers.sleep(ms),
    evict: (e) => {
      const uid = e.pod.metadata.uid ?? '';
      log(`eviction manager: evicting pod ${e.pod.metadata.namespace}/${e.pod.metadata.name}: ${e.message}`);
      syncerRef?.evict(uid, e);
      const latest = pods.get(uid);
      if (latest) workers.update(latest, false, true);
    },
    now: () => clock.now(),
    log,
  });
  /** canAdmitPod: the eviction manager's Admit, then the resource predicates against node allocatable. */
  const admit = (pod: Pod): { reason: string; message: string } | undefined => {
    const uid = pod.metadata.uid ?? '';
    if (admitted.has(uid)) return undefined;
    const refusal = evictionManager.admit(pod);
    if (refusal) return refusal;
    const alloc = nodeResources(hostFigures(), maxPods, thresholds).allocatable;
    const rejection = resourceAdmitError(pod, activePods(uid), {
      pods: maxPods,
      cpuMilli: milliValue(alloc.cpu ?? '0'),
      memoryBytes: parseQuantity(alloc.memory ?? '0'),
    });
    if (!rejection) admitted.add(uid);
    return rejection;
  };
  const syncer = new KubeletPodSyncer({
    ctx,
    volumes,
    statusManager,
    nodeName: options.nodeName,
    nodeIP,
    runtimeName: () => runtimeName,
    prober,
    allocatable: { cpu: allocatable.cpu ?? '1', memory: String(parseQuantity(allocatable.memory ?? '0')) },
    admit,
  });
  syncerRef = syncer;
  const workers = new PodWorkers(syncer, {
    resyncMs: options.resyncMs ?? 10_000,
    ...(options.syncBackOffMs !== undefined ? { backOffMs: options.syncBackOffMs } : {}),
    timers,
    log,
  });
  wake = (uid) => workers.wake(uid);

  const byName = (ns: string, name: string): Pod | undefined => {
    for (const p of pods.values()) if (p.metadata.namespace === ns && p.metadata.name === name) return p;
    return undefined;
  };

  const server = await startKubeletServer({
    ...options.server,
    alsoHosts: [nodeIP],
    runtime,
    getPod: byName,
    resourceMetrics: () => resourceMetricsText({ runtime, nodeName: options.nodeName, clock }),
    clock: timers,
    log,
  });
  // Runtime health (runtime.go) on the wall clock: whether the runtime answers is real time, whatever `clock` says.
  const runtimeState = new RuntimeState({ clock: realClock });
  const pleg = startPleg({ runtime, onPodChanged: (uid) => workers.wake(uid), clock: timers, log, ...(options.plegPeriodMs !== undefined ? { periodMs: options.plegPeriodMs } : {}) });
  runtimeState.addHealthCheck({ name: 'PLEG', check: () => pleg.healthy() });
  const runtimeChecks = startRuntimeChecks({ runtime, state: runtimeState, log });
  await Promise.all([runtimeChecks.first, pleg.first]);
  let downSince = runtimeState.runtimeUnavailable() ? Date.now() : 0;
  runtimeState.onChange(() => {
    nodeStatus.syncNow();
    const unavailable = runtimeState.runtimeUnavailable();
    if (unavailable && downSince === 0) {
      downSince = Date.now();
      log(`container runtime is down: node NotReady, pod syncs wait for it`);
    } else if (!unavailable && downSince !== 0) {
      log(`container runtime is up again after ${Date.now() - downSince} ms: syncing every pod`);
      downSince = 0;
      // Pods whose syncs failed meanwhile are in back-off: reconcile them all now (adopt or restart per restartPolicy).
      workers.syncAll();
    }
  });
  for (const e of startupEvents()) recorder.event(nodeReference(options.nodeName), 'Normal', e.reason, e.message);
  const nodeStatus = startNodeStatus({
    client,
    recorder,
    runtime,
    nodeName: options.nodeName,
    nodeIP,
    ...(options.nodeExternalIP ? { nodeExternalIP: options.nodeExternalIP } : {}),
    kubeletPort: server.port,
    clock,
    timers,
    runtimeState,
    ...(options.nodeStatusPeriodMs !== undefined ? { periodMs: options.nodeStatusPeriodMs } : {}),
    maxPods,
    rootDir: options.rootDir,
    thresholds,
    pressure: () => evictionManager.conditions(),
    log,
  });
  // The node lease (pkg/kubelet/nodelease) once the Node is registered, so its first write can name the Node as owner.
  let nodeLease: NodeLease | undefined;
  void nodeStatus.first.then(() => {
    if (!abort.signal.aborted) nodeLease = startNodeLease({ client, nodeName: options.nodeName, clock, timers, log });
  });
  const eviction = startEvictionManager(evictionManager, { ...(options.evictionPeriodMs !== undefined ? { periodMs: options.evictionPeriodMs } : {}), log });

  let synced = false;
  /** Removes sandboxes and pod dirs of pods the API no longer has (HandlePodCleanups). */
  const cleanupOrphans = async (): Promise<void> => {
    if (!synced) return;
    const known = new Set([...pods.keys(), ...workers.known()]);
    await removeOrphanedSandboxes(runtime, (uid) => known.has(uid), log);
    let dirs: string[] = [];
    try {
      dirs = await readdir(join(paths.rootDir, 'pods'));
    } catch {
      dirs = [];
    }
    for (const uid of dirs) if (!known.has(uid)) await volumes.tearDownPod(uid).catch((err: unknown) => log(`cleanup ${podDir(paths, uid)}: ${(err as Error).message}`));
  };
  const housekeeping = setInterval(() => void cleanupOrphans().catch((err: unknown) => log(`housekeeping: ${(err as Error).message}`)), 10_000);
  housekeeping.unref();

  /** The pod's spec warnings as events, once: when no kubelet has started the pod yet. */
  const recordPodWarnings = (pod: Pod): void => {
    if (!options.podWarnings || pod.status?.startTime || pod.metadata.deletionTimestamp) return;
    try {
      for (const w of options.podWarnings(pod)) recorder.event(pod, 'Warning', w.reason, w.message, w.fieldPath);
    } catch (err) {
      log(`pod warnings of ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`);
    }
  };

  const informer = watchNodePods({
    client,
    nodeName: options.nodeName,
    signal: abort.signal,
    log,
    onPod: (pod, removed) => {
      const uid = pod.metadata.uid ?? '';
      if (!removed && !pods.has(uid)) recordPodWarnings(pod);
      const changed = podsDifferSemantically(pods.get(uid), pod);
      if (removed) {
        pods.delete(uid);
        admitted.delete(uid);
        evictionManager.forget(uid);
      }
      else pods.set(uid, pod);
      workers.update(pod, removed, changed);
    },
    onSynced: () => {
      if (synced) return;
      synced = true;
      void cleanupOrphans().catch((err: unknown) => log(`cleanup: ${(err as Error).message}`));
    },
  });

  return {
    port: server.port,
    async stop() {
      abort.abort();
      pleg.stop();
      runtimeChecks.stop();
      workers.stop();
      prober.stop();
      nodeStatus.stop();
      nodeLease?.stop();
      eviction.stop();
      clearInterval(housekeeping);
      await informer.done;
      await serviceWatch?.done;
      await runtimeClassWatch?.done;
      await server.close();
      await recorder.flush();
      log.flush();
    },
  };
}

/**
 * The kubelet's eviction manager: every 10 s observes the eviction signals, derives the pressure conditions
 * (MemoryPressure, DiskPressure, PIDPressure, held for the pressure transition period after a threshold stops
 * being met), evicts pods over their local storage limits, and under pressure evicts one pod at a time, ranked as
 * upstream ranks them — after first reclaiming node-level resources (dead containers, unused images) under disk
 * pressure. It also answers admission: under memory pressure a BestEffort pod that does not tolerate the
 * memory-pressure taint is refused with reason Evicted.
 *
 * Mirrors `pkg/kubelet/eviction/eviction_manager.go` (synchronize, reclaimNodeLevelResources,
 * localStorageEviction, Admit ...) and `helpers.go` (thresholdsMet, byEvictionPriority, getReclaimableThreshold,
 * getThresholdMetInfo, buildSignalToRankFunc, buildSignalToNodeReclaimFuncs, evictionMessage, nodeConditions,
 * nodeConditionsObservedSince).
 */
import { formatBinarySI, formatDecimalSI, formatQuantity, parseExact } from '../../api/quantity.js';
import type { Pod, Toleration } from '../../api/types.js';
import type { PodStats } from '../stats/summary.js';
import { podQOSClass } from '../status/generate.js';
import { hasLocalStorageLimit, localStorageViolation, type EvictionResource } from './local-storage.js';
import { evictionMessage, isCriticalPod, rankDiskPressure, rankMemoryPressure, rankPIDPressure, type FsStatsType } from './ranking.js';
import type { SignalObservations } from './observations.js';
import { thresholdQuantity, type EvictionSignal, type Threshold } from './thresholds.js';

/** The node conditions eviction reports. */
export type PressureCondition = 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';

const CONDITION_OF: Record<EvictionSignal, PressureCondition> = {
  'memory.available': 'MemoryPressure',
  'nodefs.available': 'DiskPressure',
  'nodefs.inodesFree': 'DiskPressure',
  'imagefs.available': 'DiskPressure',
  'imagefs.inodesFree': 'DiskPressure',
  'pid.available': 'PIDPressure',
};

/** signalToResource. */
export const RESOURCE_OF: Record<EvictionSignal, EvictionResource> = {
  'memory.available': 'memory',
  'nodefs.available': 'ephemeral-storage',
  'nodefs.inodesFree': 'inodes',
  'imagefs.available': 'ephemeral-storage',
  'imagefs.inodesFree': 'inodes',
  'pid.available': 'pids',
};

/** Upstream's `--eviction-pressure-transition-period` default, ms. */
export const PRESSURE_TRANSITION_PERIOD_MS = 5 * 60_000;
/** Upstream's eviction monitoring interval, ms. */
export const MONITORING_INTERVAL_MS = 10_000;
/** immediateEvictionGracePeriodSeconds: the grace period of a pod evicted for a hard threshold. */
export const IMMEDIATE_EVICTION_GRACE_SECONDS = 1;

/** thresholdsMet: the thresholds whose signal's available figure is below the threshold quantity. */
export function thresholdsMet(thresholds: readonly Threshold[], observations: SignalObservations): Threshold[] {
  return thresholds.filter((t) => {
    const o = observations[t.signal];
    return o !== undefined && o.available < thresholdQuantity(t.value, o.capacity);
  });
}

/** byEvictionPriority: memory first, the others in their given order (a stable sort). */
export function byEvictionPriority(thresholds: readonly Threshold[]): Threshold[] {
  return [...thresholds].sort((a, b) => Number(b.signal === 'memory.available') - Number(a.signal === 'memory.available'));
}

/** The threshold quantity as upstream prints it (Quantity.String of the parsed value, or of the percentage's quantity in BinarySI). */
export function thresholdText(t: Threshold, capacity: number): string {
  if ('quantity' in t.value) return formatQuantity(parseExact(t.value.text));
  return formatBinarySI(thresholdQuantity(t.value, capacity));
}

/** The observed available figure as upstream prints it: bytes in BinarySI, inodes and pids in DecimalSI. */
export function availableText(signal: EvictionSignal, available: number): string {
  const r = RESOURCE_OF[signal];
  return r === 'inodes' || r === 'pids' ? formatDecimalSI(available, 0) : formatBinarySI(available);
}

/** getThresholdMetInfo: the quantity and availability of the first met threshold of `resource`. */
function thresholdMetInfo(resource: EvictionResource, met: readonly Threshold[], observations: SignalObservations): { quantity: string; available: string } | undefined {
  for (const t of met) {
    const o = observations[t.signal];
    if (RESOURCE_OF[t.signal] === resource && o) return { quantity: thresholdText(t, o.capacity), available: availableText(t.signal, o.available) };
  }
  return undefined;
}

/**
 * buildSignalToRankFunc's file system stats per disk signal: on one file system every signal measures the rootfs,
 * logs and local volumes; with a dedicated imagefs, nodefs signals measure logs and local volumes, imagefs
 * signals the rootfs.
 */
export function diskMeasure(signal: EvictionSignal, dedicatedImageFs: boolean): FsStatsType[] {
  if (!dedicatedImageFs) return ['root', 'logs', 'localVolumeSource'];
  return signal.startsWith('imagefs.') ? ['root'] : ['logs', 'localVolumeSource'];
}

/** What to do with one pod the manager chose: the status the pod worker gives it as it kills it. */
export interface Eviction {
  pod: Pod;
  reason: 'Evicted';
  message: string;
  gracePeriodSeconds: number;
  /** Whether the pod gets the DisruptionTarget condition (pressure evictions; local storage evictions do not). */
  disruptionTarget: boolean;
}

/**
 * The node-level reclaim functions (ContainerGC.DeleteAllUnusedContainers, ImageGC.DeleteUnusedImages); each
 * resolves to how many containers or images it removed.
 */
export interface NodeReclaim {
  deleteAllUnusedContainers(): Promise<number>;
  deleteUnusedImages(): Promise<number>;
}

/** How long re-observation after a reclaim that removed something waits for the runtime to free the space, ms. */
export const RECLAIM_SETTLE_MS = 5_000;
/** How often it re-observes meanwhile, ms. */
export const RECLAIM_SETTLE_POLL_MS = 500;

/** What stats the manager wants this pass: storage figures of `storageOf`, process counts when `processes`. */
export interface PodStatsRequest {
  storageOf: readonly Pod[];
  processes: boolean;
}

/** Collaborators of {@link EvictionManager}. */
export interface EvictionManagerDeps {
  thresholds: readonly Threshold[];
  observe(): Promise<SignalObservations>;
  /** The pods admitted to this node that are not terminal (GetActivePods). */
  activePods(): Pod[];
  /** Per-pod stats (uid → stats) of pods with running containers, with the storage and process figures asked for. */
  podStats(request: PodStatsRequest): Promise<Map<string, PodStats>>;
  /** Kills the pod with the eviction status (killPodFunc): hands it to the pod worker and returns. */
  evict(e: Eviction): void;
  /** Node-level reclaim under disk pressure; none when absent. */
  reclaim?: NodeReclaim;
  /** Images (and container writable layers) live on a file system of their own (HasDedicatedImageFs); default false. */
  dedicatedImageFs?: boolean;
  /** Feature LocalStorageCapacityIsolation (default true): evict pods over their emptyDir or ephemeral-storage limits. */
  localStorageCapacityIsolation?: boolean;
  /** ms since the epoch. */
  now(): number;
  /** Waits `ms` (the re-observation after a reclaim); default none. */
  sleep?(ms: number): Promise<void>;
  /** See {@link RECLAIM_SETTLE_MS}. */
  reclaimSettleMs?: number;
  transitionPeriodMs?: number;
  log?: (msg: string) => void;
}

/** The eviction manager's state: when each pressure condition was last observed. */
export class EvictionManager {
  private readonly lastObserved = new Map<PressureCondition, number>();
  private readonly evicted = new Set<string>();
  private observations: SignalObservations = {};
  /** True after "unable to evict" was logged, until a pod is evicted again (logged once, not every pass). */
  private reportedNoVictim = false;

  constructor(private readonly d: EvictionManagerDeps) {}

  /** The pressure conditions in force now (observed within the transition period). */
  conditions(): Set<PressureCondition> {
    const period = this.d.transitionPeriodMs ?? PRESSURE_TRANSITION_PERIOD_MS;
    const now = this.d.now();
    const out = new Set<PressureCondition>();
    for (const [c, at] of this.lastObserved) if (now - at < period) out.add(c);
    return out;
  }

  /** The last observations (for node allocatable and logs). */
  lastObservations(): SignalObservations {
    return this.observations;
  }

  /**
   * Admit: under MemoryPressure a BestEffort pod is refused unless it tolerates
   * `node.kubernetes.io/memory-pressure:NoSchedule` or is critical; other pressure conditions refuse every pod
   * that is not critical. Returns the rejection or undefined.
   */
  admit(pod: Pod): { reason: string; message: string } | undefined {
    const conditions = this.conditions();
    if (conditions.size === 0) return undefined;
    if ((pod.spec.priority ?? 0) >= 2_000_000_000) return undefined;
    const list = [...conditions].sort();
    if (conditions.size === 1 && conditions.has('MemoryPressure')) {
      if (podQOSClass(pod) !== 'BestEffort') return undefined;
      if (toleratesMemoryPressure(pod.spec.tolerations)) return undefined;
    }
    return { reason: 'Evicted', message: `The node had condition: [${list.join(', ')}]. ` };
  }

  /**
   * One pass: observe, update conditions, evict the pods over their local storage limits; failing that, under a
   * met threshold reclaim node-level resources first (disk signals), and if the threshold is still met evict the
   * first pod of the signal's ranking. Returns the evictions made (none, one, or several for local storage).
   */
  async synchronize(): Promise<Eviction[]> {
    const observations = await this.d.observe();
    this.observations = observations;
    const met = byEvictionPriority(thresholdsMet(this.d.thresholds, observations));
    const now = this.d.now();
    for (const t of met) this.lastObserved.set(CONDITION_OF[t.signal], now);
    const active = this.d.activePods().filter((p) => !this.evicted.has(p.metadata.uid ?? ''));
    const isolation = this.d.localStorageCapacityIsolation ?? true;
    const top = met[0];
    const disk = top !== undefined && RESOURCE_OF[top.signal] !== 'memory' && RESOURCE_OF[top.signal] !== 'pids';
    const limited = isolation ? active.filter(hasLocalStorageLimit) : [];
    if (!top && limited.length === 0) return [];
    const stats = await this.d.podStats({ storageOf: disk ? active : limited, processes: top?.signal === 'pid.available' });
    const statsOf = (p: Pod): PodStats | undefined => stats.get(p.metadata.uid ?? '');

    // localStorageEviction: every pod over a limit is evicted, and the pass ends there.
    const local: Eviction[] = [];
    for (const pod of limited) {
      const s = statsOf(pod);
      const message = s && !isCriticalPod(pod) ? localStorageViolation(pod, s, this.d.dedicatedImageFs ?? false) : undefined;
      if (message) local.push(this.evictPod(pod, message, false));
    }
    if (local.length > 0 || !top) return local;

    const resource = RESOURCE_OF[top.signal];
    if (disk && this.d.reclaim && (await this.reclaimNodeLevelResources(resource))) return [];
    const ranked =
      resource === 'memory' ? rankMemoryPressure(active, statsOf)
      : resource === 'pids' ? rankPIDPressure(active, statsOf)
      : rankDiskPressure(active, statsOf, diskMeasure(top.signal, this.d.dedicatedImageFs ?? false), resource === 'inodes' ? 'inodes' : 'ephemeral-storage');
    const pod = ranked[0];
    if (!pod) {
      if (!this.reportedNoVictim) this.d.log?.('eviction manager: unable to evict any pods from the node');
      this.reportedNoVictim = true;
      return [];
    }
    this.reportedNoVictim = false;
    return [this.evictPod(pod, evictionMessage(resource, pod, statsOf(pod), thresholdMetInfo(resource, met, observations)), true)];
  }

  /**
   * reclaimNodeLevelResources: deletes dead containers, then unused images, re-observes, and answers whether no
   * threshold is met any more (then no pod is evicted). A failing reclaim function is logged and the next runs.
   * containerd frees a removed container's or image's snapshot in its own garbage collection, moments after the
   * CRI call returns: when something was removed, re-observation is repeated every RECLAIM_SETTLE_POLL_MS for
   * up to RECLAIM_SETTLE_MS (upstream re-reads cAdvisor's figures, which lag the same way).
   */
  private async reclaimNodeLevelResources(resource: EvictionResource): Promise<boolean> {
    const reclaim = this.d.reclaim!;
    let removed = 0;
    for (const [name, fn] of [['containers', () => reclaim.deleteAllUnusedContainers()], ['images', () => reclaim.deleteUnusedImages()]] as const) {
      try {
        removed += await fn();
      } catch (err) {
        this.d.log?.(`eviction manager: unexpected error when attempting to reduce ${resource} pressure (${name}): ${(err as Error).message}`);
      }
    }
    const settle = removed > 0 && this.d.sleep ? (this.d.reclaimSettleMs ?? RECLAIM_SETTLE_MS) : 0;
    for (let waited = 0; ; waited += RECLAIM_SETTLE_POLL_MS) {
      const after = await this.d.observe();
      this.observations = after;
      if (thresholdsMet(this.d.thresholds, after).length === 0) break;
      if (waited >= settle) return false;
      await this.d.sleep!(RECLAIM_SETTLE_POLL_MS);
    }
    this.d.log?.(`eviction manager: able to reduce ${resource} pressure without evicting pods`);
    return true;
  }

  private evictPod(pod: Pod, message: string, disruptionTarget: boolean): Eviction {
    const eviction: Eviction = { pod, reason: 'Evicted', message, gracePeriodSeconds: IMMEDIATE_EVICTION_GRACE_SECONDS, disruptionTarget };
    this.evicted.add(pod.metadata.uid ?? '');
    this.d.evict(eviction);
    return eviction;
  }

  /** Forgets a pod that left the node. */
  forget(uid: string): void {
    this.evicted.delete(uid);
  }
}

function toleratesMemoryPressure(tolerations: Toleration[] | undefined): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== 'NoSchedule') return false;
    if (!t.key) return t.operator === 'Exists';
    return t.key === 'node.kubernetes.io/memory-pressure' && (t.operator === 'Exists' || !t.value);
  });
}

/** Runs `manager.synchronize` every `periodMs` until stopped; errors are logged, and each pass that evicts with its duration. */
export function startEvictionManager(manager: EvictionManager, options: { periodMs?: number; log?: (m: string) => void } = {}): { stop(): void; first: Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async (): Promise<void> => {
    try {
      const t0 = Date.now();
      const evicted = await manager.synchronize();
      if (evicted.length > 0) options.log?.(`eviction manager: pass evicted ${evicted.length} pods in ${Date.now() - t0} ms`);
    } catch (err) {
      options.log?.(`eviction manager: ${(err as Error).message}`);
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), options.periodMs ?? MONITORING_INTERVAL_MS);
      timer.unref?.();
    }
  };
  const first = tick();
  return {
    first,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

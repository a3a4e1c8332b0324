/**
 * The kubelet's eviction manager: every 10 s observes the eviction signals, derives the pressure conditions
 * (MemoryPressure, DiskPressure, PIDPressure, held for the pressure transition period after a threshold stops
 * being met), and under memory pressure evicts one pod at a time, ranked as upstream ranks them. It also
 * answers admission: under memory pressure a BestEffort pod that does not tolerate the memory-pressure taint is
 * refused with reason Evicted.
 *
 * Mirrors `pkg/kubelet/eviction/eviction_manager.go` (synchronize, Admit, IsUnderMemoryPressure ...) and
 * `helpers.go` (thresholdsMet, nodeConditions, nodeConditionsObservedSince). Disk and PID pressure are reported
 * but not acted on (upstream would first reclaim images and containers); only memory pressure evicts.
 */
import { formatBinarySI, formatDecimalSI } from '../../api/quantity.js';
import type { Pod, Toleration } from '../../api/types.js';
import type { PodStats } from '../stats/summary.js';
import { podQOSClass } from '../status/generate.js';
import { memoryEvictionMessage, rankMemoryPressure } from './ranking.js';
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

/** The threshold quantity as upstream prints it (Quantity.String of the parsed value, or of the percentage's bytes). */
export function thresholdText(t: Threshold, capacity: number): string {
  if ('quantity' in t.value) return /[KMGTPE]i$/.test(t.value.text) || /^\d+$/.test(t.value.text) ? formatBinarySI(t.value.quantity) : formatDecimalSI(t.value.quantity, 0);
  return formatBinarySI(thresholdQuantity(t.value, capacity));
}

/** What to do with one pod the manager chose: the status the pod worker gives it as it kills it. */
export interface Eviction {
  pod: Pod;
  reason: 'Evicted';
  message: string;
  gracePeriodSeconds: number;
}

/** Collaborators of {@link EvictionManager}. */
export interface EvictionManagerDeps {
  thresholds: readonly Threshold[];
  observe(): Promise<SignalObservations>;
  /** The pods admitted to this node that are not terminal (GetActivePods). */
  activePods(): Pod[];
  /** Per-pod stats (uid → stats) of pods with running containers. */
  podStats(): Promise<Map<string, PodStats>>;
  /** Kills the pod with the eviction status (killPodFunc): hands it to the pod worker and returns. */
  evict(e: Eviction): void;
  /** ms since the epoch. */
  now(): number;
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

  /** One pass: observe, update conditions, evict at most one pod. Returns the eviction made, if any. */
  async synchronize(): Promise<Eviction | undefined> {
    const observations = await this.d.observe();
    this.observations = observations;
    const met = thresholdsMet(this.d.thresholds, observations);
    const now = this.d.now();
    for (const t of met) this.lastObserved.set(CONDITION_OF[t.signal], now);
    const memory = met.find((t) => t.signal === 'memory.available');
    if (!memory) return undefined;
    const obs = observations['memory.available']!;
    const stats = await this.d.podStats();
    const ranked = rankMemoryPressure(
      this.d.activePods().filter((p) => !this.evicted.has(p.metadata.uid ?? '')),
      (p) => stats.get(p.metadata.uid ?? ''),
    );
    const pod = ranked[0];
    if (!pod) {
      if (!this.reportedNoVictim) this.d.log?.('eviction manager: unable to evict any pods from the node');
      this.reportedNoVictim = true;
      return undefined;
    }
    this.reportedNoVictim = false;
    const message = memoryEvictionMessage(pod, stats.get(pod.metadata.uid ?? ''), thresholdText(memory, obs.capacity), obs.available);
    const eviction: Eviction = { pod, reason: 'Evicted', message, gracePeriodSeconds: IMMEDIATE_EVICTION_GRACE_SECONDS };
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

/** Runs `manager.synchronize` every `periodMs` until stopped; errors are logged. */
export function startEvictionManager(manager: EvictionManager, options: { periodMs?: number; log?: (m: string) => void } = {}): { stop(): void; first: Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async (): Promise<void> => {
    try {
      await manager.synchronize();
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

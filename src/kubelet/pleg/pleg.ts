// The generic PLEG: relists the runtime's sandboxes and containers every period and reports pods whose runtime state changed.

import { goDuration } from '../../api/duration.js';
import { POD_UID_LABEL } from '../container/labels.js';
import type { RuntimeLister } from '../container/runtime.js';
import { realClock, type Clock } from '../../api/clock.js';

/** Options of {@link startPleg}. */
export interface PlegOptions {
  runtime: RuntimeLister;
  /** Called with the uid of every pod whose sandboxes or containers changed (started, died, appeared, vanished). */
  onPodChanged(uid: string): void;
  /** Relist period, ms (upstream 1 s). */
  periodMs?: number;
  /** Unhealthy when the last successful relist is older than this, ms (upstream RelistThreshold, 3 min). */
  relistThresholdMs?: number;
  /** Called after every successful relist (the runtime answered). */
  onRelisted?: () => void;
  /** Clock of the relist timer and of health ages (default the wall clock). */
  clock?: Clock;
  log?: (msg: string) => void;
}

/** A running PLEG. */
export interface Pleg {
  /** Resolves after the first relist attempt (successful or not). */
  first: Promise<void>;
  /**
   * GenericPLEG.Healthy: undefined when the last successful relist is within the threshold, else why not:
   * `pleg has yet to be successful` or `pleg was last seen active 3m5.2s ago; threshold is 3m0s`.
   */
  healthy(): string | undefined;
  stop(): void;
}

/**
 * Computes per-pod fingerprints (`id:state` of every sandbox and container carrying the pod uid label) and
 * returns the uids whose fingerprint differs between `prev` and `next` (pkg/kubelet/pleg/generic.go relist).
 */
export function diffFingerprints(prev: Map<string, string>, next: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [uid, fp] of next) if (prev.get(uid) !== fp) changed.push(uid);
  for (const uid of prev.keys()) if (!next.has(uid)) changed.push(uid);
  return changed;
}

/** Reads the runtime once and builds the per-pod fingerprints. */
export async function relist(runtime: RuntimeLister): Promise<Map<string, string>> {
  const [sandboxes, containers] = await Promise.all([runtime.listPodSandbox(), runtime.listContainers()]);
  const parts = new Map<string, string[]>();
  const add = (uid: string | undefined, s: string): void => {
    if (!uid) return;
    let l = parts.get(uid);
    if (!l) parts.set(uid, (l = []));
    l.push(s);
  };
  for (const s of sandboxes) add(s.labels[POD_UID_LABEL], `s/${s.id}:${s.state}`);
  for (const c of containers) add(c.labels[POD_UID_LABEL], `c/${c.id}:${c.state}`);
  const out = new Map<string, string>();
  for (const [uid, l] of parts) out.set(uid, l.sort().join(','));
  return out;
}

/** Starts relisting every period; errors are logged and the next relist tries again. */
export function startPleg(options: PlegOptions): Pleg {
  const clock = options.clock ?? realClock;
  const thresholdMs = options.relistThresholdMs ?? 180_000;
  let prev = new Map<string, string>();
  let stopped = false;
  let timer: unknown;
  let lastRelist = 0;
  const tick = async (): Promise<void> => {
    try {
      const next = await relist(options.runtime);
      lastRelist = clock.now();
      for (const uid of diffFingerprints(prev, next)) options.onPodChanged(uid);
      prev = next;
      options.onRelisted?.();
    } catch (err) {
      options.log?.(`PLEG relist: ${(err as Error).message}`);
    }
    if (!stopped) timer = clock.schedule(() => void tick(), options.periodMs ?? 1000);
  };
  const first = tick();
  return {
    first,
    healthy() {
      if (lastRelist === 0) return 'pleg has yet to be successful';
      const elapsed = clock.now() - lastRelist;
      if (elapsed > thresholdMs) return `pleg was last seen active ${goDuration(elapsed / 1000)} ago; threshold is ${goDuration(thresholdMs / 1000)}`;
      return undefined;
    },
    stop() {
      stopped = true;
      clock.cancel(timer);
    },
  };
}

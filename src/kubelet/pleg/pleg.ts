// The generic PLEG: relists CRI sandboxes and containers every period and reports pods whose runtime state changed.

import type { RuntimeService } from '../../cri/types.js';
import { POD_UID_LABEL } from '../kuberuntime/labels.js';

/** Options of {@link startPleg}. */
export interface PlegOptions {
  runtime: RuntimeService;
  /** Called with the uid of every pod whose sandboxes or containers changed (started, died, appeared, vanished). */
  onPodChanged(uid: string): void;
  /** Relist period, ms (upstream 1 s). */
  periodMs?: number;
  log?: (msg: string) => void;
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
export async function relist(runtime: RuntimeService): Promise<Map<string, string>> {
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

/** Starts relisting; returns a stop function. Errors are logged and the next relist tries again. */
export function startPleg(options: PlegOptions): () => void {
  let prev = new Map<string, string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    try {
      const next = await relist(options.runtime);
      for (const uid of diffFingerprints(prev, next)) options.onPodChanged(uid);
      prev = next;
    } catch (err) {
      options.log?.(`PLEG relist: ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), options.periodMs ?? 1000);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

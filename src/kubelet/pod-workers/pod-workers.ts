// One worker per pod UID driving it through syncing → terminating → terminated (pkg/kubelet/pod_workers.go).

import type { Pod } from '../../api/types.js';
import { realClock, type Clock } from '../../api/clock.js';

/** `backOffPeriod` (pkg/kubelet/kubelet.go): the wait after a failed sync, ms, before jitter. */
export const WORKER_BACKOFF_MS = 10_000;
/** `workerBackOffPeriodJitterFactor` and `workerResyncIntervalJitterFactor` (pod_workers.go). */
export const WORKER_JITTER_FACTOR = 0.5;

/** `wait.Jitter`: `ms` plus a random extra of up to `factor × ms`; `random` returns [0, 1). */
export function jitter(ms: number, factor: number, random: () => number = Math.random): number {
  return ms + random() * factor * ms;
}

/** Options of {@link PodWorkers}. */
export interface PodWorkersOptions {
  /** Periodic resync of a healthy pod, ms (upstream `--sync-frequency`, 1 min; jittered by up to 50 %). */
  resyncMs: number;
  /** Wait after a failed sync before the next attempt, ms (default 10 s; jittered by up to 50 %). */
  backOffMs?: number;
  /** Clock and timers (default: the wall clock). */
  timers?: Clock;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
  log?: (msg: string) => void;
}

/** The lifecycle of a pod on this node, in upstream's words. */
export type PodWorkState =
  | { kind: 'syncing' }
  | { kind: 'terminating' }
  | { kind: 'terminated'; cleanedUp: boolean };

/** What a worker calls; each call is idempotent and may be retried. */
export interface PodSyncer {
  /**
   * Makes the pod run; `terminal` when no container will run again; `requeueAfterMs` asks for an early re-sync.
   * Throws when the sync failed (the worker backs off); an error with a numeric `retryBeforeMs` caps that wait.
   */
  syncPod(pod: Pod): Promise<{ terminal: boolean; requeueAfterMs: number }>;
  /** Stops every container and the sandbox, writes the final status. `deleted`: deletion was requested. */
  syncTerminatingPod(pod: Pod, deleted: boolean): Promise<void>;
  /** Releases resources of a stopped pod; when `deleted`, removes it from the runtime and the API. */
  syncTerminatedPod(pod: Pod, deleted: boolean, removedFromApi: boolean): Promise<void>;
}

interface Worker {
  pod: Pod;
  removed: boolean;
  state: PodWorkState;
  running: boolean;
  pending: boolean;
  timer: unknown;
  /** Until when (ms) the worker is in error back-off: wake-ups before then do not start a sync. */
  backOffUntil: number;
  /** A changed pod arrived while a sync ran: the follow-up pass ignores back-off. */
  changedWhileRunning: boolean;
}

function assertNever(x: never): never {
  throw new Error(`unexpected state ${JSON.stringify(x)}`);
}

/**
 * Keeps only the latest desired pod per UID and runs at most one sync per pod at a time; updates arriving
 * during a sync coalesce into one more pass. Syncs repeat every `resyncMs` (or earlier when asked) and on
 * `wake` (PLEG). A sync that throws puts the worker in back-off (pod_workers.go `completeWork`: requeue after
 * `wait.Jitter(backOffPeriod, 0.5)`), during which PLEG wake-ups are ignored; only a changed pod (`update`
 * with `changed`) starts a sync earlier. A pod whose deletion finished is remembered so late events do not
 * resurrect it.
 */
export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private readonly finished = new Set<string>();
  private stopped = false;

  private readonly resyncMs: number;
  private readonly backOffMs: number;
  private readonly timers: Clock;
  private readonly random: () => number;
  private readonly log: (msg: string) => void;

  constructor(
    private readonly syncer: PodSyncer,
    options: PodWorkersOptions,
  ) {
    this.resyncMs = options.resyncMs;
    this.backOffMs = options.backOffMs ?? WORKER_BACKOFF_MS;
    this.timers = options.timers ?? realClock;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => {});
  }

  /**
   * Delivers the latest desired pod; `removed` when the API object is gone. `changed` (default true) says the
   * pod differs semantically from the last one (spec, labels, annotations, deletion): that syncs now, ending
   * any back-off. A status-only change (`changed` false) only replaces the stored copy (the config source's
   * RECONCILE, which never triggers a sync).
   */
  update(pod: Pod, removed = false, changed = true): void {
    const uid = pod.metadata.uid ?? '';
    if (this.stopped) return;
    if (this.finished.has(uid)) {
      // The API object is gone: no later event can name this uid, so it need not be remembered any more.
      if (removed) this.finished.delete(uid);
      return;
    }
    let w = this.workers.get(uid);
    if (!w) {
      w = { pod, removed, state: { kind: 'syncing' }, running: false, pending: false, timer: undefined, backOffUntil: 0, changedWhileRunning: false };
      this.workers.set(uid, w);
      changed = true;
    }
    w.pod = pod;
    w.removed = w.removed || removed;
    if (!changed && !removed) return;
    w.backOffUntil = 0;
    if (w.running) w.changedWhileRunning = true;
    this.kick(uid);
  }

  /** Asks for a sync of `uid` now (PLEG event); ignored for unknown pods and while the pod is in back-off. */
  wake(uid: string): void {
    const w = this.workers.get(uid);
    if (!w || this.timers.now() < w.backOffUntil) return;
    this.kick(uid);
  }

  /**
   * Syncs every pod now, ending error back-offs (the kubelet calls it when its container runtime is back: the
   * syncs that failed meanwhile were no fault of the pods).
   */
  syncAll(): void {
    for (const [uid, w] of this.workers) {
      w.backOffUntil = 0;
      this.kick(uid);
    }
  }

  /** Until when (ms since the epoch) pod `uid` is in error back-off; 0 when it is not. */
  backOffUntil(uid: string): number {
    const w = this.workers.get(uid);
    return w && w.backOffUntil > this.timers.now() ? w.backOffUntil : 0;
  }

  /** The state of pod `uid`, if it has a worker. */
  state(uid: string): PodWorkState | undefined {
    return this.workers.get(uid)?.state;
  }

  /** UIDs with a worker. */
  known(): string[] {
    return [...this.workers.keys()];
  }

  /** True when `uid` finished deletion here and its API object's removal has not arrived yet. */
  isFinished(uid: string): boolean {
    return this.finished.has(uid);
  }

  /** Stops scheduling; running syncs finish on their own. */
  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) this.timers.cancel(w.timer);
  }

  private kick(uid: string): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (w.running) {
      w.pending = true;
      return;
    }
    this.timers.cancel(w.timer);
    w.timer = undefined;
    w.running = true;
    void this.run(uid, w).finally(() => {
      w.running = false;
      if (w.pending && this.workers.get(uid) === w) {
        w.pending = false;
        const changed = w.changedWhileRunning;
        w.changedWhileRunning = false;
        if (!changed && this.timers.now() < w.backOffUntil) return;
        if (changed) w.backOffUntil = 0;
        this.kick(uid);
      }
    });
  }

  private later(uid: string, w: Worker, ms: number): void {
    if (this.stopped) return;
    this.timers.cancel(w.timer);
    w.timer = this.timers.schedule(() => {
      w.timer = undefined;
      this.kick(uid);
    }, ms);
  }

  private async run(uid: string, w: Worker): Promise<void> {
    for (let guard = 0; guard < 10; guard++) {
      const pod = w.pod;
      const deleted = w.removed || pod.metadata.deletionTimestamp !== undefined;
      try {
        switch (w.state.kind) {
          case 'syncing': {
            if (deleted) {
              w.state = { kind: 'terminating' };
              continue;
            }
            const r = await this.syncer.syncPod(pod);
            if (r.terminal) {
              w.state = { kind: 'terminating' };
              continue;
            }
            w.backOffUntil = 0;
            const resync = jitter(this.resyncMs, WORKER_JITTER_FACTOR, this.random);
            this.later(uid, w, r.requeueAfterMs > 0 ? Math.min(r.requeueAfterMs, resync) : resync);
            return;
          }
          case 'terminating':
            await this.syncer.syncTerminatingPod(pod, deleted);
            w.state = { kind: 'terminated', cleanedUp: false };
            continue;
          case 'terminated':
            if (w.state.cleanedUp && !deleted) return;
            await this.syncer.syncTerminatedPod(pod, deleted, w.removed);
            w.state = { kind: 'terminated', cleanedUp: true };
            if (deleted) {
              this.workers.delete(uid);
              // Remembered until the API object's removal arrives (SyncKnownPods forgets it then upstream).
              if (!w.removed) this.finished.add(uid);
            }
            return;
          default:
            assertNever(w.state);
        }
      } catch (err) {
        this.log(`sync pod ${pod.metadata.namespace}/${pod.metadata.name} (${w.state.kind}): ${(err as Error).message}`);
        let wait = jitter(this.backOffMs, WORKER_JITTER_FACTOR, this.random);
        const before = (err as { retryBeforeMs?: unknown }).retryBeforeMs;
        if (typeof before === 'number' && before > 0) wait = Math.min(wait, before);
        w.backOffUntil = this.timers.now() + wait;
        this.later(uid, w, wait);
        return;
      }
    }
  }
}

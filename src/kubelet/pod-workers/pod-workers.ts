// One worker per pod UID driving it through syncing → terminating → terminated (pkg/kubelet/pod_workers.go).

import type { Pod } from '../../api/types.js';

/** The lifecycle of a pod on this node, in upstream's words. */
export type PodWorkState =
  | { kind: 'syncing' }
  | { kind: 'terminating' }
  | { kind: 'terminated'; cleanedUp: boolean };

/** What a worker calls; each call is idempotent and may be retried. */
export interface PodSyncer {
  /** Makes the pod run; `terminal` when no container will run again; `requeueAfterMs` asks for an early re-sync. */
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
  timer: NodeJS.Timeout | undefined;
}

function assertNever(x: never): never {
  throw new Error(`unexpected state ${JSON.stringify(x)}`);
}

/**
 * Keeps only the latest desired pod per UID and runs at most one sync per pod at a time; updates arriving
 * during a sync coalesce into one more pass. Syncs repeat every `resyncMs` (or earlier when asked) and on
 * `wake` (PLEG). A pod whose deletion finished is remembered so late events do not resurrect it.
 */
export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private readonly finished = new Set<string>();
  private stopped = false;

  constructor(
    private readonly syncer: PodSyncer,
    private readonly resyncMs: number,
    private readonly log: (msg: string) => void = () => {},
    private readonly errorRetryMs = 5_000,
  ) {}

  /** Delivers the latest desired pod; `removed` when the API object is gone. */
  update(pod: Pod, removed = false): void {
    const uid = pod.metadata.uid ?? '';
    if (this.stopped || this.finished.has(uid)) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { pod, removed, state: { kind: 'syncing' }, running: false, pending: false, timer: undefined };
      this.workers.set(uid, w);
    }
    w.pod = pod;
    w.removed = w.removed || removed;
    this.kick(uid);
  }

  /** Asks for a sync of `uid` now (PLEG event); ignored for unknown pods. */
  wake(uid: string): void {
    if (this.workers.has(uid)) this.kick(uid);
  }

  /** The state of pod `uid`, if it has a worker. */
  state(uid: string): PodWorkState | undefined {
    return this.workers.get(uid)?.state;
  }

  /** UIDs with a worker. */
  known(): string[] {
    return [...this.workers.keys()];
  }

  /** True when `uid` finished deletion here. */
  isFinished(uid: string): boolean {
    return this.finished.has(uid);
  }

  /** Stops scheduling; running syncs finish on their own. */
  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) clearTimeout(w.timer);
  }

  private kick(uid: string): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (w.running) {
      w.pending = true;
      return;
    }
    clearTimeout(w.timer);
    w.timer = undefined;
    w.running = true;
    void this.run(uid, w).finally(() => {
      w.running = false;
      if (w.pending && this.workers.get(uid) === w) {
        w.pending = false;
        this.kick(uid);
      }
    });
  }

  private later(uid: string, w: Worker, ms: number): void {
    if (this.stopped) return;
    clearTimeout(w.timer);
    w.timer = setTimeout(() => this.kick(uid), ms);
    w.timer.unref?.();
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
            this.later(uid, w, r.requeueAfterMs > 0 ? Math.min(r.requeueAfterMs, this.resyncMs) : this.resyncMs);
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
              this.finished.add(uid);
            }
            return;
          default:
            assertNever(w.state);
        }
      } catch (err) {
        this.log(`sync pod ${pod.metadata.namespace}/${pod.metadata.name} (${w.state.kind}): ${(err as Error).message}`);
        this.later(uid, w, this.errorRetryMs);
        return;
      }
    }
  }
}

// The cache of probe results per container instance that the status side reads (pkg/kubelet/prober/results/results_manager.go).

/** A probe's settled outcome; absent (undefined) = not known yet (upstream `Unknown`). */
export type Result = 'success' | 'failure';

/**
 * Latest result per container ID for one probe type (the prober keeps one manager for liveness, readiness and
 * startup each). Single writer: only that container's probe worker calls {@link ResultsManager.set} and
 * {@link ResultsManager.remove}; the pod worker and status generation read through the prober manager.
 */
export class ResultsManager {
  private readonly cache = new Map<string, Result>();

  /** The cached result of container `containerId`, or undefined when none is known. */
  get(containerId: string): Result | undefined {
    return this.cache.get(containerId);
  }

  /** Caches `result` for `containerId`; returns true when it differs from the cached one (the caller then wakes the pod). */
  set(containerId: string, result: Result | undefined): boolean {
    const changed = this.cache.get(containerId) !== result;
    if (result === undefined) this.cache.delete(containerId);
    else this.cache.set(containerId, result);
    return changed;
  }

  /** Forgets `containerId` (its worker stopped). */
  remove(containerId: string): void {
    this.cache.delete(containerId);
  }

  /** Forgets every container (the prober stopped). */
  clear(): void {
    this.cache.clear();
  }
}

// The single writer of pods/status (pkg/kubelet/status/status_manager.go): writes on change, retries on conflict.

import { isConflict, isNotFound } from '../../api/errors.js';
import type { Pod, PodCondition, PodStatus } from '../../api/types.js';
import type { ApiClient } from '../../client/types.js';
import { RESOURCES, resourcePath } from '../../api/paths.js';

const OWNED = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
/** Conditions the kubelet shares with the control plane (DisruptionTarget). */
const SHARED = new Set(['DisruptionTarget']);
const MAX_ATTEMPTS = 5;

function podPath(ns: string, name: string): string {
  return resourcePath(RESOURCES.pods, { namespace: ns, name });
}

/**
 * Merges the kubelet's status into the API pod's current status: keeps conditions the kubelet does not own
 * (readiness gates) from the server copy, and never leaves a terminal phase. DisruptionTarget is shared
 * (PodConditionSharedByKubelet): the kubelet's own (an eviction) replaces the server's, else the server's stays.
 */
export function mergePodStatus(current: PodStatus | undefined, desired: PodStatus): PodStatus {
  const out: PodStatus = structuredClone(desired);
  const shared = (desired.conditions ?? []).filter((c) => SHARED.has(c.type));
  const foreign: PodCondition[] = (current?.conditions ?? []).filter((c) => !OWNED.has(c.type) && !shared.some((x) => x.type === c.type));
  out.conditions = [...(desired.conditions ?? []).filter((c) => OWNED.has(c.type)), ...foreign, ...shared];
  const cur = current?.phase;
  if ((cur === 'Succeeded' || cur === 'Failed') && out.phase !== cur) out.phase = cur;
  return out;
}

/**
 * Keeps the last status the kubelet computed for each pod and writes it to `PUT .../pods/<name>/status`
 * when it differs from what was last written. Conflicts re-GET the pod and retry; a pod that is gone (or
 * replaced by a new uid) is forgotten. Writes for one pod are serialized.
 */
export class StatusManager {
  private readonly written = new Map<string, string>();
  private readonly cached = new Map<string, PodStatus>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly client: ApiClient,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  /** Records `status` for `pod` and writes it if it changed. Resolves when the write finished (never throws). */
  setPodStatus(pod: Pod, status: PodStatus): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    this.cached.set(uid, status);
    const body = JSON.stringify(status);
    if (this.written.get(uid) === body) return this.queues.get(uid) ?? Promise.resolve();
    const prev = this.queues.get(uid) ?? Promise.resolve();
    const next = prev.then(() => this.write(pod, status, body));
    this.queues.set(uid, next);
    return next;
  }

  private async write(pod: Pod, status: PodStatus, body: string): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    if (this.written.get(uid) === body) return;
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        const current = await this.client.get<Pod>(podPath(ns, name));
        if (current.metadata.uid !== uid) return;
        const merged = mergePodStatus(current.status, status);
        await this.client.update<Pod>(`${podPath(ns, name)}/status`, { ...current, status: merged });
        this.written.set(uid, body);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) {
          this.log(`update status of pod ${ns}/${name}: ${(err as Error).message}`);
          return;
        }
      }
    }
  }

  /** The status last computed for `uid` (the "old status" of the next generation), or undefined. */
  getCached(uid: string): PodStatus | undefined {
    return this.cached.get(uid);
  }

  /** The status last written for `uid`, as JSON, or undefined. */
  lastWritten(uid: string): string | undefined {
    return this.written.get(uid);
  }

  /**
   * Deletes the API object once the kubelet has finished with it (`DELETE` grace 0 with a uid precondition),
   * after pending status writes. NotFound/Conflict mean it is already gone or replaced.
   */
  async deletePod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    await (this.queues.get(uid) ?? Promise.resolve());
    try {
      await this.client.delete(podPath(pod.metadata.namespace ?? 'default', pod.metadata.name ?? ''), {
        gracePeriodSeconds: 0,
        preconditions: { uid },
      });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) this.log(`delete pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`);
    }
  }

  /** Forgets `uid`. */
  forget(uid: string): void {
    this.written.delete(uid);
    this.cached.delete(uid);
    this.queues.delete(uid);
  }
}

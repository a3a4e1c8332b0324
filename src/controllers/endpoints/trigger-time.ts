/**
 * The `endpoints.kubernetes.io/last-change-trigger-time` value of a sync: the earliest change (a pod's Ready
 * transition, the Service's creation) not yet reflected, or the Service's creation time the first time it
 * is synced.
 *
 * Mirrors k8s.io/endpointslice `util/trigger_time_tracker.go` (ComputeEndpointLastChangeTriggerTime). As
 * upstream, several changes of one object between two syncs count as one.
 */
import { parseTime } from '../../api/meta.js';
import type { Service } from '../../api/services.js';
import type { Pod } from '../../api/types.js';

interface ServiceState {
  serviceTime: number | undefined;
  podTimes: Map<string, number>;
}

/** RFC 3339 with the fraction Go's RFC3339Nano prints: trailing zeros trimmed, none for whole seconds. */
export function formatRFC3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

function podTriggerTime(pod: Pod): number | undefined {
  const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
  return parseTime(ready?.lastTransitionTime);
}

/** One tracker a controller; keys are `namespace/name` of Services. */
export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /** The annotation value for a sync of `svc` with the pods it selects (undefined: drop the annotation). */
  compute(key: string, svc: Service, pods: readonly Pod[]): string | undefined {
    const state = this.states.get(key);
    let min: number | undefined;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = podTriggerTime(pod);
      if (t === undefined) continue;
      podTimes.set(pod.metadata.name ?? '', t);
      const before = state?.podTimes.get(pod.metadata.name ?? '');
      if (before === undefined || t > before) min = min === undefined ? t : Math.min(min, t);
    }
    const serviceTime = parseTime(svc.metadata.creationTimestamp);
    if (serviceTime !== undefined && (state?.serviceTime === undefined || serviceTime > state.serviceTime)) {
      min = min === undefined ? serviceTime : Math.min(min, serviceTime);
    }
    this.states.set(key, { serviceTime, podTimes });
    if (!state) return serviceTime === undefined ? undefined : formatRFC3339Nano(serviceTime);
    return min === undefined ? undefined : formatRFC3339Nano(min);
  }

  /** Forgets a deleted Service. */
  delete(key: string): void {
    this.states.delete(key);
  }
}

// The kubelet's activeDeadlineSeconds rule (pkg/kubelet/active_deadline.go `activeDeadlineHandler`).

import type { Pod } from '../../api/types.js';

/** `reason` of the status (and of the event) of a pod failed by its deadline. */
export const DEADLINE_EXCEEDED_REASON = 'DeadlineExceeded';
/** `message` of that status and event (upstream's wording). */
export const DEADLINE_EXCEEDED_MESSAGE = 'Pod was active on the node longer than the specified deadline';

/**
 * Ms left until `pod` passes `spec.activeDeadlineSeconds`, counted from `startTime` (RFC 3339, the status's
 * startTime); undefined when the pod has no deadline or no start time. Zero or negative once it has passed.
 */
export function activeDeadlineRemainingMs(pod: Pod, startTime: string | undefined, now: number): number | undefined {
  const ads = pod.spec.activeDeadlineSeconds;
  if (ads === undefined || ads === null || !startTime) return undefined;
  const start = Date.parse(startTime);
  if (Number.isNaN(start)) return undefined;
  return start + ads * 1000 - now;
}

/** `pastActiveDeadline`: true when `now - startTime >= activeDeadlineSeconds` (ShouldSync / ShouldEvict). */
export function pastActiveDeadline(pod: Pod, startTime: string | undefined, now: number): boolean {
  const left = activeDeadlineRemainingMs(pod, startTime, now);
  return left !== undefined && left <= 0;
}

/**
 * Whether a container has logs to serve yet, from the pod's status: the kubelet's answer to a log request
 * for a container that has not started (or has no previous run).
 *
 * Mirrors kubelet `pkg/kubelet/kubelet_pods.go` validateContainerLogStatus, with its messages.
 */
import type { Pod } from '../../api/types.js';

/**
 * Returns undefined when `container` of `pod` has logs for this request (running, terminated, or with a
 * previous termination; `previous` needs a last terminated state with a containerID), else the kubelet's
 * 400 message: `container "c" in pod "p" is waiting to start: ContainerCreating` (no status yet),
 * `...: image can't be pulled` (ErrImagePull), `...: trying and failing to pull image` (ImagePullBackOff),
 * `...: <reason>` (other waiting reasons), `... is waiting to start - no logs yet` (no state), or
 * `previous terminated container "c" in pod "p" not found`.
 */
export function containerLogStatusError(pod: Pod, container: string, previous: boolean): string | undefined {
  const podName = pod.metadata.name ?? '';
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  const cs = statuses.find((s) => s.name === container);
  const waiting = `container "${container}" in pod "${podName}" is waiting to start`;
  if (!cs) return `${waiting}: ContainerCreating`;
  if (previous) {
    return cs.lastState?.terminated?.containerID ? undefined : `previous terminated container "${container}" in pod "${podName}" not found`;
  }
  const st = cs.state ?? {};
  if (st.running || st.terminated || cs.lastState?.terminated) return undefined;
  if (st.waiting) {
    const reason = st.waiting.reason ?? '';
    if (reason === 'ErrImagePull') return `${waiting}: image can't be pulled`;
    if (reason === 'ImagePullBackOff') return `${waiting}: trying and failing to pull image`;
    return `${waiting}: ${reason}`;
  }
  return `${waiting} - no logs yet`;
}

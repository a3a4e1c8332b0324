// The pod phase from container statuses (kubelet_pods.go `getPhase`).

import type { ContainerStatus, Pod, PodPhase } from '../../api/types.js';

function isSidecar(pod: Pod, name: string): boolean {
  return (pod.spec.initContainers ?? []).some((c) => c.name === name && c.restartPolicy === 'Always');
}

/**
 * Computes the phase of `pod` from its API container statuses (`getPhase`).
 * `podIsTerminal`: the kubelet decided no container will run again (deletion or nothing to restart);
 * `podHasInitialized`: some regular container of the current sandbox was created.
 */
export function getPhase(
  pod: Pod,
  initStatuses: ContainerStatus[],
  statuses: ContainerStatus[],
  podIsTerminal: boolean,
  podHasInitialized: boolean,
): PodPhase {
  const policy = pod.spec.restartPolicy ?? 'Always';
  let pendingRegularInit = 0;
  let failedInit = 0;
  let pendingSidecar = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  let unknown = 0;

  for (const c of pod.spec.initContainers ?? []) {
    const s = initStatuses.find((x) => x.name === c.name);
    const sidecar = isSidecar(pod, c.name);
    if (!s) {
      if (sidecar) unknown++;
      else pendingRegularInit++;
      continue;
    }
    const st = s.state ?? {};
    if (sidecar) {
      if (st.running) {
        running++;
        if (!s.started) pendingSidecar++;
      } else if (st.terminated || (st.waiting && s.lastState?.terminated)) {
        // a terminated sidecar is ignored entirely
      } else if (st.waiting) {
        pendingSidecar++;
        waiting++;
      } else {
        pendingSidecar++;
        unknown++;
      }
      continue;
    }
    if (st.running) pendingRegularInit++;
    else if (st.terminated) {
      if (st.terminated.exitCode !== 0) failedInit++;
    } else if (st.waiting) {
      if (s.lastState?.terminated && s.lastState.terminated.exitCode !== 0) failedInit++;
      else pendingRegularInit++;
    } else pendingRegularInit++;
  }

  for (const c of pod.spec.containers) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s) {
      unknown++;
      continue;
    }
    const st = s.state ?? {};
    if (st.running) running++;
    else if (st.terminated) {
      stopped++;
      if (st.terminated.exitCode === 0) succeeded++;
    } else if (st.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }

  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingRegularInit > 0 || (pendingSidecar > 0 && !podHasInitialized) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

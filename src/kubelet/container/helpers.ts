// Runtime-neutral container helpers (pkg/kubelet/container helpers.go): hashing, sidecars, restart decisions.

import { createHash } from 'node:crypto';
import type { Container, Pod } from '../../api/types.js';
import { findContainerStatus, type RuntimePodStatus } from './runtime.js';

/**
 * The container hash: covers name and image only, as upstream `HashContainer` does today, so that only an image
 * change restarts a running container. Hex string.
 */
export function hashContainer(container: Container): string {
  return createHash('sha256')
    .update(JSON.stringify({ name: container.name, image: container.image ?? '' }))
    .digest('hex')
    .slice(0, 8);
}

/** True for a native sidecar (`initContainers[].restartPolicy: Always`). */
export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/** `shouldRestartOnFailure`: restartPolicy is not Never. */
export function shouldRestartOnFailure(pod: Pod): boolean {
  return (pod.spec.restartPolicy ?? 'Always') !== 'Never';
}

/**
 * `PodSandboxChanged`: a new sandbox is needed when there is none, when more than one is ready, when the newest
 * is not ready, or when it has no IP (non-host-network pods). Returns [changed, attempt, sandboxId].
 */
export function podSandboxChanged(pod: Pod, status: RuntimePodStatus): [boolean, number, string] {
  const newest = status.sandboxes[0];
  if (!newest) return [true, 0, ''];
  const ready = status.sandboxes.filter((s) => s.ready).length;
  if (ready > 1 || !newest.ready) return [true, newest.attempt + 1, newest.id];
  if (!pod.spec.hostNetwork && !newest.ip) return [true, newest.attempt + 1, newest.id];
  return [false, newest.attempt, newest.id];
}

/** `ShouldContainerBeRestarted` (pkg/kubelet/container/helpers.go). */
export function shouldContainerBeRestarted(container: Container, pod: Pod, status: RuntimePodStatus): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const s = findContainerStatus(status, container.name);
  if (!s) return true;
  if (s.state === 'running') return false;
  if (s.state === 'unknown' || s.state === 'created') return true;
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && s.exitCode === 0) return false;
  return true;
}

/** `hasAnyRegularContainerCreated`: some regular container is created or running in the runtime. */
export function hasAnyRegularContainerCreated(pod: Pod, status: RuntimePodStatus): boolean {
  return pod.spec.containers.some((c) => {
    const s = findContainerStatus(status, c.name);
    return s !== undefined && (s.state === 'created' || s.state === 'running');
  });
}

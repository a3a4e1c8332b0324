// CRI labels and annotations the kubelet writes on sandboxes and containers, and their parsing back (restart safety).

import { createHash } from 'node:crypto';
import type { Container, Pod } from '../../api/types.js';

/** Label keys (kubelet `pkg/kubelet/types/labels.go`). */
export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';

/** Annotation keys (kubelet `pkg/kubelet/kuberuntime/labels.go`). */
export const CONTAINER_HASH_ANNOTATION = 'io.kubernetes.container.hash';
export const CONTAINER_RESTART_COUNT_ANNOTATION = 'io.kubernetes.container.restartCount';
export const TERMINATION_MESSAGE_PATH_ANNOTATION = 'io.kubernetes.container.terminationMessagePath';
export const TERMINATION_MESSAGE_POLICY_ANNOTATION = 'io.kubernetes.container.terminationMessagePolicy';
export const POD_TERMINATION_GRACE_PERIOD_ANNOTATION = 'io.kubernetes.pod.terminationGracePeriod';
export const CONTAINER_PRESTOP_ANNOTATION = 'io.kubernetes.container.preStopHandler';

/** Labels of a pod sandbox: the pod's own labels plus name, namespace and uid (`newPodLabels`). */
export function sandboxLabels(pod: Pod): Record<string, string> {
  return {
    ...(pod.metadata.labels ?? {}),
    [POD_NAME_LABEL]: pod.metadata.name ?? '',
    [POD_NAMESPACE_LABEL]: pod.metadata.namespace ?? '',
    [POD_UID_LABEL]: pod.metadata.uid ?? '',
  };
}

/** Labels of a container (`newContainerLabels`). */
export function containerLabels(pod: Pod, container: Container): Record<string, string> {
  return {
    [POD_NAME_LABEL]: pod.metadata.name ?? '',
    [POD_NAMESPACE_LABEL]: pod.metadata.namespace ?? '',
    [POD_UID_LABEL]: pod.metadata.uid ?? '',
    [CONTAINER_NAME_LABEL]: container.name,
  };
}

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

/** Annotations of a container (`newContainerAnnotations`). */
export function containerAnnotations(pod: Pod, container: Container, restartCount: number): Record<string, string> {
  const a: Record<string, string> = {
    [CONTAINER_HASH_ANNOTATION]: hashContainer(container),
    [CONTAINER_RESTART_COUNT_ANNOTATION]: String(restartCount),
    [TERMINATION_MESSAGE_PATH_ANNOTATION]: container.terminationMessagePath ?? '/dev/termination-log',
    [TERMINATION_MESSAGE_POLICY_ANNOTATION]: container.terminationMessagePolicy ?? 'File',
  };
  if (pod.spec.terminationGracePeriodSeconds !== undefined) {
    a[POD_TERMINATION_GRACE_PERIOD_ANNOTATION] = String(pod.spec.terminationGracePeriodSeconds);
  }
  if (container.lifecycle?.preStop) a[CONTAINER_PRESTOP_ANNOTATION] = JSON.stringify(container.lifecycle.preStop);
  return a;
}

/** Integer annotation value, `fallback` when missing or malformed. */
export function intAnnotation(annotations: Record<string, string>, key: string, fallback: number): number {
  const v = annotations[key];
  if (v === undefined) return fallback;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : fallback;
}

// The CRI labels and annotations the kubelet writes on sandboxes and containers (kuberuntime labels.go `newPodLabels`...).

import type { Container, Pod } from '../../api/types.js';
import {
  CONTAINER_HASH_ANNOTATION,
  CONTAINER_NAME_LABEL,
  CONTAINER_PRESTOP_ANNOTATION,
  CONTAINER_RESTART_COUNT_ANNOTATION,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
  POD_TERMINATION_GRACE_PERIOD_ANNOTATION,
  POD_UID_LABEL,
  TERMINATION_MESSAGE_PATH_ANNOTATION,
  TERMINATION_MESSAGE_POLICY_ANNOTATION,
} from '../container/labels.js';
import { hashContainer } from '../container/helpers.js';

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

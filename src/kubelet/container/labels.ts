// CRI label and annotation keys the kubelet writes on sandboxes and containers, and their parsing back (restart safety).

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

/** Integer annotation value, `fallback` when missing or malformed. */
export function intAnnotation(annotations: Record<string, string>, key: string, fallback: number): number {
  const v = annotations[key];
  if (v === undefined) return fallback;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : fallback;
}

/** Pod identity recovered from sandbox labels (used to find orphans after a restart). */
export function podIdentityFromLabels(labels: Record<string, string>): { uid: string; name: string; namespace: string } | undefined {
  const uid = labels[POD_UID_LABEL];
  if (!uid) return undefined;
  return { uid, name: labels[POD_NAME_LABEL] ?? '', namespace: labels[POD_NAMESPACE_LABEL] ?? '' };
}

/**
 * Admission warnings about pod specs, for the strategies of Pods and of the workloads that carry a pod template
 * (Deployments, ReplicaSets): when each kind asks, and where its pod spec is. The check itself is injected
 * (k1s: src/lint's multi-container lint, wired in cli/server.ts), so the registry stays api-only.
 */
import type { Pod, PodSpec } from '../api/types.js';
import type { PodTemplateSpec } from '../api/workloads.js';
import type { Strategy } from './strategy.js';

/**
 * A pure check of one pod spec: warning texts, each starting with a field path under `fieldPath` (`spec` for a Pod,
 * `spec.template.spec` for a template). Must not throw; `[]` when the spec is fine.
 */
export type PodSpecWarnings = (spec: PodSpec, fieldPath: string) => string[];

/** A workload whose pod template is at `spec.template` and whose generation counts spec changes. */
interface TemplateWorkload {
  metadata: { generation?: number };
  spec?: { template?: PodTemplateSpec };
}

/**
 * Pods: the spec's warnings on create and on every update of the pod, as kube-apiserver's podStrategy gives
 * `GetWarningsForPod` in WarningsOnCreate and WarningsOnUpdate.
 */
export function podSpecWarningsOfPod(check: PodSpecWarnings): (pod: Pod, old: Pod | undefined) => string[] {
  return (pod) => (pod.spec ? check(pod.spec, 'spec') : []);
}

/**
 * Deployments and ReplicaSets: the template's warnings on create, and on an update only when the generation moved
 * (the spec changed), as kube-apiserver's deployment and replicaset strategies call `GetWarningsForPodTemplate`.
 */
export function podSpecWarningsOfTemplate<T extends TemplateWorkload>(check: PodSpecWarnings): (obj: T, old: T | undefined) => string[] {
  return (obj, old) => {
    const spec = obj.spec?.template?.spec;
    if (!spec || (old && obj.metadata.generation === old.metadata.generation)) return [];
    return check(spec, 'spec.template.spec');
  };
}

/**
 * `strategies` with `warnings` from `check` on pods, deployments, replicasets and replicationcontrollers (matched by group and resource);
 * the others unchanged. The strategies given are not modified.
 */
export function withPodSpecWarnings(strategies: Strategy[], check: PodSpecWarnings): Strategy[] {
  // Each strategy is handed objects of its own resource only, so the typed hooks may take them as that kind.
  type Hook = NonNullable<Strategy['warnings']>;
  return strategies.map((s): Strategy => {
    const { group, resource } = s.info;
    if (group === '' && resource === 'pods') return { ...s, warnings: podSpecWarningsOfPod(check) as unknown as Hook };
    if ((group === 'apps' && (resource === 'deployments' || resource === 'replicasets')) || (group === '' && resource === 'replicationcontrollers')) {
      return { ...s, warnings: podSpecWarningsOfTemplate(check) as unknown as Hook };
    }
    return s;
  });
}

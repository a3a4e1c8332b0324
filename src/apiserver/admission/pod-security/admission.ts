/**
 * The PodSecurity admission plugin: pods are judged against their namespace's enforce level (a 403 `violates
 * PodSecurity "<level>:<version>": …`) and warn level (a `would violate PodSecurity …` warning); workloads
 * (Deployments, ReplicaSets, ReplicationControllers...) get the warning for their pod template; namespace labels must be valid, and raising a namespace's
 * enforce level warns about the existing pods that would now be refused.
 *
 * Mirrors k8s.io/pod-security-admission `admission/admission.go` at v0.32 with kube-apiserver's default configuration
 * (defaults privileged:latest, no exemptions): ValidatePod (pod updates only when an image or the container count
 * changes), ValidatePodController, ValidateNamespace and EvaluatePodsInNamespace (pods grouped by their reasons, the
 * lexically first named, `(and N other pods)`). The audit level is parsed, not recorded (k1s keeps no audit log).
 */
import { invalid } from '../../../api/errors.js';
import type { KubeObject, Pod, PodSpec } from '../../../api/types.js';
import type { AdmissionAttributes } from '../../resource-handler.js';
import { admissionForbidden } from '../forbidden.js';
import { evaluatePod, forbiddenDetail, forbiddenReason, type PodLike } from './checks.js';
import { compareLevels, effectiveMinor, levelVersionString, policyFromLabels, sameLevelVersion, type LevelVersion } from './policy.js';

/** What the plugin reads. */
export interface PodSecurityDeps {
  /** The namespace object, undefined when missing. */
  getNamespace(name: string): Promise<KubeObject | undefined>;
  /** The pods of a namespace. */
  listPods(namespace: string): Promise<Pod[]>;
  /** At most this many existing pods are checked when a namespace's enforce level rises (default 3000). */
  maxPodsToCheck?: number;
}

const evaluate = (lv: LevelVersion, pod: PodLike) => evaluatePod(lv.level, effectiveMinor(lv), pod);

/** The pod templates of the workload kinds k1s serves. */
const CONTROLLERS = new Set(['apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs', '/replicationcontrollers', '/podtemplates']);

function templateOf(a: AdmissionAttributes): PodLike | undefined {
  const obj = a.object as KubeObject & { spec?: { template?: { metadata?: KubeObject['metadata']; spec?: PodSpec } }; template?: { metadata?: KubeObject['metadata']; spec?: PodSpec } };
  const t = a.resource === 'podtemplates' ? obj.template : obj.spec?.template;
  if (!t?.spec) return undefined;
  return { metadata: t.metadata ?? {}, spec: t.spec };
}

/** isSignificantPodUpdate: the seccomp annotation, the number of containers, or an image changed. */
function significantUpdate(pod: Pod, old: Pod): boolean {
  const key = 'seccomp.security.alpha.kubernetes.io/pod';
  if (pod.metadata.annotations?.[key] !== old.metadata.annotations?.[key]) return true;
  const pairs: [unknown[] | undefined, unknown[] | undefined][] = [[pod.spec.containers, old.spec.containers], [pod.spec.initContainers, old.spec.initContainers]];
  for (const [now, before] of pairs) {
    const a = (now ?? []) as { image?: string }[];
    const b = (before ?? []) as { image?: string }[];
    if (a.length !== b.length || a.some((c, i) => c.image !== b[i]?.image)) return true;
  }
  const names = new Map(((old.spec.ephemeralContainers ?? []) as { name: string; image?: string }[]).map((c) => [c.name, c.image]));
  return ((pod.spec.ephemeralContainers ?? []) as { name: string; image?: string }[]).some((c) => !names.has(c.name) || names.get(c.name) !== c.image);
}

/** EvaluatePodsInNamespace: the warnings about existing pods under a new enforce level. */
export function existingPodWarnings(namespace: string, enforce: LevelVersion, pods: Pod[], maxPods: number): string[] {
  const checked = pods.slice(0, maxPods);
  const byReason = new Map<string, { first: string; count: number }>();
  const order: string[] = [];
  for (const p of checked) {
    const failures = evaluate(enforce, { metadata: p.metadata, spec: p.spec });
    if (!failures.length) continue;
    const reason = forbiddenReason(failures);
    const name = p.metadata.name ?? '';
    const seen = byReason.get(reason);
    if (!seen) {
      byReason.set(reason, { first: name, count: 1 });
      order.push(reason);
    } else {
      seen.count++;
      if (name < seen.first) seen.first = name;
    }
  }
  const out: string[] = [];
  if (checked.length < pods.length) out.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${pods.length} existing pods`);
  if (order.length) out.push(`existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(levelVersionString(enforce))}`);
  const decorated = order.map((reason) => {
    const { first, count } = byReason.get(reason) ?? { first: '', count: 0 };
    const who = count === 1 ? first : count === 2 ? `${first} (and 1 other pod)` : `${first} (and ${count - 1} other pods)`;
    return `${who}: ${reason}`;
  });
  return [...out, ...decorated.sort()];
}

/** The plugin (validating admission): throws a 403 (pods) or 422 (namespace labels) StatusError to refuse. */
export function podSecurityAdmission(deps: PodSecurityDeps): (a: AdmissionAttributes) => Promise<void> {
  const maxPods = deps.maxPodsToCheck ?? 3000;
  const namespaceLabels = async (name: string): Promise<Record<string, string> | undefined> => (await deps.getNamespace(name))?.metadata.labels;

  const judgeNamespace = async (a: AdmissionAttributes): Promise<void> => {
    const { policy, errors } = policyFromLabels(a.object.metadata.labels);
    const name = a.object.metadata.name ?? a.name ?? '';
    if (a.operation === 'CREATE') {
      if (errors.length) throw invalid('Namespace', '', name, errors);
      return;
    }
    const old = policyFromLabels(a.oldObject?.metadata.labels);
    if (errors.length && (old.errors.length === 0 || JSON.stringify(errors) !== JSON.stringify(old.errors))) throw invalid('Namespace', '', name, errors);
    const next = policy.enforce;
    const prev = old.policy.enforce;
    if (sameLevelVersion(next, prev) || next.level === 'privileged') return;
    if (next.minor === prev.minor && compareLevels(next.level, prev.level) < 1) return;
    for (const w of existingPodWarnings(name, next, await deps.listPods(name), maxPods)) a.warn?.(w);
  };

  const judgePod = async (a: AdmissionAttributes, pod: PodLike, enforce: boolean): Promise<void> => {
    const { policy } = policyFromLabels(await namespaceLabels(a.namespace));
    if (enforce) {
      const failures = evaluate(policy.enforce, pod);
      if (failures.length) throw admissionForbidden(a, `violates PodSecurity ${JSON.stringify(levelVersionString(policy.enforce))}: ${forbiddenDetail(failures)}`);
    }
    const warn = evaluate(policy.warn, pod);
    if (warn.length) a.warn?.(`would violate PodSecurity ${JSON.stringify(levelVersionString(policy.warn))}: ${forbiddenDetail(warn)}`);
  };

  return async (a) => {
    if (a.subresource !== '') return;
    if (a.group === '' && a.resource === 'namespaces') return judgeNamespace(a);
    if (a.group === '' && a.resource === 'pods') {
      const pod = a.object as Pod;
      if (a.operation === 'UPDATE' && a.oldObject && !significantUpdate(pod, a.oldObject as Pod)) return;
      return judgePod(a, { metadata: pod.metadata, spec: pod.spec ?? { containers: [] } }, true);
    }
    if (CONTROLLERS.has(`${a.group}/${a.resource}`)) {
      const template = templateOf(a);
      if (template) return judgePod(a, template, false);
    }
  };
}

/**
 * The RuntimeClass admission plugin: a pod created with `runtimeClassName` needs that RuntimeClass (403 when it is
 * missing), gets the class's `overhead.podFixed` as `spec.overhead` and its scheduling constraints (node selector
 * merged, refusing a conflicting value; tolerations merged, supersets kept); a pod may not carry an overhead its
 * class does not define (nor lack one it does).
 *
 * Mirrors kube-apiserver `plugin/pkg/admission/runtimeclass/admission.go` (Admit: setOverhead, setScheduling;
 * Validate: validateOverhead) and `pkg/util/tolerations` MergeTolerations at v1.32, with their Forbidden messages.
 */
import { deepEqual } from '../../api/field-errors.js';
import { compareQuantities, isQuantity } from '../../api/quantity.js';
import type { RuntimeClass } from '../../api/runtime-class.js';
import type { IntOrString, Pod, Toleration } from '../../api/types.js';
import type { AdmissionAttributes } from '../resource-handler.js';
import { admissionForbidden } from './forbidden.js';

/** What the plugin reads: one RuntimeClass by name (its lister); undefined when missing. */
export interface RuntimeClassAdmissionDeps {
  getRuntimeClass(name: string): Promise<RuntimeClass | undefined>;
}

const OVERHEAD_MISMATCH = "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";

/** Semantic equality of two resource lists (the same names, equal quantities: `1` equals `1000m`). */
function sameResources(a: Record<string, IntOrString> | undefined, b: Record<string, IntOrString> | undefined): boolean {
  const x = a ?? {};
  const y = b ?? {};
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((k) => {
    const p = x[k];
    const q = y[k];
    if (p === undefined || q === undefined) return false;
    return isQuantity(p) && isQuantity(q) ? compareQuantities(p, q) === 0 : p === q;
  });
}

/** isSuperset: whether `ss` tolerates everything `t` does. */
function isSuperset(ss: Toleration, t: Toleration): boolean {
  if (deepEqual(ss, t)) return true;
  // An empty key with Exists matches every key.
  if (t.key !== ss.key && (ss.key || ss.operator !== 'Exists')) return false;
  // An empty effect matches every effect.
  if (t.effect !== ss.effect && ss.effect) return false;
  if (ss.effect === 'NoExecute' && ss.tolerationSeconds !== undefined) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds > ss.tolerationSeconds) return false;
  }
  const op = ss.operator ?? '';
  if (op === 'Equal' || op === '') return t.operator === 'Equal' && t.value === ss.value;
  return op === 'Exists';
}

/** MergeTolerations: `first` then `second`, leaving out each toleration another kept (or later, different) one covers. */
export function mergeTolerations(first: Toleration[] | undefined, second: Toleration[] | undefined): Toleration[] {
  const all = [...(first ?? []), ...(second ?? [])];
  const merged: Toleration[] = [];
  all.forEach((t, i) => {
    if (merged.some((m) => isSuperset(m, t))) return;
    if (all.slice(i + 1).some((t2) => !deepEqual(t, t2) && isSuperset(t2, t))) return;
    merged.push(t);
  });
  return merged;
}

/** The plugin: `admit` (mutating) and `validate` (after the strategy), both for pod creates only. */
export function runtimeClassAdmission(deps: RuntimeClassAdmissionDeps): { admit(a: AdmissionAttributes): Promise<void>; validate(a: AdmissionAttributes): Promise<void> } {
  const applies = (a: AdmissionAttributes): boolean => a.group === '' && a.resource === 'pods' && a.subresource === '' && a.operation === 'CREATE';
  /** The pod's RuntimeClass; undefined when it names none; throws 403 when it names a missing one. */
  const classOf = async (a: AdmissionAttributes, pod: Pod): Promise<RuntimeClass | undefined> => {
    const name = pod.spec?.runtimeClassName;
    if (!name) return undefined;
    const rc = await deps.getRuntimeClass(name);
    if (!rc) throw admissionForbidden(a, `pod rejected: RuntimeClass "${name}" not found`);
    return rc;
  };
  return {
    async admit(a) {
      if (!applies(a)) return;
      const pod = a.object as Pod;
      const rc = await classOf(a, pod);
      if (!rc || !pod.spec) return;
      const podFixed = rc.overhead?.podFixed;
      if (podFixed) {
        if (pod.spec.overhead === undefined) pod.spec.overhead = { ...podFixed };
        else if (!sameResources(pod.spec.overhead, podFixed)) throw admissionForbidden(a, OVERHEAD_MISMATCH);
      }
      const scheduling = rc.scheduling;
      if (!scheduling) return;
      if (scheduling.nodeSelector) {
        const selector = pod.spec.nodeSelector ?? {};
        for (const [key, value] of Object.entries(scheduling.nodeSelector)) {
          const podValue = selector[key];
          if (podValue !== undefined && podValue !== value) {
            throw admissionForbidden(a, `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${value}; pod.spec.nodeSelector[${key}] = ${podValue}`);
          }
          selector[key] = value;
        }
        pod.spec.nodeSelector = selector;
      }
      const tolerations = mergeTolerations(pod.spec.tolerations, scheduling.tolerations);
      if (tolerations.length > 0) pod.spec.tolerations = tolerations;
    },
    async validate(a) {
      if (!applies(a)) return;
      const pod = a.object as Pod;
      const rc = await classOf(a, pod);
      const overhead = pod.spec?.overhead;
      if (rc?.overhead) {
        if (!sameResources(overhead, rc.overhead.podFixed)) throw admissionForbidden(a, OVERHEAD_MISMATCH);
      } else if (overhead !== undefined) {
        throw admissionForbidden(a, 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
      }
    },
  };
}

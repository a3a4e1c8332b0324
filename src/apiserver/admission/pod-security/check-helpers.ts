/**
 * What the Pod Security Standards checks share: the check and failure shapes, the container visitor and the wording
 * helpers (pluralisation, quoting), and the seccomp setters both levels judge.
 *
 * Mirrors the observable wording of k8s.io/pod-security-admission `policy/helpers.go` and `visitor.go` at v0.32.
 */
import type { Container, KubeObject, PodSpec } from '../../../api/types.js';

/** One failed check: `reason (detail)` in a message. */
export interface CheckFailure {
  reason: string;
  detail: string;
}

/** A pod-like object: its metadata (annotations) and spec. */
export interface PodLike {
  metadata: KubeObject['metadata'];
  spec: PodSpec;
}

/** A check of one level, applying from a minor version (1.x) on. */
export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** Baseline checks this restricted check replaces. */
  overrides?: string[];
  /** The first minor version the check applies to. */
  since: number;
  run(pod: PodLike, minor: number): CheckFailure | undefined;
}

/** joinQuote: `"a", "b"`. */
export const joinQuote = (items: string[]): string => (items.length === 0 ? '' : `"${items.join('", "')}"`);
/** pluralize: `one` for a count of 1, else `many`. */
export const plural = (one: string, many: string, n: number): string => (n === 1 ? one : many);
/** The distinct items, sorted (sets.String.List). */
export const uniqSorted = (items: Iterable<string>): string[] => [...new Set(items)].sort();
/** `container "a"` or `containers "a", "b"`. */
export const containersPhrase = (names: string[]): string => `${plural('container', 'containers', names.length)} ${joinQuote(names)}`;

/** visitContainers: init containers, then containers, then ephemeral containers. */
export function containers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...((spec.ephemeralContainers ?? []) as Container[])];
}

/** Whether the pod declares `spec.os.name: windows` (restricted checks relax for Windows pods from v1.25). */
export const windows = (spec: PodSpec): boolean => (spec as { os?: { name?: string } }).os?.name === 'windows';

/** The deprecated seccomp annotations baseline judges before v1.19. */
export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
/** RuntimeDefault and Localhost are the allowed seccomp profile types. */
export const validSeccomp = (t: string | undefined): boolean => t === 'RuntimeDefault' || t === 'Localhost';

/** The explicitly bad seccomp setters (pod, containers) and values, shared by the baseline and restricted checks. */
export function seccompSetters(spec: PodSpec): { setters: string[]; values: string[]; podSet: boolean; unset: string[] } {
  const setters: string[] = [];
  const values = new Set<string>();
  let podSet = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile) {
    if (!validSeccomp(podProfile.type)) {
      setters.push('pod');
      values.add(podProfile.type);
    } else podSet = true;
  }
  const bad: string[] = [];
  const unset: string[] = [];
  for (const c of containers(spec)) {
    const p = c.securityContext?.seccompProfile;
    if (p) {
      if (!validSeccomp(p.type)) {
        bad.push(c.name);
        values.add(p.type);
      }
    } else if (!podSet) unset.push(c.name);
  }
  if (bad.length) setters.push(containersPhrase(bad));
  return { setters, values: uniqSorted(values), podSet, unset };
}


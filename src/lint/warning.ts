/**
 * The multi-container lint's findings: stable codes, one warning's shape, and its one-line text as kube-apiserver's
 * `Warning: 299` headers, `k1s lint` and the pod's events carry it (docs/warnings.md lists every code).
 */

/** Every warning code; stable across releases (docs/warnings.md has one section each). */
export const LINT_CODES = [
  'PortConflict',
  'UnmountedVolume',
  'WriterWithoutMount',
  'BlockingInitContainer',
  'OverlappingMounts',
  'ReadOnlyWrite',
  'ReadOnlyEmptyDir',
  'SidecarAfterDependent',
] as const;

/** One warning code. */
export type LintCode = (typeof LINT_CODES)[number];

/** Which list of the pod spec a container is in. */
export type ContainerList = 'initContainers' | 'containers';

/** One multi-container mistake found in a pod spec. */
export interface LintWarning {
  code: LintCode;
  /** Field path of what is wrong, as kube-apiserver's warnings start: `spec.containers[1].ports[0]`. */
  field: string;
  /** The container the warning is about, when it is about one (a pod event's `involvedObject.fieldPath`). */
  container?: { list: ContainerList; name: string };
  /** What is wrong and what follows from it; no trailing period. */
  message: string;
  /** The one-line fix; no trailing period. */
  fix: string;
}

/**
 * The warning as one line: `FIELD: [Code] MESSAGE; fix: FIX`, e.g. `spec.containers[1].ports[0]: [PortConflict]
 * containers "app1" and "app2" both declare containerPort 8080/TCP, …; fix: …`. Field path first, as
 * kube-apiserver's own pod warnings (`pkg/api/pod/warnings.go`) write them.
 */
export function formatWarning(w: LintWarning): string {
  return `${w.field}: [${w.code}] ${w.message}; fix: ${w.fix}`;
}

/** The event `fieldPath` of a warning's container (`spec.containers{app}`), as the kubelet's events name one. */
export function warningFieldPath(w: LintWarning): string | undefined {
  return w.container ? `spec.${w.container.list}{${w.container.name}}` : undefined;
}

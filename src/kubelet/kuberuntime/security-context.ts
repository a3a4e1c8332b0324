/**
 * The Linux security context the kubelet hands to the runtime for a container and for a pod sandbox: user, groups
 * (fsGroup, supplementalGroups), capabilities, privileged, no_new_privs, /proc masking, seccomp and AppArmor profiles,
 * namespaces; and the runAsNonRoot check against the image's user.
 *
 * Mirrors `pkg/securitycontext/util.go` (DetermineEffectiveSecurityContext, AddNoNewPrivileges,
 * ConvertToRuntimeMaskedPaths/ReadonlyPaths), `pkg/kubelet/kuberuntime/security_context.go`
 * (determineEffectiveSecurityContext, convertToRuntimeSecurityContext), `security_context_others.go`
 * (verifyRunAsNonRoot), `helpers.go` (getSeccompProfile, getAppArmorProfile, with `--seccomp-default` off, its
 * default) and `kuberuntime_sandbox_linux.go` at v1.32.
 */
import { join } from 'node:path';
import type { AppArmorProfile, Container, Pod, SeccompProfile, SecurityContext } from '../../api/types.js';
import type { LinuxContainerSecurityContext, LinuxSandboxSecurityContext, NamespaceOption, SecurityProfile } from '../../cri/types.js';
import { ContainerConfigError } from '../container/env.js';
import { formatPod } from './runtime-context.js';

/** The user an image runs as by default (CRI ImageStatus `uid` / `username`). */
export interface ImageUser {
  uid?: number;
  username?: string;
}

/** securitycontext defaultMaskedPaths: what the kubelet masks under procMount Default. */
export const DEFAULT_MASKED_PATHS = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** securitycontext defaultReadonlyPaths. */
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** DetermineEffectiveSecurityContext: the pod's user, group, runAsNonRoot, SELinux and AppArmor fields, overridden by the container's. */
export function effectiveSecurityContext(pod: Pod, container: Container): SecurityContext {
  const psc = pod.spec.securityContext ?? {};
  const out: SecurityContext = {};
  if (psc.seLinuxOptions) out.seLinuxOptions = psc.seLinuxOptions;
  if (psc.runAsUser !== undefined) out.runAsUser = psc.runAsUser;
  if (psc.runAsGroup !== undefined) out.runAsGroup = psc.runAsGroup;
  if (psc.runAsNonRoot !== undefined) out.runAsNonRoot = psc.runAsNonRoot;
  if (psc.appArmorProfile) out.appArmorProfile = psc.appArmorProfile;
  const csc = container.securityContext ?? {};
  for (const key of ['seLinuxOptions', 'capabilities', 'privileged', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount', 'appArmorProfile'] as const) {
    if (csc[key] !== undefined) (out as Record<string, unknown>)[key] = csc[key];
  }
  return out;
}

/** NamespacesForPod: network and IPC shared by the pod (or the host's), PID per container unless shared. */
export function namespacesForPod(pod: Pod): NamespaceOption {
  return {
    network: pod.spec.hostNetwork ? 'NODE' : 'POD',
    pid: pod.spec.hostPID ? 'NODE' : pod.spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: pod.spec.hostIPC ? 'NODE' : 'POD',
  };
}

/** fieldSeccompProfile: the CRI profile of a seccompProfile field (Localhost under `<root-dir>/seccomp`). */
function seccompOf(p: SeccompProfile, profileRoot: string): SecurityProfile {
  switch (p.type) {
    case 'RuntimeDefault':
      return { profileType: 'RuntimeDefault' };
    case 'Localhost':
      return { profileType: 'Localhost', localhostRef: join(profileRoot, p.localhostProfile ?? '') };
    default:
      return { profileType: 'Unconfined' };
  }
}

/** getSeccompProfile: the container's profile, else the pod's, else Unconfined (the kubelet's `--seccomp-default=false`). */
export function seccompProfile(pod: Pod, container: Container | undefined, profileRoot: string): SecurityProfile {
  const own = container?.securityContext?.seccompProfile;
  if (own) return seccompOf(own, profileRoot);
  const podProfile = pod.spec.securityContext?.seccompProfile;
  if (podProfile) return seccompOf(podProfile, profileRoot);
  return { profileType: 'Unconfined' };
}

/** getAppArmorProfile: the container's, else the pod's field, else the beta annotation; undefined leaves the runtime's default. */
export function appArmorProfile(pod: Pod, container: Container): SecurityProfile | undefined {
  const annotation = pod.metadata.annotations?.[`container.apparmor.security.beta.kubernetes.io/${container.name}`];
  let p: AppArmorProfile | undefined = container.securityContext?.appArmorProfile ?? pod.spec.securityContext?.appArmorProfile;
  if (!p && annotation) {
    if (annotation === 'runtime/default') p = { type: 'RuntimeDefault' };
    else if (annotation === 'unconfined') p = { type: 'Unconfined' };
    else if (annotation.startsWith('localhost/')) p = { type: 'Localhost', localhostProfile: annotation.slice('localhost/'.length) };
  }
  if (!p) return undefined;
  if (p.type === 'Localhost') return { profileType: 'Localhost', localhostRef: p.localhostProfile ?? '' };
  return { profileType: p.type };
}

/** The pod's groups every process gets besides its own: fsGroup first, then supplementalGroups. */
export function podSupplementalGroups(pod: Pod): number[] {
  const psc = pod.spec.securityContext ?? {};
  const groups: number[] = [];
  if (psc.fsGroup !== undefined) groups.push(psc.fsGroup);
  groups.push(...(psc.supplementalGroups ?? []));
  return groups;
}

/**
 * verifyRunAsNonRoot: with runAsNonRoot, refuses a container that would run as uid 0 (by runAsUser or the image's user)
 * or whose image user is a name that cannot be checked. Throws ContainerConfigError with upstream's message (the
 * container then waits in CreateContainerConfigError).
 */
export function verifyRunAsNonRoot(pod: Pod, container: Container, image: ImageUser): void {
  const sc = effectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return;
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy (pod: "${formatPod(pod)}", container: ${container.name})`);
    return;
  }
  const uid = image.uid ?? (image.username ? undefined : 0);
  if (uid === 0) throw new ContainerConfigError(`container has runAsNonRoot and image will run as root (pod: "${formatPod(pod)}", container: ${container.name})`);
  if (uid === undefined && image.username) {
    throw new ContainerConfigError(`container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root (pod: "${formatPod(pod)}", container: ${container.name})`);
  }
}

/**
 * determineEffectiveSecurityContext: the CRI security context of `container`. Without a runAsUser the image's user is
 * passed (uid, or the user name), as the kubelet does; `seccompRoot` is `<root-dir>/seccomp`.
 */
export function containerSecurityContext(pod: Pod, container: Container, image: ImageUser, seccompRoot: string): LinuxContainerSecurityContext {
  const sc = effectiveSecurityContext(pod, container);
  const out: LinuxContainerSecurityContext = { namespaceOptions: namespacesForPod(pod) };
  if (sc.capabilities) {
    out.capabilities = {};
    if (sc.capabilities.add) out.capabilities.addCapabilities = [...sc.capabilities.add];
    if (sc.capabilities.drop) out.capabilities.dropCapabilities = [...sc.capabilities.drop];
  }
  if (sc.privileged) out.privileged = true;
  if (sc.readOnlyRootFilesystem) out.readonlyRootfs = true;
  if (sc.runAsUser !== undefined) out.runAsUser = { value: sc.runAsUser };
  else if (image.uid !== undefined) out.runAsUser = { value: image.uid };
  else if (image.username) out.runAsUsername = image.username;
  if (sc.runAsGroup !== undefined) out.runAsGroup = { value: sc.runAsGroup };
  const groups = podSupplementalGroups(pod);
  if (groups.length > 0) out.supplementalGroups = groups;
  if (sc.allowPrivilegeEscalation === false) out.noNewPrivs = true;
  const unmasked = sc.procMount === 'Unmasked';
  out.maskedPaths = unmasked ? [] : [...DEFAULT_MASKED_PATHS];
  out.readonlyPaths = unmasked ? [] : [...DEFAULT_READONLY_PATHS];
  out.seccomp = seccompProfile(pod, container, seccompRoot);
  const apparmor = appArmorProfile(pod, container);
  if (apparmor) out.apparmor = apparmor;
  return out;
}

/** The sandbox's security context (generatePodSandboxLinuxConfig): the pod's user, group, groups, seccomp; privileged when a container is. */
export function sandboxSecurityContext(pod: Pod, privileged: boolean, seccompRoot: string): LinuxSandboxSecurityContext {
  const psc = pod.spec.securityContext ?? {};
  const out: LinuxSandboxSecurityContext = { namespaceOptions: namespacesForPod(pod) };
  if (psc.runAsUser !== undefined) out.runAsUser = { value: psc.runAsUser };
  if (psc.runAsGroup !== undefined) out.runAsGroup = { value: psc.runAsGroup };
  const groups = podSupplementalGroups(pod);
  if (groups.length > 0) out.supplementalGroups = groups;
  if (privileged) out.privileged = true;
  out.seccomp = seccompProfile(pod, undefined, seccompRoot);
  return out;
}

/** The pod's sysctls for the sandbox (`linux.sysctls`). */
export function podSysctls(pod: Pod): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of pod.spec.securityContext?.sysctls ?? []) out[s.name] = s.value;
  return out;
}

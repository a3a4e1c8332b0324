/**
 * Validation of the pod's and the containers' security contexts with kube-apiserver's messages and field paths.
 *
 * Mirrors `pkg/apis/core/validation/validation.go` validatePodSpecSecurityContext (user and group ids, fsGroup,
 * fsGroupChangePolicy, supplementalGroups, sysctls: validateSysctls with IsValidSysctlName, seccomp and AppArmor
 * profiles) and ValidateSecurityContext (user and group ids, procMount, allowPrivilegeEscalation against privileged
 * and CAP_SYS_ADMIN) at v1.32.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import type { AppArmorProfile, Container, PodSpec, SeccompProfile, SecurityContext } from '../../api/types.js';

const MAX_ID = 2147483647;
const ID_RANGE = `must be between 0 and ${MAX_ID}, inclusive`;
const SYSCTL_SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const SYSCTL_RE = new RegExp(`^(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}$`);
/** IsValidSysctlName's message (the regex printed as upstream's SysctlContainSlashFmt). */
const SYSCTL_MSG = `must have at most 253 characters and match regex ^(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}$`;

function validateId(v: number | undefined, path: string): FieldError[] {
  if (v === undefined) return [];
  return Number.isInteger(v) && v >= 0 && v <= MAX_ID ? [] : [field.invalid(path, v, ID_RANGE)];
}

/** validateSeccompProfileField: a supported type; localhostProfile exactly when Localhost. */
function validateSeccompProfile(p: SeccompProfile | undefined, path: string): FieldError[] {
  if (!p) return [];
  const errs: FieldError[] = [];
  if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(p.type)) errs.push(field.notSupported(`${path}.type`, p.type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  if (p.type === 'Localhost') {
    if (!p.localhostProfile) errs.push(field.required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost'));
    else if (p.localhostProfile.startsWith('/') || p.localhostProfile.split('/').includes('..')) {
      errs.push(field.invalid(`${path}.localhostProfile`, p.localhostProfile, p.localhostProfile.startsWith('/') ? 'must be a relative path' : "must not contain '..'"));
    }
  } else if (p.localhostProfile !== undefined) {
    errs.push(field.invalid(`${path}.localhostProfile`, p.localhostProfile, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

/** ValidateAppArmorProfileField. */
function validateAppArmorProfile(p: AppArmorProfile | undefined, path: string): FieldError[] {
  if (!p) return [];
  if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(p.type)) return [field.notSupported(`${path}.type`, p.type, ['Localhost', 'RuntimeDefault', 'Unconfined'])];
  if (p.type === 'Localhost' && !p.localhostProfile) return [field.required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost')];
  if (p.type !== 'Localhost' && p.localhostProfile !== undefined) return [field.invalid(`${path}.localhostProfile`, p.localhostProfile, 'can only be set when AppArmor type is Localhost')];
  return [];
}

/** validatePodSpecSecurityContext for `spec.securityContext`. */
export function validatePodSecurityContext(spec: PodSpec, path = 'spec.securityContext'): FieldError[] {
  const sc = spec.securityContext;
  if (!sc) return [];
  const errs: FieldError[] = [];
  errs.push(...validateId(sc.fsGroup, `${path}.fsGroup`));
  errs.push(...validateId(sc.runAsUser, `${path}.runAsUser`));
  errs.push(...validateId(sc.runAsGroup, `${path}.runAsGroup`));
  (sc.supplementalGroups ?? []).forEach((g, i) => errs.push(...validateId(g, `${path}.supplementalGroups[${i}]`)));
  if (sc.fsGroupChangePolicy !== undefined && !['Always', 'OnRootMismatch'].includes(sc.fsGroupChangePolicy)) {
    errs.push(field.notSupported(`${path}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ['OnRootMismatch', 'Always']));
  }
  if (sc.supplementalGroupsPolicy !== undefined && !['Merge', 'Strict'].includes(sc.supplementalGroupsPolicy)) {
    errs.push(field.notSupported(`${path}.supplementalGroupsPolicy`, sc.supplementalGroupsPolicy, ['Merge', 'Strict']));
  }
  const names = new Set<string>();
  (sc.sysctls ?? []).forEach((s, i) => {
    const p = `${path}.sysctls[${i}]`;
    if (!s.name) errs.push(field.required(`${p}.name`));
    else if (s.name.length > 253 || !SYSCTL_RE.test(s.name)) errs.push(field.invalid(`${p}.name`, s.name, SYSCTL_MSG));
    else if (names.has(s.name)) errs.push(field.duplicate(`${p}.name`, s.name));
    names.add(s.name);
  });
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

/** ValidateSecurityContext of one container at `path` (`spec.containers[0].securityContext`). */
export function validateContainerSecurityContext(c: Container, path: string): FieldError[] {
  const sc: SecurityContext | undefined = c.securityContext;
  if (!sc) return [];
  const errs: FieldError[] = [];
  errs.push(...validateId(sc.runAsUser, `${path}.runAsUser`));
  errs.push(...validateId(sc.runAsGroup, `${path}.runAsGroup`));
  if (sc.procMount !== undefined && !['Default', 'Unmasked'].includes(sc.procMount)) errs.push(field.notSupported(`${path}.procMount`, sc.procMount, ['Default', 'Unmasked']));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) errs.push(field.invalid(path, new field.GoValue(goSecurityContext(sc)), 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    if ((sc.capabilities?.add ?? []).includes('CAP_SYS_ADMIN')) errs.push(field.invalid(path, new field.GoValue(goSecurityContext(sc)), 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

/** A short Go-like rendering of the security context for the Invalid value (upstream prints the whole struct). */
function goSecurityContext(sc: SecurityContext): string {
  return `core.SecurityContext{Privileged:${sc.privileged ? 'true' : 'false'}, AllowPrivilegeEscalation:false}`;
}

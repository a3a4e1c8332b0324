/**
 * Pod validation for create, update and the status subresource, with kube's messages and field paths.
 *
 * Mirrors `pkg/apis/core/validation/validation.go` ValidatePodCreate, ValidatePodSpec, ValidatePodUpdate,
 * ValidatePodStatusUpdate, ValidateTolerations, validateOnlyAddedTolerations, ValidateContainerStateTransition
 * (default feature gates of v1.32).
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { nameIsDNSSubdomain, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta.js';
import type { ContainerStatus, Pod, PodSpec, RestartPolicy, Toleration } from '../../api/types.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../../api/validation.js';
import { computePodQOS } from './qos.js';
import { specDiff } from './spec-diff.js';
import { validateContainers, validateEphemeralContainers, validateInitContainers } from './validation-containers.js';
import { validatePodSecurityContext } from './validation-security.js';
import { validateVolumes } from './validation-volumes.js';

const maxInt32 = 2147483647;

/** ValidateTolerations. */
export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (t.key) for (const msg of isQualifiedName(t.key)) errs.push(field.invalid(`${p}.key`, t.key, msg));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(field.invalid(`${p}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(field.invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    const op = (t.operator ?? '') as string;
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(t.value ?? '');
      if (msgs.length > 0) errs.push(field.invalid(`${p}.operator`, t.value ?? '', msgs.join(';')));
    } else if (op === 'Exists') {
      if (t.value) errs.push(field.invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(field.notSupported(`${p}.operator`, op, ['Equal', 'Exists']));
    }
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      errs.push(field.notSupported(`${p}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

function validateRestartPolicy(policy: string | undefined, path: string): FieldError[] {
  if (policy === 'Always' || policy === 'OnFailure' || policy === 'Never') return [];
  if (!policy) return [field.required(path)];
  return [field.notSupported(path, policy, ['Always', 'OnFailure', 'Never'])];
}

function validateDNSPolicy(spec: PodSpec, path: string): FieldError[] {
  const p = spec.dnsPolicy;
  const valid = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (!p) return [field.required(`${path}.dnsPolicy`)];
  if (!valid.includes(p)) return [field.notSupported(`${path}.dnsPolicy`, p, valid)];
  if (p === 'None' && !(spec as { dnsConfig?: unknown }).dnsConfig) {
    return [field.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None')];
  }
  return [];
}

function isIP(s: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s)) return s.split('.').every((o) => Number(o) <= 255 && String(Number(o)) === o);
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s) && (s.match(/::/g) ?? []).length <= 1;
}

/** ValidatePodSpec for the fields k1s knows. */
export function validatePodSpec(spec: PodSpec, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const grace = spec.terminationGracePeriodSeconds ?? 30;
  const { vols, errs: volErrs } = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...volErrs);
  errs.push(...validateContainers(spec.containers, vols, grace, `${path}.containers`));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, vols, grace, `${path}.initContainers`));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec.containers, spec.initContainers, vols, `${path}.ephemeralContainers`));
  errs.push(...validateRestartPolicy(spec.restartPolicy, `${path}.restartPolicy`));
  errs.push(...validateDNSPolicy(spec, path));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  (spec.readinessGates ?? []).forEach((g, i) => {
    for (const msg of isQualifiedName(g.conditionType ?? '')) errs.push(field.invalid(`${path}.readinessGates[${i}].conditionType`, g.conditionType ?? '', msg));
  });
  const gates = new Set<string>();
  (spec.schedulingGates ?? []).forEach((g, i) => {
    const p = `${path}.schedulingGates[${i}]`;
    for (const msg of isQualifiedName(g.name ?? '')) errs.push(field.invalid(`${p}.name`, g.name ?? '', msg));
    if (gates.has(g.name)) errs.push(field.duplicate(p, g.name));
    gates.add(g.name);
  });
  if (spec.serviceAccountName) {
    for (const msg of isDNS1123Subdomain(spec.serviceAccountName)) errs.push(field.invalid(`${path}.serviceAccountName`, spec.serviceAccountName, msg));
  }
  if (spec.nodeName) for (const msg of isDNS1123Subdomain(spec.nodeName)) errs.push(field.invalid(`${path}.nodeName`, spec.nodeName, msg));
  if (spec.activeDeadlineSeconds !== undefined) {
    const v = spec.activeDeadlineSeconds;
    if (v < 1 || v > maxInt32) errs.push(field.invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, maxInt32)));
  }
  if (spec.hostname) for (const msg of isDNS1123Label(spec.hostname)) errs.push(field.invalid(`${path}.hostname`, spec.hostname, msg));
  if (spec.subdomain) for (const msg of isDNS1123Label(spec.subdomain)) errs.push(field.invalid(`${path}.subdomain`, spec.subdomain, msg));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  errs.push(...validatePodSecurityContext(spec, `${path}.securityContext`));
  (spec.hostAliases ?? []).forEach((a, i) => {
    const p = `${path}.hostAliases[${i}]`;
    if (!isIP(a.ip ?? '')) errs.push(field.invalid(`${p}.ip`, a.ip ?? '', 'must be valid IP address'));
    for (const h of a.hostnames ?? []) for (const msg of isDNS1123Subdomain(h)) errs.push(field.invalid(`${p}.hostnames`, h, msg));
  });
  if (spec.preemptionPolicy && spec.preemptionPolicy !== 'PreemptLowerPriority' && spec.preemptionPolicy !== 'Never') {
    errs.push(field.notSupported(`${path}.preemptionPolicy`, spec.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  return errs;
}

/** ValidatePodCreate: metadata, spec, and no ephemeral containers on create. */
export function validatePodCreate(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain);
  if (!pod.spec) return [...errs, field.required('spec.containers')];
  errs.push(...validatePodSpec(pod.spec));
  if ((pod.spec.ephemeralContainers ?? []).length > 0) errs.push(field.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  return errs;
}

function validateOnlyAddedTolerations(next: Toleration[] | undefined, old: Toleration[] | undefined, path: string): FieldError[] {
  for (const o of old ?? []) {
    const found = (next ?? []).some((n) => field.deepEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) return [field.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

const updateForbidden =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/**
 * ValidatePodUpdate: metadata update rules, then the spec may change only in container images,
 * activeDeadlineSeconds (nil → positive, or decreasing), added tolerations and removed scheduling gates;
 * anything else is `spec: Forbidden: pod updates may not change fields other than ...` plus a diff.
 */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  if (!pod.spec) return [...errs, field.required('spec.containers')];
  errs.push(...validatePodSpec(pod.spec));
  const spec = pod.spec;
  const oldSpec = old.spec ?? { containers: [] };
  for (const key of ['containers', 'initContainers'] as const) {
    const next = spec[key] ?? [];
    const prev = oldSpec[key] ?? [];
    if (next.length !== prev.length) {
      errs.push(field.forbidden(`spec.${key}`, 'pod updates may not add or remove containers'));
      return errs;
    }
    next.forEach((c, i) => {
      if (c.image && c.image.trim() !== c.image) errs.push(field.invalid(`spec.${key}[${i}].image`, c.image, 'must not have leading or trailing whitespace'));
    });
  }
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined) {
    if (ads < 0 || ads > maxInt32) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', ads, inclusiveRangeError(0, maxInt32)));
      return errs;
    }
    if (oldSpec.activeDeadlineSeconds !== undefined && oldSpec.activeDeadlineSeconds < ads) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldSpec.activeDeadlineSeconds !== undefined) {
    errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, 'spec.tolerations'));
  const oldGates = new Set((oldSpec.schedulingGates ?? []).map((g) => g.name));
  for (const g of spec.schedulingGates ?? []) {
    if (!oldGates.has(g.name)) errs.push(field.forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${g.name}'`));
  }
  if (field.deepEqual(spec, oldSpec)) return errs;
  if (computePodQOS(old) !== computePodQOS(pod)) errs.push(field.invalid('metadata', pod.status?.qosClass ?? '', 'Pod QOS is immutable'));
  const munged: PodSpec = structuredClone(spec);
  munged.containers = munged.containers.map((c, i) => ({ ...c, image: oldSpec.containers[i]?.image ?? '' }) as typeof c);
  if (munged.initContainers) {
    munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: oldSpec.initContainers?.[i]?.image ?? '' }) as typeof c);
  }
  setOrDelete(munged, 'activeDeadlineSeconds', oldSpec.activeDeadlineSeconds);
  setOrDelete(munged, 'schedulingGates', oldSpec.schedulingGates);
  setOrDelete(munged, 'tolerations', oldSpec.tolerations);
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (oldGates.size > 0) setOrDelete(munged, 'nodeSelector', oldSpec.nodeSelector);
  if (!field.deepEqual(munged, oldSpec)) errs.push(field.forbidden('spec', `${updateForbidden}\n${specDiff(oldSpec, munged)}`));
  return errs;
}

function setOrDelete<K extends keyof PodSpec>(spec: PodSpec, key: K, value: PodSpec[K] | undefined): void {
  if (value === undefined) delete spec[key];
  else spec[key] = value;
}

function validateStateTransitions(
  next: ContainerStatus[] | undefined,
  prev: ContainerStatus[] | undefined,
  path: string,
  policy: RestartPolicy | undefined,
  skip: (name: string) => boolean,
): FieldError[] {
  if (policy === 'Always') return [];
  const errs: FieldError[] = [];
  (prev ?? []).forEach((o, i) => {
    const term = o.state?.terminated;
    if (!term || skip(o.name)) return;
    if (term.exitCode !== 0 && policy === 'OnFailure') return;
    for (const n of next ?? []) {
      if (n.name === o.name && !n.state?.terminated) {
        errs.push(field.forbidden(`${path}[${i}].state`, 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

const phases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

/**
 * ValidatePodStatusUpdate: metadata update rules, nodeName unchanged, valid nominatedNodeName and
 * phase, immutable qosClass, and terminated containers that may not restart stay terminated (ephemeral containers never restart).
 */
export function validatePodStatusUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  const status = pod.status ?? {};
  const oldStatus = old.status ?? {};
  if ((pod.spec?.nodeName ?? '') !== (old.spec?.nodeName ?? '')) errs.push(field.forbidden('status.nodeName', 'may not be changed directly'));
  const nominated = status.nominatedNodeName ?? '';
  if (nominated && nominated !== (oldStatus.nominatedNodeName ?? '')) {
    for (const msg of isDNS1123Subdomain(nominated)) errs.push(field.invalid('status.nominatedNodeName', nominated, msg));
  }
  if (status.phase !== undefined && !phases.includes(status.phase)) errs.push(field.notSupported('status.phase', status.phase, phases));
  errs.push(...field.validateImmutableField(status.qosClass ?? '', oldStatus.qosClass ?? '', 'status.qosClass'));
  const policy = old.spec?.restartPolicy;
  errs.push(...validateStateTransitions(status.containerStatuses, oldStatus.containerStatuses, 'status.containerStatuses', policy, () => false));
  const sidecars = new Set((old.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  errs.push(
    ...validateStateTransitions(status.initContainerStatuses, oldStatus.initContainerStatuses, 'status.initContainerStatuses', policy, (n) => sidecars.has(n)),
  );
  // The kubelet never restarts ephemeral containers: they transition as under restartPolicy Never.
  errs.push(...validateStateTransitions(status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses, 'status.ephemeralContainerStatuses', 'Never', () => false));
  return errs;
}

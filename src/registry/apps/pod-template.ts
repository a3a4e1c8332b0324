/**
 * Pod templates inside workloads (Deployments, ReplicaSets): their defaulting, validation against the
 * selector, and the LabelSelector checks shared by the apps kinds.
 *
 * Mirrors `pkg/apis/core/v1/defaults.go` (SetDefaults_PodSpec and nested, which run on templates too; not
 * SetDefaults_Pod, so `enableServiceLinks` stays unset in a template), `pkg/apis/core/validation`
 * ValidatePodTemplateSpec, and `pkg/apis/apps/validation` ValidatePodTemplateSpecForReplicaSet and
 * `metav1validation.ValidateLabelSelector`.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { labelSelectorFromSpec } from '../../api/labels.js';
import { validateAnnotations, validateLabels } from '../../api/meta.js';
import type { PodSpec } from '../../api/types.js';
import { isQualifiedName, isValidLabelValue } from '../../api/validation.js';
import type { LabelSelector, PodTemplateSpec } from '../../api/workloads.js';
import { defaultContainer, defaultVolume } from '../pods/defaults.js';
import { validatePodSpec } from '../pods/validation.js';

/** SetDefaults_PodSpec and its nested defaulters on a template's spec, in place (no pod-level defaults). */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): void {
  if (!template) return;
  template.metadata ??= {};
  const spec = template.spec;
  if (!spec) return;
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.initContainers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.containers ?? []) defaultContainer(c, hostNetwork);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** Go's `%#v`-like rendering of a LabelSelector in field errors (`&v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, ...}`). */
export function formatSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '(*v1.LabelSelector)(nil)';
  const labels = Object.keys(sel.matchLabels ?? {}).sort();
  const ml = sel.matchLabels ? `map[string]string{${labels.map((k) => `${JSON.stringify(k)}:${JSON.stringify(sel.matchLabels?.[k] ?? '')}`).join(', ')}}` : 'map[string]string(nil)';
  const me = sel.matchExpressions ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions.map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:[]string{${(e.values ?? []).map((v) => JSON.stringify(v)).join(', ')}}}`).join(', ')}}` : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`;
}

/** Go's `%#v` of a label map (`map[string]string{"app":"web"}`), as field errors print it. */
export function formatLabelMap(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(labels?.[k] ?? '')}`).join(', ')}}`;
}

/** ValidateLabelSelector: matchLabels are valid labels; each expression has a valid key and operator and fitting values. */
export function validateLabelSelector(sel: LabelSelector, path: string): FieldError[] {
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(field.required(`${p}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(field.forbidden(`${p}.values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
        break;
      default:
        errs.push(field.invalid(`${p}.operator`, e.operator, 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(e.key ?? '')) errs.push(field.invalid(`${p}.key`, e.key ?? '', msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(field.invalid(`${p}.values[${j}]`, v, msg));
    });
  });
  return errs;
}

/**
 * The selector and template rules of a ReplicaSet or Deployment spec at `path` (`spec`): selector required and
 * non-empty, template labels matched by it, template metadata and spec valid, restartPolicy Always,
 * no activeDeadlineSeconds (ValidateReplicaSetSpec / ValidateDeploymentSpec + ValidatePodTemplateSpecForReplicaSet).
 */
export function validateSelectorAndTemplate(
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  kind: 'deployment' | 'replicaset',
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!selector) errs.push(field.required(`${path}.selector`));
  else {
    errs.push(...validateLabelSelector(selector, `${path}.selector`));
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
      errs.push(field.invalid(`${path}.selector`, new field.GoValue(formatSelector(selector)), `empty selector is invalid for ${kind}`));
    }
  }
  if (!template) {
    errs.push(field.required(`${path}.template`));
    return errs;
  }
  const tpath = `${path}.template`;
  const labels = template.metadata?.labels;
  if (selector) {
    let matches = false;
    try {
      const s = labelSelectorFromSpec(selector);
      matches = !s.empty() && s.matches(labels);
    } catch {
      matches = false;
    }
    if (!matches && errs.length === 0) {
      errs.push(field.invalid(`${tpath}.metadata.labels`, new field.GoValue(formatLabelMap(labels)), '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validateReplicaTemplate(template, tpath, 'ReplicaSet'));
  return errs;
}

/**
 * The template rules of ValidatePodTemplateSpecForReplicaSet and ValidatePodTemplateSpecForRC after the selector
 * match: valid template labels and annotations, a pod spec (required) that validates, restartPolicy Always and no
 * activeDeadlineSeconds (`activeDeadlineSeconds in <kind> is not Supported`).
 */
export function validateReplicaTemplate(template: PodTemplateSpec, tpath: string, kind: 'ReplicaSet' | 'ReplicationController'): FieldError[] {
  const errs = validateLabels(template.metadata?.labels, `${tpath}.metadata.labels`);
  errs.push(...validateAnnotations(template.metadata?.annotations, `${tpath}.metadata.annotations`));
  const spec: PodSpec | undefined = template.spec;
  if (!spec) return [...errs, field.required(`${tpath}.spec.containers`)];
  errs.push(...validatePodSpec(spec, `${tpath}.spec`));
  if (spec.restartPolicy !== 'Always') errs.push(field.notSupported(`${tpath}.spec.restartPolicy`, spec.restartPolicy, ['Always']));
  if (spec.activeDeadlineSeconds !== undefined) errs.push(field.forbidden(`${tpath}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
  return errs;
}

/** The wide columns Containers and Images of a pod template: names and images joined by commas (`layoutContainerCells`). */
export function containerCells(template: PodTemplateSpec | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image ?? '').join(',')];
}

/** The wide-output cells shared by Deployments and ReplicaSets: CONTAINERS, IMAGES, SELECTOR (printers.go layoutContainerCells). */
export function templateCells(template: PodTemplateSpec | undefined, selector: LabelSelector | undefined): [string, string, string] {
  let sel = '';
  try {
    sel = labelSelectorFromSpec(selector).toString();
  } catch {
    sel = '<invalid>';
  }
  return [...containerCells(template), sel === '' ? '<none>' : sel];
}

/**
 * The core/v1 podtemplates strategy: pod-spec defaulting of the template, generation, validation of the template as
 * a pod template spec, and the NAME CONTAINERS IMAGES POD LABELS table.
 *
 * Mirrors `pkg/registry/core/podtemplate/strategy.go`, `pkg/apis/core/validation` ValidatePodTemplate /
 * ValidatePodTemplateUpdate / ValidatePodTemplateSpec, and `pkg/printers/internalversion/printers.go`
 * printPodTemplate at v1.32.
 */
import type { FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { formatLabels } from '../api/labels.js';
import { nameIsDNSSubdomain, validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../api/meta.js';
import type { PodTemplate, PodTemplateSpec } from '../api/workloads.js';
import { defaultPodTemplate } from './apps/pod-template.js';
import { validatePodSpec } from './pods/validation.js';
import type { ResourceInfo, Strategy } from './strategy.js';
import { NAME_COLUMN, column } from './table-columns.js';

/** Discovery facts of core/v1 podtemplates. */
export const podTemplateInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'podtemplates',
  singular: 'podtemplate',
  kind: 'PodTemplate',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/**
 * ValidatePodTemplateSpec at `path`: the template's labels and annotations (at `<path>.labels`, `<path>.annotations`,
 * as upstream names the embedded metadata), its pod spec, and no ephemeral containers. A missing spec is an empty
 * one (Go's zero value), so it fails for its missing containers.
 */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: string): FieldError[] {
  const errs = [...validateLabels(template?.metadata?.labels, `${path}.labels`), ...validateAnnotations(template?.metadata?.annotations, `${path}.annotations`)];
  const spec = template?.spec ?? { containers: [] };
  errs.push(...validatePodSpec(spec, `${path}.spec`));
  if ((spec.ephemeralContainers ?? []).length > 0) errs.push(field.forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}

/** ValidatePodTemplate: metadata (a DNS subdomain name, namespaced) and the template. */
export function validatePodTemplate(pt: PodTemplate): FieldError[] {
  return [...validateObjectMeta(pt.metadata, true, nameIsDNSSubdomain), ...validatePodTemplateSpec(pt.template, 'template')];
}

/** ValidatePodTemplateUpdate: metadata update rules and the template (which may change). */
export function validatePodTemplateUpdate(pt: PodTemplate, old: PodTemplate): FieldError[] {
  return [...validateObjectMetaUpdate(pt.metadata, old.metadata), ...validatePodTemplateSpec(pt.template, 'template')];
}

/** The pod-spec defaults of the template (SetDefaults_PodSpec and nested; the template is a value in Go, so always present). */
function defaultTemplate(pt: PodTemplate): void {
  pt.template ??= {};
  pt.template.spec ??= { containers: [] };
  defaultPodTemplate(pt.template);
}

/** The core/v1 podtemplates Strategy. */
export const podTemplateStrategy: Strategy<PodTemplate> = {
  info: podTemplateInfo,
  prepareForCreate(pt) {
    defaultTemplate(pt);
    pt.metadata.generation = 1;
  },
  prepareForUpdate(pt, old) {
    defaultTemplate(pt);
    // Any change of the template moves the generation.
    const changed = !field.deepEqual(pt.template, old.template);
    pt.metadata.generation = (old.metadata.generation ?? 1) + (changed ? 1 : 0);
  },
  validate: validatePodTemplate,
  validateUpdate: validatePodTemplateUpdate,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Containers', 'string', 'Names of each container in the template.'),
      column('Images', 'string', 'Images referenced by each container in the template.'),
      column('Pod Labels', 'string', 'The labels for the pod template.'),
    ],
    cells: (pt) => {
      const containers = pt.template?.spec?.containers ?? [];
      return [pt.metadata.name ?? '', containers.map((c) => c.name).join(','), containers.map((c) => c.image ?? '').join(','), formatLabels(pt.template?.metadata?.labels)];
    },
  },
};

/**
 * Validation and defaulting of RBAC objects: rules, role references, subjects, names.
 *
 * Mirrors kube-apiserver `pkg/apis/rbac/validation/validation.go` (ValidatePolicyRule, ValidateRoleBinding,
 * ValidateRoleBindingSubject, ValidateRBACName = path segment names) and `pkg/apis/rbac/v1/defaults.go`
 * (apiGroup defaults of subjects and role references).
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { validateObjectMeta, validateObjectMetaUpdate, type NameValidator } from '../../api/meta.js';
import { RBAC_GROUP, type PolicyRule, type RoleBinding, type RoleRef, type Subject } from '../../api/rbac.js';
import type { ObjectMeta } from '../../api/types.js';
import { isDNS1123Subdomain } from '../../api/validation.js';

/** ValidateRBACName: any path segment name (path.IsValidPathSegmentName: not `.`/`..`, no `/` or `%`). */
export const rbacName: NameValidator = (name, prefix) => {
  const msgs: string[] = [];
  if (!prefix && (name === '.' || name === '..')) msgs.push(`may not be '${name}'`);
  for (const bad of ['/', '%']) if (name.includes(bad)) msgs.push(`may not contain '${bad}'`);
  return msgs;
};

/** ValidatePolicyRule of rule `i` of a Role (namespaced) or ClusterRole. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) errs.push(field.required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(field.invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
      errs.push(field.invalid(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) errs.push(field.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if ((rule.resources ?? []).length === 0) errs.push(field.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

/** The rules and metadata of a Role or ClusterRole. */
export function validateRole(meta: ObjectMeta, rules: PolicyRule[] | null | undefined, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(meta, namespaced, rbacName);
  (rules ?? []).forEach((r, i) => errs.push(...validatePolicyRule(r, namespaced, `rules[${i}]`)));
  return errs;
}

/** SetDefaults_Subject and SetDefaults_RoleRef: the API group of users, groups and role references. */
export function defaultBinding(b: { subjects?: Subject[]; roleRef?: RoleRef }): void {
  if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of b.subjects ?? []) {
    if (s.apiGroup === undefined || s.apiGroup === '') {
      if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
      else if (s.kind === 'ServiceAccount') s.apiGroup = '';
    }
  }
}

function validateSubject(s: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(field.required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const msg of isDNS1123Subdomain(s.name)) errs.push(field.invalid(`${path}.name`, s.name, msg));
      if (s.apiGroup) errs.push(field.notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(field.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(field.notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(field.notSupported(`${path}.kind`, s.kind, ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** ValidateRoleBinding / ValidateClusterRoleBinding: metadata, roleRef (Role or ClusterRole; only ClusterRole cluster-wide) and subjects. */
export function validateBinding(b: RoleBinding, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(b.metadata, namespaced, rbacName);
  const ref = b.roleRef ?? { apiGroup: '', kind: '', name: '' };
  if (ref.apiGroup !== RBAC_GROUP) errs.push(field.notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(field.notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(field.required('roleRef.name'));
  else for (const msg of rbacName(ref.name, false)) errs.push(field.invalid('roleRef.name', ref.name, msg));
  (b.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

/** ValidateRoleBindingUpdate: metadata rules and an immutable roleRef. */
export function validateBindingUpdate(b: RoleBinding, old: RoleBinding, namespaced: boolean): FieldError[] {
  const errs = validateObjectMetaUpdate(b.metadata, old.metadata);
  errs.push(...validateBinding(b, namespaced).filter((e) => !e.field.startsWith('metadata.')));
  const r = b.roleRef;
  const o = old.roleRef;
  if (r?.apiGroup !== o?.apiGroup || r?.kind !== o?.kind || r?.name !== o?.name) {
    errs.push(
      field.invalid('roleRef', new field.GoValue(`rbac.RoleRef{APIGroup:${JSON.stringify(r?.apiGroup ?? '')}, Kind:${JSON.stringify(r?.kind ?? '')}, Name:${JSON.stringify(r?.name ?? '')}}`), 'cannot change roleRef'),
    );
  }
  return errs;
}


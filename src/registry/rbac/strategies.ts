/**
 * The rbac.authorization.k8s.io/v1 strategies: Role, ClusterRole (with aggregationRule), RoleBinding and
 * ClusterRoleBinding, with their server-side tables (NAME CREATED AT; NAME ROLE AGE, wide: USERS GROUPS
 * SERVICEACCOUNTS).
 *
 * Mirrors kube-apiserver `pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/strategy.go`,
 * `pkg/apis/rbac/validation` and printers.go (printRole, printClusterRole, printRoleBinding,
 * printClusterRoleBinding).
 */
import { translateTimestampSince } from '../../api/duration.js';
import * as field from '../../api/field-errors.js';
import { validateObjectMetaUpdate } from '../../api/meta.js';
import { RBAC_GROUP, type ClusterRole, type ClusterRoleBinding, type Role, type RoleBinding, type Subject } from '../../api/rbac.js';
import { validateLabelSelector } from '../apps/pod-template.js';
import type { ResourceInfo, Strategy, TableConvertor } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';
import { defaultBinding, validateBinding, validateBindingUpdate, validateRole } from './validation.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function info(resource: string, singular: string, kind: string, namespaced: boolean): ResourceInfo {
  return { group: RBAC_GROUP, version: 'v1', resource, singular, kind, namespaced, shortNames: [], categories: [], verbs: VERBS, subresources: [] };
}

const CREATED_AT = column(
  'Created At',
  'date',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
);

const roleTable: TableConvertor<Role> = {
  columnDefinitions: [NAME_COLUMN, CREATED_AT],
  cells: (r) => [r.metadata.name ?? '', r.metadata.creationTimestamp ?? ''],
};

/** SubjectsStrings: users, groups and service accounts (`namespace/name`) of a binding. */
export function subjectsStrings(subjects: Subject[] | undefined): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of subjects ?? []) {
    if (s.kind === 'User') out.users.push(s.name);
    else if (s.kind === 'Group') out.groups.push(s.name);
    else if (s.kind === 'ServiceAccount') out.serviceAccounts.push(s.namespace ? `${s.namespace}/${s.name}` : s.name);
  }
  return out;
}

const bindingTable: TableConvertor<RoleBinding> = {
  columnDefinitions: [
    NAME_COLUMN,
    column('Role', 'string', 'RoleRef references the Role/ClusterRole the binding grants.'),
    AGE_COLUMN,
    column('Users', 'string', 'Users in the roleBinding', 1),
    column('Groups', 'string', 'Groups in the roleBinding', 1),
    column('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1),
  ],
  cells: (b, now) => {
    const s = subjectsStrings(b.subjects);
    return [
      b.metadata.name ?? '',
      `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`,
      translateTimestampSince(b.metadata.creationTimestamp, now),
      s.users.join(', '),
      s.groups.join(', '),
      s.serviceAccounts.join(', '),
    ];
  },
};

/** rbac/v1 roles. */
export const roleStrategy: Strategy<Role> = {
  info: info('roles', 'role', 'Role', true),
  validatesName: true,
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: (r) => validateRole(r.metadata, r.rules, true),
  validateUpdate: (r, old) => [...validateObjectMetaUpdate(r.metadata, old.metadata), ...validateRole(r.metadata, r.rules, true).filter((e) => !e.field.startsWith('metadata.'))],
  table: roleTable,
};

function validateClusterRole(r: ClusterRole): ReturnType<typeof validateRole> {
  const errs = validateRole(r.metadata, r.rules, false);
  const agg = r.aggregationRule;
  if (agg) {
    const selectors = agg.clusterRoleSelectors ?? [];
    if (selectors.length === 0) errs.push(field.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((sel, i) => errs.push(...validateLabelSelector(sel as Parameters<typeof validateLabelSelector>[0], `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

/** rbac/v1 clusterroles. */
export const clusterRoleStrategy: Strategy<ClusterRole> = {
  info: info('clusterroles', 'clusterrole', 'ClusterRole', false),
  validatesName: true,
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: validateClusterRole,
  validateUpdate: (r, old) => [...validateObjectMetaUpdate(r.metadata, old.metadata), ...validateClusterRole(r).filter((e) => !e.field.startsWith('metadata.'))],
  table: roleTable as TableConvertor<ClusterRole>,
};

/** rbac/v1 rolebindings. */
export const roleBindingStrategy: Strategy<RoleBinding> = {
  info: info('rolebindings', 'rolebinding', 'RoleBinding', true),
  validatesName: true,
  prepareForCreate: defaultBinding,
  prepareForUpdate: defaultBinding,
  validate: (b) => validateBinding(b, true),
  validateUpdate: (b, old) => validateBindingUpdate(b, old, true),
  table: bindingTable,
};

/** rbac/v1 clusterrolebindings. */
export const clusterRoleBindingStrategy: Strategy<ClusterRoleBinding> = {
  info: info('clusterrolebindings', 'clusterrolebinding', 'ClusterRoleBinding', false),
  validatesName: true,
  prepareForCreate: defaultBinding,
  prepareForUpdate: defaultBinding,
  validate: (b) => validateBinding(b, false),
  validateUpdate: (b, old) => validateBindingUpdate(b, old, false),
  table: bindingTable as TableConvertor<ClusterRoleBinding>,
};

/** The four RBAC strategies, in discovery order. */
export const rbacStrategies = [clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy];

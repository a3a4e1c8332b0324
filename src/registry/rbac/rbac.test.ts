import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from '../../api/errors.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from '../../api/rbac.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './strategies.js';

const msgs = (errs: Parameters<typeof formatFieldError>[0][]): string[] => errs.map(formatFieldError);
const REF = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' };

describe('RBAC strategies', () => {
  it('accepts path-segment names such as system:node, and refuses . and names with /', () => {
    assert.deepEqual(msgs(clusterRoleStrategy.validate({ metadata: { name: 'system:node' }, rules: [] } as ClusterRole)), []);
    assert.deepEqual(msgs(clusterRoleStrategy.validate({ metadata: { name: 'a/b' } } as ClusterRole)), ['metadata.name: Invalid value: "a/b": may not contain \'/\'']);
    assert.deepEqual(msgs(clusterRoleStrategy.validate({ metadata: { name: '..' } } as ClusterRole)), ['metadata.name: Invalid value: "..": may not be \'..\'']);
    assert.equal(clusterRoleStrategy.validatesName, true);
  });

  it('validates rules as ValidatePolicyRule does', () => {
    const role = (rules: PolicyRule[]): Role => ({ metadata: { name: 'r', namespace: 'ns' }, rules });
    assert.deepEqual(msgs(roleStrategy.validate(role([{ verbs: [] }]))), [
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
    ]);
    assert.deepEqual(msgs(roleStrategy.validate(role([{ verbs: ['get'], nonResourceURLs: ['/x'], resources: ['pods'] }]))), [
      'rules[0].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs',
      'rules[0].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs',
    ]);
    assert.deepEqual(msgs(clusterRoleStrategy.validate({ metadata: { name: 'c' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] } as ClusterRole)), []);
    assert.deepEqual(msgs(clusterRoleStrategy.validate({ metadata: { name: 'c' }, aggregationRule: { clusterRoleSelectors: [] } } as ClusterRole)), [
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ]);
  });

  it('defaults subject and roleRef API groups and validates bindings', () => {
    const b: RoleBinding = { metadata: { name: 'b', namespace: 'ns' }, roleRef: { apiGroup: '', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'bot' }] };
    roleBindingStrategy.prepareForCreate(b);
    assert.deepEqual(b.roleRef.apiGroup, 'rbac.authorization.k8s.io');
    assert.deepEqual(b.subjects, [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'bot', apiGroup: '' }]);
    assert.deepEqual(msgs(roleBindingStrategy.validate(b)), []);
    const crb: ClusterRoleBinding = { metadata: { name: 'c' }, roleRef: { ...REF, kind: 'Role' }, subjects: [{ kind: 'ServiceAccount', name: 'bot', apiGroup: '' }, { kind: 'Robot', name: 'x' }] };
    assert.deepEqual(msgs(clusterRoleBindingStrategy.validate(crb)), [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
      'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]);
  });

  it('keeps roleRef immutable', () => {
    const old: RoleBinding = { metadata: { name: 'b', namespace: 'ns' }, roleRef: REF };
    assert.deepEqual(msgs(roleBindingStrategy.validateUpdate({ ...old, roleRef: { ...REF, name: 'edit' } }, old)), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    ]);
  });

  it('prints NAME CREATED AT for roles and NAME ROLE AGE (wide: USERS GROUPS SERVICEACCOUNTS) for bindings', () => {
    assert.deepEqual(roleStrategy.table?.cells({ metadata: { name: 'r', creationTimestamp: '2025-01-01T00:00:00Z' } }, new Date()), ['r', '2025-01-01T00:00:00Z']);
    const b: ClusterRoleBinding = { metadata: { name: 'b', creationTimestamp: '2025-01-01T00:00:00Z' }, roleRef: REF, subjects: [{ kind: 'User', name: 'a' }, { kind: 'User', name: 'b' }, { kind: 'Group', name: 'g' }, { kind: 'ServiceAccount', name: 's', namespace: 'ns' }] };
    assert.deepEqual(clusterRoleBindingStrategy.table?.cells(b, new Date('2025-01-01T00:05:00Z')), ['b', 'ClusterRole/view', '5m', 'a, b', 'g', 'ns/s']);
    assert.deepEqual(clusterRoleBindingStrategy.table?.columnDefinitions.map((c) => `${c.name}:${c.priority}`), ['Name:0', 'Role:0', 'Age:0', 'Users:1', 'Groups:1', 'ServiceAccounts:1']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthorizationAttributes } from '../../api/authorization.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from '../../api/rbac.js';
import type { UserInfo } from '../../api/user.js';
import { RbacAuthorizer, ruleAllows, subjectMatches } from './rbac.js';
import type { WatchedObjects } from './watched-objects.js';

const jane: UserInfo = { username: 'jane', uid: '', groups: ['dev', 'system:authenticated'], extra: {} };
const sa: UserInfo = { username: 'system:serviceaccount:team:bot', uid: 'u', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'], extra: {} };

function attrs(over: Partial<AuthorizationAttributes>): AuthorizationAttributes {
  return { user: jane, verb: 'get', resourceRequest: true, apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'default', name: '', path: '', ...over };
}

/** A WatchedObjects stand-in over a fixed list. */
function objects<T extends { metadata: { namespace?: string; name?: string } }>(items: T[]): WatchedObjects<T> {
  return {
    get: (ns: string, name: string) => items.find((i) => (i.metadata.namespace ?? '') === ns && i.metadata.name === name),
    values: () => items.values(),
  } as unknown as WatchedObjects<T>;
}

describe('RBAC rule evaluation', () => {
  const cases: [string, PolicyRule, Partial<AuthorizationAttributes>, boolean][] = [
    ['exact verb, group and resource', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, {}, true],
    ['another verb', { verbs: ['list'], apiGroups: [''], resources: ['pods'] }, {}, false],
    ['another group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, {}, false],
    ['* verbs, groups and resources', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { subresource: 'log' }, true],
    ['a subresource needs resource/sub', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { subresource: 'log' }, false],
    ['resource/sub', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, { subresource: 'log' }, true],
    ['*/sub matches any resource of that subresource', { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, { resource: 'nodes', subresource: 'status' }, true],
    ['*/sub does not match the resource itself', { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, {}, false],
    ['resourceNames match the name', { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, { name: 'web' }, true],
    ['resourceNames do not match another name', { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, { name: 'db' }, false],
    ['resourceNames do not match a list (no name)', { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, { verb: 'list' }, false],
    ['a non-resource URL', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, { resourceRequest: false, path: '/healthz' }, true],
    ['a URL prefix with *', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, { resourceRequest: false, path: '/apis/apps/v1' }, true],
    ['no prefix without *', { verbs: ['get'], nonResourceURLs: ['/apis'] }, { resourceRequest: false, path: '/apis/apps' }, false],
    ['resource rules never match paths', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { resourceRequest: false, path: '/healthz' }, false],
  ];
  for (const [what, rule, a, want] of cases) {
    it(`ruleAllows: ${what}`, () => assert.equal(ruleAllows(attrs(a), rule), want));
  }

  it('subjects match users by name, groups by membership, ServiceAccounts by namespace (a RoleBinding\'s own by default)', () => {
    assert.equal(subjectMatches(jane, { kind: 'User', name: 'jane' }, ''), true);
    assert.equal(subjectMatches(jane, { kind: 'Group', name: 'dev' }, ''), true);
    assert.equal(subjectMatches(jane, { kind: 'Group', name: 'ops' }, ''), false);
    assert.equal(subjectMatches(sa, { kind: 'ServiceAccount', name: 'bot', namespace: 'team' }, ''), true);
    assert.equal(subjectMatches(sa, { kind: 'ServiceAccount', name: 'bot' }, 'team'), true);
    assert.equal(subjectMatches(sa, { kind: 'ServiceAccount', name: 'bot' }, ''), false);
    assert.equal(subjectMatches(sa, { kind: 'ServiceAccount', name: 'bot' }, 'other'), false);
    assert.equal(subjectMatches(sa, { kind: 'User', name: 'system:serviceaccount:team:bot' }, ''), true);
  });
});

describe('RbacAuthorizer', () => {
  const view: ClusterRole = { metadata: { name: 'view' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] };
  const deployer: Role = { metadata: { namespace: 'team', name: 'deployer' }, rules: [{ verbs: ['create'], apiGroups: ['apps'], resources: ['deployments'] }] };
  const crb: ClusterRoleBinding = { metadata: { name: 'devs-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'dev' }] };
  const rb: RoleBinding = { metadata: { namespace: 'team', name: 'bot-deploys' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' }, subjects: [{ kind: 'ServiceAccount', name: 'bot' }] };
  const ghost: RoleBinding = { metadata: { namespace: 'team', name: 'ghost' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'missing' }, subjects: [{ kind: 'User', name: 'jane' }] };
  const z = new RbacAuthorizer({ roles: objects([deployer]), clusterRoles: objects([view]), roleBindings: objects([rb, ghost]), clusterRoleBindings: objects([crb]) });

  it('allows through a ClusterRoleBinding anywhere and says which', () => {
    assert.deepEqual(z.authorize(attrs({ verb: 'list', namespace: 'kube-system' })), {
      decision: 'Allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "devs-view" of ClusterRole "view" to Group "dev"',
    });
  });

  it('allows through a RoleBinding in its namespace only', () => {
    const a = attrs({ user: sa, verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'team' });
    assert.deepEqual(z.authorize(a), { decision: 'Allow', reason: 'RBAC: allowed by RoleBinding "bot-deploys/team" of Role "deployer" to ServiceAccount "bot/team"' });
    assert.deepEqual(z.authorize({ ...a, namespace: 'default' }), { decision: 'NoOpinion', reason: '' });
  });

  it('has no opinion, naming a bound role that is missing', () => {
    assert.deepEqual(z.authorize(attrs({ verb: 'delete', namespace: 'team' })), { decision: 'NoOpinion', reason: 'RBAC: role.rbac.authorization.k8s.io "missing" not found' });
  });

  it('lists the rules bound to a user in a namespace', () => {
    assert.deepEqual(z.rulesFor(jane, 'team'), {
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [],
      incomplete: false,
      evaluationError: 'role.rbac.authorization.k8s.io "missing" not found',
    });
  });
});

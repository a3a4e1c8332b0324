/**
 * The RBAC authorizer: allows a request when a rule of a role bound to the user (by name, group or ServiceAccount)
 * covers it — ClusterRoleBindings everywhere, RoleBindings in their namespace — and lists a user's rules for
 * SelfSubjectRulesReview.
 *
 * Mirrors kube-apiserver `plugin/pkg/auth/authorizer/rbac/rbac.go` (Authorize, RulesFor, the `RBAC: allowed by ...`
 * reason), `pkg/registry/rbac/validation/rule.go` (VisitRulesFor, appliesTo, the `... not found` errors that make
 * evaluation incomplete) and `pkg/apis/rbac/v1/evaluation_helpers.go` (VerbMatches, APIGroupMatches,
 * ResourceMatches, where `*` before a slash matches any resource of that subresource, ResourceNameMatches, NonResourceURLMatches with trailing `*`).
 */
import { toReviewRules, type AuthorizationAttributes, type AuthorizationResult, type RulesResult } from '../../api/authorization.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from '../../api/rbac.js';
import { splitServiceAccountUsername, type UserInfo } from '../../api/user.js';
import type { WatchedObjects } from './watched-objects.js';

/** Where the RBAC authorizer reads roles and bindings. */
export interface RbacObjects {
  roles: WatchedObjects<Role>;
  clusterRoles: WatchedObjects<ClusterRole>;
  roleBindings: WatchedObjects<RoleBinding>;
  clusterRoleBindings: WatchedObjects<ClusterRoleBinding>;
}

const has = (list: string[] | undefined, v: string): boolean => (list ?? []).some((x) => x === '*' || x === v);

/** RuleAllows: whether `rule` covers the request `a`. */
export function ruleAllows(a: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.replace(/\*+$/, ''))));
  }
  if (!has(rule.apiGroups, a.apiGroup)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk = (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (a.subresource !== '' && r === `*/${a.subresource}`),
  );
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name);
}

/** appliesTo: whether `subject` (of a binding in `namespace`, '' for ClusterRoleBindings) names `user`. */
export function subjectMatches(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || namespace;
      if (!ns) return false;
      const sa = splitServiceAccountUsername(user.username);
      return sa !== undefined && sa.namespace === ns && sa.name === subject.name;
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

/** One source of rules a user holds: the binding that grants them, or why its role could not be read. */
type Visit = { rules: PolicyRule[]; source: string } | { error: string };

/** The RBAC authorizer over watched roles and bindings. */
export class RbacAuthorizer {
  constructor(private readonly objects: RbacObjects) {}

  private roleRules(ref: { kind: string; name: string }, namespace: string): PolicyRule[] | string {
    if (ref.kind === 'ClusterRole') {
      const r = this.objects.clusterRoles.get('', ref.name);
      return r ? (r.rules ?? []) : `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`;
    }
    if (ref.kind === 'Role') {
      const r = this.objects.roles.get(namespace, ref.name);
      return r ? (r.rules ?? []) : `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`;
    }
    return `unsupported role reference kind: ${JSON.stringify(ref.kind)}`;
  }

  /** VisitRulesFor: ClusterRoleBindings first, then the RoleBindings of `namespace`; stops when `visit` returns false. */
  private *visits(user: UserInfo, namespace: string): Generator<Visit> {
    for (const b of this.objects.clusterRoleBindings.values()) {
      const subject = (b.subjects ?? []).find((s) => subjectMatches(user, s, ''));
      if (!subject) continue;
      const rules = this.roleRules(b.roleRef, '');
      if (typeof rules === 'string') yield { error: rules };
      else yield { rules, source: `ClusterRoleBinding ${JSON.stringify(b.metadata.name ?? '')} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, '')}` };
    }
    if (namespace === '') return;
    for (const b of this.objects.roleBindings.values()) {
      if (b.metadata.namespace !== namespace) continue;
      const subject = (b.subjects ?? []).find((s) => subjectMatches(user, s, namespace));
      if (!subject) continue;
      const rules = this.roleRules(b.roleRef, namespace);
      if (typeof rules === 'string') yield { error: rules };
      else yield { rules, source: `RoleBinding ${JSON.stringify(`${b.metadata.name ?? ''}/${namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, namespace)}` };
    }
  }

  /** Allow with `RBAC: allowed by ...`, else no opinion (reason `RBAC: <errors>` when a bound role was missing). */
  authorize(a: AuthorizationAttributes): AuthorizationResult {
    const errors: string[] = [];
    for (const v of this.visits(a.user, a.namespace)) {
      if ('error' in v) {
        errors.push(v.error);
        continue;
      }
      if (v.rules.some((r) => ruleAllows(a, r))) return { decision: 'Allow', reason: `RBAC: allowed by ${v.source}` };
    }
    if (errors.length === 0) return { decision: 'NoOpinion', reason: '' };
    const aggregate = errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
    return { decision: 'NoOpinion', reason: `RBAC: ${aggregate}` };
  }

  /** The PolicyRules bound to `user` in `namespace` ('' = cluster-wide only) and why some could not be read (RulesFor). */
  policyRules(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    for (const v of this.visits(user, namespace)) {
      if ('error' in v) errors.push(v.error);
      else rules.push(...v.rules);
    }
    return { rules, errors };
  }

  /** The rules of the role a binding in `namespace` references (GetRoleReferenceRules); throws when it is missing. */
  referencedRules(ref: { kind: string; name: string }, namespace: string): PolicyRule[] {
    const rules = this.roleRules(ref, namespace);
    if (typeof rules === 'string') throw new Error(rules);
    return rules;
  }

  /** The rules bound to `user` in `namespace` (never incomplete; missing roles are the evaluation error). */
  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const { rules, errors } = this.policyRules(user, namespace);
    return { ...toReviewRules(rules), incomplete: false, evaluationError: errors.length === 0 ? '' : errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]` };
  }
}

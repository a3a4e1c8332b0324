/**
 * RBAC escalation prevention: a user may create or update a Role or ClusterRole only with rules they hold already
 * (or with the `escalate` verb on it), and a RoleBinding or ClusterRoleBinding only to a role whose rules they hold
 * (or with the `bind` verb on it); an aggregationRule needs full authority. system:masters may do anything.
 *
 * Mirrors kube-apiserver `pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased/storage.go`,
 * `pkg/registry/rbac/escalation_check.go` (EscalationAllowed, RoleEscalationAuthorized, BindingAuthorized) and
 * `pkg/registry/rbac/validation` (ConfirmNoEscalation, Covers, BreakdownRule, CompactRules, CompactString) with its
 * message `user "u" (groups=["g"]) is attempting to grant RBAC permissions not currently held:`.
 */
import type { AuthorizationAttributes, Authorizer } from '../../api/authorization.js';
import { forbiddenResource } from '../../api/errors.js';
import { RBAC_GROUP, type ClusterRole, type PolicyRule, type RoleBinding } from '../../api/rbac.js';
import { SYSTEM_MASTERS, type UserInfo } from '../../api/user.js';
import type { AdmissionAttributes } from '../resource-handler.js';

/** Where the check reads rules: what `user` holds in `namespace` ('' = cluster-wide), and a role's rules. */
export interface EscalationDeps {
  authorizer: Authorizer;
  /** The RBAC rules `user` holds (RBAC's rule resolver), with resolution errors. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] };
  /** The rules of a binding's role; throws (message) when the role cannot be read. */
  roleRules(ref: { kind: string; name: string }, namespace: string): PolicyRule[];
}

const RESOURCES = new Set(['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings']);

/** BreakdownRule: one rule per group, resource, verb (and name); one per URL and verb. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const g of rule.apiGroups ?? []) {
    for (const r of rule.resources ?? []) {
      for (const v of rule.verbs) {
        if ((rule.resourceNames ?? []).length > 0) for (const n of rule.resourceNames ?? []) out.push({ apiGroups: [g], resources: [r], verbs: [v], resourceNames: [n] });
        else out.push({ apiGroups: [g], resources: [r], verbs: [v] });
      }
    }
  }
  for (const u of rule.nonResourceURLs ?? []) for (const v of rule.verbs) out.push({ nonResourceURLs: [u], verbs: [v] });
  return out;
}

const hasAll = (set: string[] | undefined, want: string[] | undefined): boolean => (want ?? []).every((w) => (set ?? []).includes(w));

function resourcesCover(owner: string[] | undefined, wanted: string[] | undefined): boolean {
  if ((owner ?? []).includes('*')) return true;
  return (wanted ?? []).every((r) => {
    if ((owner ?? []).includes(r)) return true;
    const slash = r.indexOf('/');
    return slash >= 0 && (owner ?? []).includes(`*${r.slice(slash)}`);
  });
}

function urlsCover(owner: string[] | undefined, wanted: string[] | undefined): boolean {
  return (wanted ?? []).every((u) => (owner ?? []).some((o) => o === u || o === '*' || (o.endsWith('*') && u.startsWith(o.slice(0, -1)))));
}

/** ruleCovers: whether `owner` allows everything `sub` (one broken-down rule) does. */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs);
  const groups = (owner.apiGroups ?? []).includes('*') || hasAll(owner.apiGroups, sub.apiGroups);
  const names = (sub.resourceNames ?? []).length === 0 ? (owner.resourceNames ?? []).length === 0 : (owner.resourceNames ?? []).length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return verbs && groups && resourcesCover(owner.resources, sub.resources) && names && urlsCover(owner.nonResourceURLs, sub.nonResourceURLs);
}

/** Covers: whether `owner` rules cover `servant` rules, and the broken-down rules they do not. */
export function covers(owner: PolicyRule[], servant: PolicyRule[]): PolicyRule[] {
  return servant.flatMap(breakdownRule).filter((sub) => !owner.some((o) => ruleCovers(o, sub)));
}

/** CompactRules: single-group single-resource rules that differ only by verb are merged. */
function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = (r.apiGroups ?? []).length === 1 && (r.resources ?? []).length === 1 && !(r.resourceNames ?? []).length && !(r.nonResourceURLs ?? []).length;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = `${r.apiGroups![0]}\u0000${r.resources![0]}`;
    const have = simple.get(key);
    if (have) {
      for (const v of r.verbs) if (!have.verbs.includes(v)) have.verbs.push(v);
    } else {
      const copy = { apiGroups: [...r.apiGroups!], resources: [...r.resources!], verbs: [...r.verbs] };
      simple.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}

const q = (list: string[]): string => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;

/** CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if ((r.apiGroups ?? []).length) parts.push(`APIGroups:${q(r.apiGroups!)}`);
  if ((r.resources ?? []).length) parts.push(`Resources:${q(r.resources!)}`);
  if ((r.nonResourceURLs ?? []).length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs!)}`);
  if ((r.resourceNames ?? []).length) parts.push(`ResourceNames:${q(r.resourceNames!)}`);
  if (r.verbs.length) parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** ConfirmNoEscalation: the message refusing `rules` to `user` in `namespace`, or undefined when they hold them all. */
export function escalationError(deps: EscalationDeps, user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
  const owner = deps.rulesFor(user, namespace);
  const missing = covers(owner.rules, rules);
  if (missing.length === 0) return undefined;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.username)} (groups=${q(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
  if (owner.errors.length) msg += `; resolution errors: [${owner.errors.join(' ')}]`;
  return msg;
}

/** The admission plugin (on create and update of the four RBAC kinds). */
export function rbacEscalationAdmission(deps: EscalationDeps): (a: AdmissionAttributes) => Promise<void> {
  const allowedBy = async (a: AdmissionAttributes, verb: string, resource: string, namespace: string, name: string): Promise<boolean> => {
    const attrs: AuthorizationAttributes = { user: a.user, verb, resourceRequest: true, apiGroup: RBAC_GROUP, apiVersion: '*', resource, subresource: '', namespace, name, path: '' };
    return (await deps.authorizer.authorize(attrs)).decision === 'Allow';
  };
  return async (a) => {
    if (a.group !== RBAC_GROUP || !RESOURCES.has(a.resource) || a.subresource !== '') return;
    if (a.user.groups.includes(SYSTEM_MASTERS)) return;
    const gr = { group: RBAC_GROUP, resource: a.resource };
    const name = a.object.metadata.name || a.name || '';
    const namespace = a.resource === 'roles' || a.resource === 'rolebindings' ? a.namespace : '';
    if (a.resource === 'roles' || a.resource === 'clusterroles') {
      if (await allowedBy(a, 'escalate', a.resource, namespace, name)) return;
      const role = a.object as ClusterRole;
      const err = escalationError(deps, a.user, namespace, role.rules ?? []);
      if (err) throw forbiddenResource(gr, name, err);
      if (role.aggregationRule && escalationError(deps, a.user, namespace, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }])) {
        throw forbiddenResource(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
      }
      return;
    }
    const ref = (a.object as RoleBinding).roleRef ?? { apiGroup: '', kind: '', name: '' };
    const roleResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
    if (await allowedBy(a, 'bind', roleResource, namespace, ref.name)) return;
    let rules: PolicyRule[];
    try {
      rules = deps.roleRules(ref, namespace);
    } catch (err) {
      throw forbiddenResource(gr, name, (err as Error).message);
    }
    const err = escalationError(deps, a.user, namespace, rules);
    if (err) throw forbiddenResource(gr, name, err);
  };
}

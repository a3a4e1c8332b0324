/**
 * Authorization's vocabulary: the attributes of a request (who, which verb, on what), an authorizer's decision,
 * the rules a user holds (for SelfSubjectRulesReview), and kube-apiserver's Forbidden message text.
 *
 * Mirrors k8s.io/apiserver `pkg/authorization/authorizer/interfaces.go` (Attributes, Decision, RuleResolver) and
 * `pkg/endpoints/handlers/responsewriters/errors.go` (forbiddenMessage).
 */
import type { PolicyRule } from './rbac.js';
import type { UserInfo } from './user.js';

/** What is asked: a resource request (`resourceRequest`) or a non-resource path. */
export interface AuthorizationAttributes {
  user: UserInfo;
  /** Lower-case: get, list, watch, create, update, patch, delete, deletecollection, impersonate... or an HTTP verb for paths. */
  verb: string;
  resourceRequest: boolean;
  /** Resource requests: the API group ('' core), version, resource, subresource, namespace ('' cluster scope) and name. */
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** Non-resource requests: the URL path. */
  path: string;
}

/** An authorizer's answer: allow, deny (stops the chain) or no opinion (the next one decides). */
export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

/** A decision with its reason (RBAC: `RBAC: allowed by ...`; empty when nothing is to be said). */
export interface AuthorizationResult {
  decision: Decision;
  reason: string;
  /** Why evaluation was incomplete (a binding to a missing role...); '' when none. */
  evaluationError?: string;
}

/** authorization.k8s.io/v1 ResourceRule and NonResourceRule, as SelfSubjectRulesReview lists them. */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** The rules a user holds in a namespace (RuleResolver.RulesFor). */
export interface RulesResult {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError: string;
}

/** Decides requests and lists a user's rules (the API server's authorizer chain). */
export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): AuthorizationResult | Promise<AuthorizationResult>;
  rulesFor(user: UserInfo, namespace: string): RulesResult | Promise<RulesResult>;
}

/** Splits PolicyRules into the resource and non-resource rules of a SelfSubjectRulesReview (rbac ConvertToResourceRules). */
export function toReviewRules(rules: PolicyRule[]): { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] } {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  for (const r of rules) {
    if ((r.resources ?? []).length > 0) {
      const rr: ResourceRule = { verbs: [...r.verbs], apiGroups: [...(r.apiGroups ?? [])], resources: [...(r.resources ?? [])] };
      if ((r.resourceNames ?? []).length > 0) rr.resourceNames = [...(r.resourceNames ?? [])];
      resourceRules.push(rr);
    }
    if ((r.nonResourceURLs ?? []).length > 0) nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...(r.nonResourceURLs ?? [])] });
  }
  return { resourceRules, nonResourceRules };
}

/**
 * The text of a 403 for `a` (responsewriters forbiddenMessage): `User "u" cannot list resource "pods" in API group
 * "" in the namespace "default"`, `... at the cluster scope`, or `User "u" cannot get path "/x"`.
 */
export function forbiddenMessage(a: AuthorizationAttributes): string {
  const user = JSON.stringify(a.user.username);
  if (!a.resourceRequest) return `User ${user} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return `User ${user} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${where}`;
}

/**
 * The API server's authorizer chain and what it is asked: request attributes from a request, the chain
 * (system:masters, then the Node authorizer, then RBAC; or AlwaysAllow), and the 403 Forbidden it answers with.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/request/requestinfo.go` (verbs; a list or watch with a
 * `metadata.name=` field selector is about that name), `pkg/authorization/union` (first decision wins, reasons
 * joined), kube-apiserver's privileged-group authorizer (`system:masters`), `--authorization-mode` (Node,RBAC;
 * AlwaysAllow) and `responsewriters.Forbidden` (`pods is forbidden: User "..." cannot list resource "pods" ...`).
 */
import { forbiddenMessage, type AuthorizationAttributes, type AuthorizationResult, type Authorizer, type RulesResult } from '../../api/authorization.js';
import { StatusError } from '../../api/errors.js';
import { SYSTEM_MASTERS, type UserInfo } from '../../api/user.js';
import type { RequestInfo } from '../routing.js';
import type { NodeAuthorizer } from './node.js';
import type { RbacAuthorizer } from './rbac.js';

/** The attributes of a request by `user` (requestinfo.go + authorizer.AttributesRecord). */
export function requestAttributes(user: UserInfo, method: string, path: string, info: RequestInfo, query: URLSearchParams): AuthorizationAttributes {
  if (info.kind !== 'resource') {
    return { user, verb: method.toLowerCase(), resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path };
  }
  let name = info.name;
  if ((info.verb === 'list' || info.verb === 'watch') && name === '') {
    const m = /^metadata\.name==?([^,]*)$/.exec((query.get('fieldSelector') ?? '').trim());
    if (m) name = m[1]!;
  }
  // A namespace's own requests (`/api/v1/namespaces/x`) are about the namespace object, namespaced by its name.
  const namespace = info.resource === 'namespaces' && info.namespace === '' ? info.name : info.namespace;
  return {
    user,
    verb: info.verb,
    resourceRequest: true,
    apiGroup: info.group,
    apiVersion: info.version,
    resource: info.resource,
    subresource: info.subresource,
    namespace,
    name,
    path,
  };
}

/** apierrors.NewForbidden for a denied request: `<resource>[.<group>] ["<name>"] is forbidden: <message>[: <reason>]`. */
export function forbiddenError(a: AuthorizationAttributes, reason: string): StatusError {
  const msg = reason ? `${forbiddenMessage(a)}: ${reason}` : forbiddenMessage(a);
  const resource = a.resourceRequest ? (a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource) : '';
  const message = !resource ? `forbidden: ${msg}` : a.name ? `${resource} ${JSON.stringify(a.name)} is forbidden: ${msg}` : `${resource} is forbidden: ${msg}`;
  // Go leaves empty detail fields out (omitempty).
  const details: { name?: string; group?: string; kind?: string } = {};
  if (a.resourceRequest) {
    if (a.name) details.name = a.name;
    if (a.apiGroup) details.group = a.apiGroup;
    if (a.resource) details.kind = a.resource;
  }
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', code: 403, details });
}

/** `--authorization-mode`: Node and RBAC (kube-apiserver as k3s runs it), or AlwaysAllow. */
export type AuthorizationMode = 'Node,RBAC' | 'RBAC' | 'AlwaysAllow';

const ALL: RulesResult = { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false, evaluationError: '' };

/** The union of the authorizers of a mode, behind the privileged group. */
export class AuthorizerChain implements Authorizer {
  constructor(private readonly parts: { mode: AuthorizationMode; node?: NodeAuthorizer; rbac?: RbacAuthorizer }) {}

  async authorize(a: AuthorizationAttributes): Promise<AuthorizationResult> {
    if (this.parts.mode === 'AlwaysAllow' || a.user.groups.includes(SYSTEM_MASTERS)) return { decision: 'Allow', reason: '' };
    const reasons: string[] = [];
    for (const z of [this.parts.mode === 'Node,RBAC' ? this.parts.node : undefined, this.parts.rbac]) {
      if (!z) continue;
      const r = await z.authorize(a);
      if (r.decision !== 'NoOpinion') return r;
      if (r.reason) reasons.push(r.reason);
    }
    return { decision: 'NoOpinion', reason: reasons.join('\n') };
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
    if (this.parts.mode === 'AlwaysAllow') return structuredClone(ALL);
    const out: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };
    const errors: string[] = [];
    const parts = [this.parts.mode === 'Node,RBAC' ? this.parts.node?.rulesFor(user) : undefined, this.parts.rbac?.rulesFor(user, namespace)];
    for (const r of parts) {
      if (!r) continue;
      out.resourceRules.push(...r.resourceRules);
      out.nonResourceRules.push(...r.nonResourceRules);
      out.incomplete ||= r.incomplete;
      if (r.evaluationError) errors.push(r.evaluationError);
    }
    out.evaluationError = errors.length <= 1 ? (errors[0] ?? '') : `[${errors.join(', ')}]`;
    return out;
  }

  /** Authorizes `a` and throws 403 Forbidden unless allowed. */
  async check(a: AuthorizationAttributes): Promise<void> {
    const r = await this.authorize(a);
    if (r.decision !== 'Allow') throw forbiddenError(a, r.reason);
  }
}

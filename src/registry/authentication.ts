/**
 * authentication.k8s.io/v1, served without storage: SelfSubjectReview (who am I? — `kubectl auth whoami`) and
 * TokenReview (who is this token?).
 *
 * Mirrors kube-apiserver `pkg/registry/authentication/selfsubjectreview/rest.go` and
 * `pkg/registry/authentication/tokenreview/storage.go` (an empty audience list means the API server's audiences).
 */
import { badRequest, internalError } from '../api/errors.js';
import { rfc3339 } from '../api/meta.js';
import type { KubeObject } from '../api/types.js';
import type { UserInfo } from '../api/user.js';
import type { ResourceInfo, Strategy } from './strategy.js';

const GROUP = 'authentication.k8s.io';

function info(resource: string, kind: string): ResourceInfo {
  return { group: GROUP, version: 'v1', resource, singular: resource.replace(/s$/, ''), kind, namespaced: false, shortNames: [], categories: [], verbs: ['create'], subresources: [] };
}

/** authentication/v1 UserInfo (uid and extra left out when empty, as Go's omitempty does). */
export function userInfoJson(u: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { username: u.username };
  if (u.uid) out['uid'] = u.uid;
  if (u.groups.length) out['groups'] = [...u.groups];
  if (Object.keys(u.extra).length) out['extra'] = { ...u.extra };
  return out;
}

/** SelfSubjectReview / TokenReview. */
export interface IdentityReview extends KubeObject {
  spec?: { token?: string; audiences?: string[] | null };
  status?: Record<string, unknown>;
}

/** SelfSubjectReview: the requester's user info, as authentication (and impersonation) left it. */
export const selfSubjectReviewStrategy: Strategy<IdentityReview> = {
  info: info('selfsubjectreviews', 'SelfSubjectReview'),
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: () => [],
  validateUpdate: () => [],
  async createWithoutStorage(review, ctx) {
    return { apiVersion: review.apiVersion ?? `${GROUP}/v1`, kind: 'SelfSubjectReview', metadata: { creationTimestamp: rfc3339(ctx.now) }, status: { userInfo: userInfoJson(ctx.user) } };
  },
};

/** TokenReview: authenticates `spec.token` for `spec.audiences` (default the API server's). */
export const tokenReviewStrategy: Strategy<IdentityReview> = {
  info: info('tokenreviews', 'TokenReview'),
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: () => [],
  validateUpdate: () => [],
  async createWithoutStorage(review, ctx) {
    const token = review.spec?.token ?? '';
    if (token === '') throw badRequest('token is required for TokenReview in ');
    const requested = (review.spec?.audiences ?? []).length > 0 ? [...(review.spec?.audiences ?? [])] : [...ctx.apiAudiences];
    const r = await ctx.authenticateToken(token, requested);
    if (r.user && requested.length > 0 && !(r.audiences ?? []).some((a) => requested.includes(a))) throw internalError('token audiences did not match the requested audiences');
    const status: Record<string, unknown> = { authenticated: r.authenticated };
    if (r.user) {
      status['user'] = userInfoJson(r.user);
      status['audiences'] = r.audiences ?? [];
    }
    if (r.error) status['error'] = r.error;
    review.status = status;
    review.metadata = { ...review.metadata, creationTimestamp: null } as never;
    return review;
  },
};

/** The authentication.k8s.io/v1 review strategies. */
export const authenticationStrategies = [selfSubjectReviewStrategy, tokenReviewStrategy];

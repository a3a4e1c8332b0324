/**
 * authorization.k8s.io/v1, served without storage: SelfSubjectAccessReview (may I?), SubjectAccessReview and
 * LocalSubjectAccessReview (may they?), SelfSubjectRulesReview (what may I do in a namespace?); what `kubectl auth
 * can-i [--list]` asks.
 *
 * Mirrors kube-apiserver `pkg/registry/authorization/{selfsubjectaccessreview,subjectaccessreview,
 * localsubjectaccessreview,selfsubjectrulesreview}/rest.go`, `pkg/registry/authorization/util`
 * (ResourceAttributesFrom: an empty version matches all) and `pkg/apis/authorization/validation`.
 */
import type { AuthorizationAttributes } from '../api/authorization.js';
import { badRequest, invalid, type FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import type { KubeObject } from '../api/types.js';
import type { UserInfo } from '../api/user.js';
import type { RequestContext, ResourceInfo, Strategy } from './strategy.js';

const GROUP = 'authorization.k8s.io';

/** authorization/v1 ResourceAttributes. */
export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** authorization/v1 NonResourceAttributes. */
export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

/** The spec and status every access review shares. */
export interface AccessReview extends KubeObject {
  spec?: {
    resourceAttributes?: ResourceAttributes | null;
    nonResourceAttributes?: NonResourceAttributes | null;
    user?: string;
    groups?: string[] | null;
    extra?: Record<string, string[]> | null;
    uid?: string;
    /** SelfSubjectRulesReview. */
    namespace?: string;
  };
  status?: Record<string, unknown>;
}

function info(resource: string, kind: string, namespaced: boolean): ResourceInfo {
  return { group: GROUP, version: 'v1', resource, singular: resource.replace(/s$/, ''), kind, namespaced, shortNames: [], categories: [], verbs: ['create'], subresources: [] };
}

/** ResourceAttributesFrom / NonResourceAttributesFrom: what a review asks, for `user`. */
export function reviewAttributes(user: UserInfo, spec: NonNullable<AccessReview['spec']>): AuthorizationAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user,
      verb: r.verb ?? '',
      resourceRequest: true,
      apiGroup: r.group ?? '',
      apiVersion: r.version || '*',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      namespace: r.namespace ?? '',
      name: r.name ?? '',
      path: '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path: n.path ?? '' };
}

function validateAttributes(spec: NonNullable<AccessReview['spec']>): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    errs.push(field.invalid('spec.nonResourceAttributes', new field.GoValue(`&authorization.NonResourceAttributes{Path:${JSON.stringify(spec.nonResourceAttributes.path ?? '')}, Verb:${JSON.stringify(spec.nonResourceAttributes.verb ?? '')}}`), 'cannot be specified in combination with resourceAttributes'));
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    errs.push(field.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  return errs;
}

async function decide(review: AccessReview, user: UserInfo, ctx: RequestContext): Promise<AccessReview> {
  const result = await ctx.authorizer.authorize(reviewAttributes(user, review.spec ?? {}));
  const status: Record<string, unknown> = { allowed: result.decision === 'Allow' };
  if (result.decision === 'Deny') status['denied'] = true;
  if (result.reason) status['reason'] = result.reason;
  if (result.evaluationError) status['evaluationError'] = result.evaluationError;
  review.status = status;
  review.metadata = { ...review.metadata, creationTimestamp: null } as never;
  return review;
}

function specUser(spec: NonNullable<AccessReview['spec']>): UserInfo {
  return { username: spec.user ?? '', uid: spec.uid ?? '', groups: [...(spec.groups ?? [])], extra: { ...(spec.extra ?? {}) } };
}

/** SelfSubjectAccessReview: may the requester do this? */
export const selfSubjectAccessReviewStrategy: Strategy<AccessReview> = {
  info: info('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false),
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: () => [],
  validateUpdate: () => [],
  async createWithoutStorage(review, ctx) {
    const errs = validateAttributes(review.spec ?? {});
    if (errs.length) throw invalid('SelfSubjectAccessReview', GROUP, '', errs);
    return decide(review, ctx.user, ctx);
  },
};

/** SubjectAccessReview: may `spec.user`/`spec.groups` do this (cluster-wide)? */
export const subjectAccessReviewStrategy: Strategy<AccessReview> = {
  info: info('subjectaccessreviews', 'SubjectAccessReview', false),
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: () => [],
  validateUpdate: () => [],
  async createWithoutStorage(review, ctx) {
    const spec = review.spec ?? {};
    const errs = validateAttributes(spec);
    if (!spec.user && (spec.groups ?? []).length === 0) errs.push(field.invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
    if (errs.length) throw invalid('SubjectAccessReview', GROUP, '', errs);
    return decide(review, specUser(spec), ctx);
  },
};

/** LocalSubjectAccessReview: a SubjectAccessReview confined to the request's namespace. */
export const localSubjectAccessReviewStrategy: Strategy<AccessReview> = {
  info: info('localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: () => [],
  validateUpdate: () => [],
  async createWithoutStorage(review, ctx) {
    const spec = review.spec ?? {};
    const errs = validateAttributes(spec);
    if (!spec.user && (spec.groups ?? []).length === 0) errs.push(field.invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
    if (spec.nonResourceAttributes) errs.push(field.invalid('spec.nonResourceAttributes', null, 'disallowed on this kind of request'));
    if (spec.resourceAttributes && (review.metadata.namespace ?? '') !== (spec.resourceAttributes.namespace ?? '')) {
      errs.push(field.invalid('metadata.namespace', review.metadata.namespace ?? '', 'must match spec.resourceAttributes.namespace'));
    }
    if (errs.length) throw invalid('LocalSubjectAccessReview', GROUP, '', errs);
    if (ctx.namespace !== review.metadata.namespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${ctx.namespace}`);
    return decide(review, specUser(spec), ctx);
  },
};

/** SelfSubjectRulesReview: the requester's rules in `spec.namespace` (the rule resolvers' union; `incomplete` when one cannot list). */
export const selfSubjectRulesReviewStrategy: Strategy<AccessReview> = {
  info: info('selfsubjectrulesreviews', 'SelfSubjectRulesReview', false),
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: () => [],
  validateUpdate: () => [],
  async createWithoutStorage(review, ctx) {
    const namespace = review.spec?.namespace ?? '';
    if (namespace === '') throw badRequest('no namespace on request');
    const rules = await ctx.authorizer.rulesFor(ctx.user, namespace);
    const status: Record<string, unknown> = { resourceRules: rules.resourceRules, nonResourceRules: rules.nonResourceRules, incomplete: rules.incomplete };
    if (rules.evaluationError) status['evaluationError'] = rules.evaluationError;
    review.status = status;
    review.metadata = { ...review.metadata, creationTimestamp: null } as never;
    return review;
  },
};

/** The authorization.k8s.io/v1 review strategies. */
export const authorizationStrategies = [localSubjectAccessReviewStrategy, selfSubjectAccessReviewStrategy, selfSubjectRulesReviewStrategy, subjectAccessReviewStrategy];

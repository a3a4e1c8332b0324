/**
 * serviceaccounts/token: the TokenRequest API. Validates and defaults a TokenRequest, resolves the object the token
 * is bound to (a Pod or Secret of the namespace, and the Pod's Node), and has a TokenGenerator sign the token.
 *
 * Mirrors kube-apiserver `pkg/registry/core/serviceaccount/storage/token.go` (TokenREST.Create; Node binding as
 * ServiceAccountTokenNodeBinding, on by default in 1.32, allows),
 * `pkg/apis/authentication/validation` ValidateTokenRequest and `pkg/apis/authentication/v1/defaults.go`
 * (expirationSeconds 3600). Pod-bound tokens for exactly 3607 s with API audiences are extended to a year with a
 * `warnafter` claim, as `--service-account-extend-token-expiration` (default on) does.
 */
import { badRequest, conflict, invalid, isNotFound, type FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { rfc3339 } from '../api/meta.js';
import type { KubeObject } from '../api/types.js';
import type { CreateSubresource, SubresourceContext } from './strategy.js';

/** The expiration the ServiceAccount admission asks for, extended for pod-bound tokens (`WarnOnlyBoundTokenExpirationSeconds`). */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607;
/** How far such tokens are extended: one year (`ExpirationExtensionSeconds`). */
export const EXPIRATION_EXTENSION_SECONDS = 365 * 24 * 3600;

/** An object a token names: its name and uid. */
export interface TokenObjectRef {
  name: string;
  uid: string;
}

/** What a signed ServiceAccount token says (pkg/serviceaccount/claims.go Claims' inputs). */
export interface TokenClaimsInput {
  namespace: string;
  serviceAccount: TokenObjectRef;
  pod?: TokenObjectRef;
  secret?: TokenObjectRef;
  /** The bound Pod's node (uid '' when the Node object is missing). */
  node?: TokenObjectRef;
  audiences: string[];
  /** Issue time (iat, nbf). */
  now: Date;
  /** exp = now + this. */
  expirationSeconds: number;
  /** `kubernetes.io.warnafter` = now + this, for extended tokens. */
  warnAfterSeconds?: number;
}

/** Signs ServiceAccount tokens (the API server's key holder, src/apiserver/authn). */
export interface TokenGenerator {
  /** The API server's audiences: the default when a request names none. */
  readonly audiences: readonly string[];
  /** A signed JWT carrying `claims`. */
  generate(claims: TokenClaimsInput): string;
}

/** authentication.k8s.io/v1 TokenRequest. */
export interface TokenRequest extends KubeObject {
  spec?: {
    audiences?: string[] | null;
    expirationSeconds?: number | null;
    boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
  };
  status?: { token: string; expirationTimestamp: string };
}

/** Options of {@link serviceAccountTokenSubresource} (kube-apiserver's `--service-account-*` flags). */
export interface TokenSubresourceOptions {
  /** `--service-account-max-token-expiration`, seconds; 0 = no maximum. */
  maxExpirationSeconds?: number;
  /** `--service-account-extend-token-expiration` (default true). */
  extendExpiration?: boolean;
}

const GVK = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };

function validate(spec: { expirationSeconds: number }): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.expirationSeconds < 600) errs.push(field.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (spec.expirationSeconds > 2 ** 32) errs.push(field.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  return errs;
}

async function lookup(ctx: SubresourceContext, resource: string, name: string): Promise<KubeObject> {
  if (!ctx.lookup) throw badRequest(`cannot look up ${resource}`);
  return ctx.lookup('', resource, ctx.namespace, name);
}

/**
 * The serviceaccounts/token subresource: POST a TokenRequest, get it back (201) with `status.token` and
 * `status.expirationTimestamp` (now + spec.expirationSeconds, even when the token itself was extended). 404 for a
 * missing ServiceAccount or bound object, 400 for an unsupported bound kind or a Pod of another ServiceAccount,
 * 409 for a bound uid that no longer matches, 422 for an expiration outside [10 min, 2^32 s].
 */
export function serviceAccountTokenSubresource(generator: TokenGenerator, options: TokenSubresourceOptions = {}): CreateSubresource {
  const extend = options.extendExpiration ?? true;
  const maxSeconds = options.maxExpirationSeconds ?? 0;
  return {
    kind: 'create',
    bodyKind: GVK,
    async create(ctx, value) {
      const req = (typeof value === 'object' && value !== null ? value : {}) as TokenRequest;
      const meta = (req.metadata ??= {});
      const name = ctx.name;
      if (meta.name && meta.name !== name) {
        throw invalid(GVK.kind, GVK.group, name, [field.invalid('metadata.name', meta.name, 'must match the service account name if specified')]);
      }
      if (meta.namespace && meta.namespace !== ctx.namespace) {
        throw invalid(GVK.kind, GVK.group, name, [field.invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
      }
      const sa = await ctx.get();
      const spec = {
        audiences: [...(req.spec?.audiences ?? [])],
        expirationSeconds: req.spec?.expirationSeconds ?? 3600,
        boundObjectRef: req.spec?.boundObjectRef ?? undefined,
      };
      if (spec.audiences.length === 0) spec.audiences = [...generator.audiences];
      const errs = validate(spec);
      if (errs.length) throw invalid(GVK.kind, GVK.group, '', errs);

      const claims: TokenClaimsInput = {
        namespace: ctx.namespace,
        serviceAccount: { name: sa.metadata.name ?? name, uid: sa.metadata.uid ?? '' },
        audiences: spec.audiences,
        now: new Date(Math.floor(ctx.now.getTime() / 1000) * 1000),
        expirationSeconds: spec.expirationSeconds,
      };
      const ref = spec.boundObjectRef;
      if (ref) {
        const group = (ref.apiVersion ?? '').includes('/') ? (ref.apiVersion ?? '').split('/')[0] : '';
        let bound: KubeObject;
        if (group === '' && ref.kind === 'Pod') {
          bound = await lookup(ctx, 'pods', ref.name ?? '');
          const podSpec = (bound as { spec?: { serviceAccountName?: string; nodeName?: string } }).spec;
          if (name !== podSpec?.serviceAccountName) {
            throw badRequest(`cannot bind token for serviceaccount ${JSON.stringify(name)} to pod running with different serviceaccount name.`);
          }
          claims.pod = { name: bound.metadata.name ?? '', uid: bound.metadata.uid ?? '' };
          const nodeName = podSpec.nodeName;
          if (nodeName) {
            let uid = '';
            try {
              uid = (await ctx.lookup!('', 'nodes', '', nodeName)).metadata.uid ?? '';
            } catch (err) {
              if (!isNotFound(err)) throw err;
            }
            claims.node = { name: nodeName, uid };
          }
        } else if (group === '' && ref.kind === 'Node') {
          bound = await ctx.lookup!('', 'nodes', '', ref.name ?? '');
          claims.node = { name: bound.metadata.name ?? '', uid: bound.metadata.uid ?? '' };
        } else if (group === '' && ref.kind === 'Secret') {
          bound = await lookup(ctx, 'secrets', ref.name ?? '');
          claims.secret = { name: bound.metadata.name ?? '', uid: bound.metadata.uid ?? '' };
        } else {
          const gv = ref.apiVersion ?? '';
          throw badRequest(`cannot bind token to object of type ${gv.includes('/') ? gv : `/${gv}`}, Kind=${ref.kind ?? ''}`);
        }
        if (ref.uid && ref.uid !== bound.metadata.uid) {
          throw conflict({ group: '', resource: ref.kind ?? '' }, ref.name ?? '', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
        }
      }
      if (maxSeconds > 0 && spec.expirationSeconds > maxSeconds) spec.expirationSeconds = maxSeconds;
      claims.expirationSeconds = spec.expirationSeconds;
      const apiAudiences = new Set(generator.audiences);
      if (extend && claims.pod && spec.expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && spec.audiences.every((a) => apiAudiences.has(a))) {
        claims.warnAfterSeconds = spec.expirationSeconds;
        claims.expirationSeconds = EXPIRATION_EXTENSION_SECONDS;
      }
      const token = generator.generate(claims);
      const out: TokenRequest = {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { name: sa.metadata.name ?? name, namespace: ctx.namespace, uid: sa.metadata.uid ?? '', creationTimestamp: rfc3339(claims.now) },
        spec: { audiences: spec.audiences, expirationSeconds: spec.expirationSeconds, boundObjectRef: ref ?? null },
        status: { token, expirationTimestamp: rfc3339(new Date(claims.now.getTime() + spec.expirationSeconds * 1000)) },
      };
      if (!ref) delete out.spec!.boundObjectRef;
      return { code: 201, body: out };
    },
  };
}

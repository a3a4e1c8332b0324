/**
 * ServiceAccount tokens: signs bound tokens (the TokenRequest API's TokenGenerator), checks a token's signature,
 * issuer, audiences and times, and serves the OpenID discovery documents that let others verify them.
 *
 * Mirrors kube-apiserver `pkg/serviceaccount/jwt.go` (JWTTokenGenerator, JWTTokenAuthenticator: issuer, signature,
 * audience intersection), `pkg/serviceaccount/claims.go` (the claims and their time checks, one minute of leeway)
 * and `pkg/serviceaccount/openidmetadata.go` (/.well-known/openid-configuration, /openid/v1/jwks).
 */
import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import type { TokenClaimsInput, TokenGenerator, TokenObjectRef } from '../../registry/serviceaccount-token.js';
import { serviceAccountUsername } from '../../api/user.js';
import { keyId, parseJwt, publicJwk, signJwt, TokenInvalidError, verifyJwt } from './jwt.js';
import { LEGACY_ISSUER, legacyClaims, readLegacyClaims, type LegacyTokenClaims } from './legacy-tokens.js';

/** go-jose's DefaultLeeway: how far exp, nbf and iat may be off, seconds. */
export const LEEWAY_SECONDS = 60;

/** Options of {@link ServiceAccountTokens}. */
export interface ServiceAccountTokenOptions {
  /** The signing key (PKCS#8 or PKCS#1 PEM, RSA). */
  keyPem: string;
  /** Public keys of earlier signing keys whose tokens stay valid (SPKI PEM). */
  extraPublicKeyPems?: string[];
  /** `iss` of issued tokens and the only issuer accepted (`--service-account-issuer`). */
  issuer: string;
  /** The API server's audiences (`--api-audiences`); default `[issuer]`. */
  audiences?: string[];
}

/** The claims of a verified token that name objects to check (claims.go privateClaims). */
export interface VerifiedToken {
  namespace: string;
  serviceAccount: TokenObjectRef;
  pod?: TokenObjectRef;
  secret?: TokenObjectRef;
  node?: TokenObjectRef;
  /** `jti`, '' when absent. */
  id: string;
  /** The token's audiences that the API server accepts. */
  audiences: string[];
}

export { TokenInvalidError };

function ref(v: unknown): TokenObjectRef | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as { name?: unknown; uid?: unknown };
  return { name: typeof r.name === 'string' ? r.name : '', uid: typeof r.uid === 'string' ? r.uid : '' };
}

function seconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/** The signer and verifier of one API server's ServiceAccount tokens. */
export class ServiceAccountTokens implements TokenGenerator {
  readonly issuer: string;
  readonly audiences: readonly string[];
  private readonly privateKey: KeyObject;
  private readonly kid: string;
  private readonly publicKeys: KeyObject[];

  constructor(options: ServiceAccountTokenOptions) {
    this.issuer = options.issuer;
    this.audiences = options.audiences ?? [options.issuer];
    this.privateKey = createPrivateKey(options.keyPem);
    const own = createPublicKey(this.privateKey);
    this.kid = keyId(own);
    this.publicKeys = [own, ...(options.extraPublicKeyPems ?? []).map((p) => createPublicKey(p))];
  }

  /** Signs a token with claims.go's claims: sub, aud, iat, nbf, exp, iss, jti and the `kubernetes.io` claim. */
  generate(c: TokenClaimsInput): string {
    const now = seconds(c.now);
    const k8s: Record<string, unknown> = { namespace: c.namespace, serviceaccount: c.serviceAccount };
    const named = (r: TokenObjectRef): Record<string, string> => (r.uid ? { name: r.name, uid: r.uid } : { name: r.name });
    if (c.secret) k8s['secret'] = named(c.secret);
    if (c.pod) k8s['pod'] = named(c.pod);
    if (c.node) k8s['node'] = named(c.node);
    if (c.warnAfterSeconds) k8s['warnafter'] = now + c.warnAfterSeconds;
    return signJwt(
      {
        iss: this.issuer,
        sub: serviceAccountUsername(c.namespace, c.serviceAccount.name),
        aud: c.audiences,
        exp: now + c.expirationSeconds,
        nbf: now,
        iat: now,
        jti: randomUUID(),
        'kubernetes.io': k8s,
      },
      this.privateKey,
      this.kid,
    );
  }

  /**
   * Checks a bearer token for `requestedAudiences` (default the API server's): undefined when it is not one of ours
   * (not a JWT, or another issuer), so other authenticators may try; throws TokenInvalidError for a bad signature, an
   * audience outside the requested ones, or a token expired,
   * not yet valid or issued in the future (beyond a minute of leeway); else the claims to check against the objects.
   */
  verify(token: string, now: Date, requestedAudiences: readonly string[] = this.audiences): VerifiedToken | undefined {
    const jwt = parseJwt(token);
    if (!jwt || jwt.payload['iss'] !== this.issuer) return undefined;
    if (!this.publicKeys.some((k) => verifyJwt(jwt, k))) throw new TokenInvalidError('square/go-jose: error in cryptographic primitive');
    const p = jwt.payload;
    const aud = typeof p['aud'] === 'string' ? [p['aud']] : Array.isArray(p['aud']) ? p['aud'].filter((a): a is string => typeof a === 'string') : [];
    const tokenAudiences = aud.length > 0 ? aud : [...this.audiences];
    const audiences = tokenAudiences.filter((a) => requestedAudiences.includes(a));
    if (audiences.length === 0) throw new TokenInvalidError(`token audiences ${JSON.stringify(tokenAudiences)} is invalid for the target audiences ${JSON.stringify(requestedAudiences)}`);
    const t = seconds(now);
    const num = (k: string): number | undefined => (typeof p[k] === 'number' ? (p[k] as number) : undefined);
    const exp = num('exp');
    const nbf = num('nbf');
    const iat = num('iat');
    if (nbf !== undefined && t + LEEWAY_SECONDS < nbf) throw new TokenInvalidError('service account token is not valid yet');
    if (exp !== undefined && t - LEEWAY_SECONDS > exp) throw new TokenInvalidError('service account token has expired');
    if (iat !== undefined && t + LEEWAY_SECONDS < iat) throw new TokenInvalidError('service account token is issued in the future');
    const k8s = p['kubernetes.io'];
    if (typeof k8s !== 'object' || k8s === null) throw new TokenInvalidError('service account token claims could not be retrieved');
    const c = k8s as Record<string, unknown>;
    const serviceAccount = ref(c['serviceaccount']);
    const namespace = typeof c['namespace'] === 'string' ? c['namespace'] : '';
    if (!serviceAccount?.name || !namespace) throw new TokenInvalidError('service account token claims could not be retrieved');
    const out: VerifiedToken = { namespace, serviceAccount, id: typeof p['jti'] === 'string' ? p['jti'] : '', audiences };
    const pod = ref(c['pod']);
    const secret = ref(c['secret']);
    const node = ref(c['node']);
    if (pod) out.pod = pod;
    if (secret) out.secret = secret;
    if (node) out.node = node;
    return out;
  }

  /** Signs a legacy token (no expiry) for the token Secret `c.secretName` of a ServiceAccount (serviceaccount.LegacyClaims). */
  generateLegacy(c: LegacyTokenClaims): string {
    return signJwt(legacyClaims(c), this.privateKey, this.kid);
  }

  /**
   * Checks a legacy bearer token for `requestedAudiences` (default the API server's): undefined when it is not one
   * (not a JWT, or another issuer); throws TokenInvalidError for a bad signature, claims that do not add up, or
   * audiences the API server's implicit ones do not meet (legacy tokens carry none); else its claims, still to be
   * checked against its Secret and ServiceAccount (legacy-tokens.ts legacyTokenProblem).
   */
  verifyLegacy(token: string, requestedAudiences: readonly string[] = this.audiences): (LegacyTokenClaims & { audiences: string[] }) | undefined {
    const jwt = parseJwt(token);
    if (!jwt || jwt.payload['iss'] !== LEGACY_ISSUER) return undefined;
    if (!this.publicKeys.some((k) => verifyJwt(jwt, k))) throw new TokenInvalidError('square/go-jose: error in cryptographic primitive');
    const audiences = this.audiences.filter((a) => requestedAudiences.includes(a));
    if (audiences.length === 0) throw new TokenInvalidError(`token audiences ${JSON.stringify(this.audiences)} is invalid for the target audiences ${JSON.stringify(requestedAudiences)}`);
    return { ...readLegacyClaims(jwt.payload), audiences };
  }

  /** /openid/v1/jwks: the public keys, as a JSON Web Key Set. */
  jwks(): { keys: Record<string, string>[] } {
    return { keys: this.publicKeys.map((k) => publicJwk(k)) };
  }

  /** /.well-known/openid-configuration, naming `jwksUri` (default: the issuer's /openid/v1/jwks). */
  openIDConfiguration(jwksUri = `${this.issuer}/openid/v1/jwks`): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: jwksUri,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    };
  }
}

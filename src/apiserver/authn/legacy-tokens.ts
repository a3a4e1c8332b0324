/**
 * Legacy ServiceAccount tokens, the ones kept in `kubernetes.io/service-account-token` Secrets: their claims (issuer
 * `kubernetes/serviceaccount`, no expiry), reading those claims back, and the checks that keep such a token valid
 * only while its Secret holds it and its ServiceAccount is the one it names.
 *
 * Mirrors kube-apiserver `pkg/serviceaccount/legacy.go` (LegacyClaims, LegacyIssuer, legacyValidator.Validate with
 * lookup on, `--service-account-lookup`'s default).
 */
import type { KubeObject } from '../../api/types.js';
import { serviceAccountUsername, splitServiceAccountUsername } from '../../api/user.js';
import { TokenInvalidError } from './jwt.js';

/** `iss` of legacy tokens (serviceaccount.LegacyIssuer). */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

/** The private claims of a legacy token (legacyPrivateClaims' JSON names). */
export const LEGACY_CLAIMS = {
  namespace: 'kubernetes.io/serviceaccount/namespace',
  secretName: 'kubernetes.io/serviceaccount/secret.name',
  serviceAccountName: 'kubernetes.io/serviceaccount/service-account.name',
  serviceAccountUid: 'kubernetes.io/serviceaccount/service-account.uid',
} as const;

/** What a legacy token names: its ServiceAccount (name, uid) and the Secret that holds it, in one namespace. */
export interface LegacyTokenClaims {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  secretName: string;
}

/** The JWT claims of a legacy token: iss, sub and the four private claims; no exp, iat or aud (LegacyClaims). */
export function legacyClaims(c: LegacyTokenClaims): Record<string, unknown> {
  return {
    iss: LEGACY_ISSUER,
    sub: serviceAccountUsername(c.namespace, c.serviceAccount.name),
    [LEGACY_CLAIMS.namespace]: c.namespace,
    [LEGACY_CLAIMS.secretName]: c.secretName,
    [LEGACY_CLAIMS.serviceAccountName]: c.serviceAccount.name,
    [LEGACY_CLAIMS.serviceAccountUid]: c.serviceAccount.uid,
  };
}

/**
 * Reads the claims of a verified legacy token's payload; throws TokenInvalidError (with legacy.go's message) when
 * `sub` or a private claim is missing, or `sub` names another ServiceAccount.
 */
export function readLegacyClaims(payload: Record<string, unknown>): LegacyTokenClaims {
  const str = (k: string): string => (typeof payload[k] === 'string' ? (payload[k] as string) : '');
  const sub = str('sub');
  if (!sub) throw new TokenInvalidError('sub claim is missing');
  const namespace = str(LEGACY_CLAIMS.namespace);
  if (!namespace) throw new TokenInvalidError('namespace claim is missing');
  const secretName = str(LEGACY_CLAIMS.secretName);
  if (!secretName) throw new TokenInvalidError('secretName claim is missing');
  const name = str(LEGACY_CLAIMS.serviceAccountName);
  if (!name) throw new TokenInvalidError('serviceAccountName claim is missing');
  const uid = str(LEGACY_CLAIMS.serviceAccountUid);
  if (!uid) throw new TokenInvalidError('serviceAccountUID claim is missing');
  const subject = splitServiceAccountUsername(sub);
  if (!subject || subject.namespace !== namespace || subject.name !== name) throw new TokenInvalidError('sub claim is invalid');
  return { namespace, serviceAccount: { name, uid }, secretName };
}

/**
 * Why the legacy token `token` with claims `c` is no longer valid, or undefined while it is: its Secret must exist,
 * not be being deleted, and hold exactly this token in `data.token`; its ServiceAccount must exist, not be being
 * deleted, and have the uid the token names (legacyValidator.Validate's lookups).
 */
export async function legacyTokenProblem(
  token: string,
  c: LegacyTokenClaims,
  getObject: (resource: string, namespace: string, name: string) => Promise<KubeObject | undefined>,
): Promise<string | undefined> {
  const secret = (await getObject('secrets', c.namespace, c.secretName)) as (KubeObject & { data?: Record<string, string> }) | undefined;
  if (!secret || secret.metadata.deletionTimestamp) return 'Token has been invalidated';
  const held = secret.data?.['token'];
  if (held === undefined || Buffer.from(held, 'base64').toString('utf8') !== token) return "Token does not match server's copy";
  const sa = await getObject('serviceaccounts', c.namespace, c.serviceAccount.name);
  if (!sa) return `serviceaccounts "${c.serviceAccount.name}" not found`;
  if (sa.metadata.deletionTimestamp) return `ServiceAccount ${c.namespace}/${c.serviceAccount.name} has been deleted`;
  if ((sa.metadata.uid ?? '') !== c.serviceAccount.uid) return `ServiceAccount UID (${sa.metadata.uid ?? ''}) does not match claim (${c.serviceAccount.uid})`;
  return undefined;
}

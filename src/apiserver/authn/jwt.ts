/**
 * Compact JWS (JWT) with RS256 on node:crypto: signing, parsing, signature checks, key IDs and the JSON Web Key of
 * a public key.
 *
 * Mirrors what kube-apiserver's ServiceAccount token signer does with go-jose (`pkg/serviceaccount/jwt.go`): header
 * `{"alg":"RS256","kid":...}`, claims as one JSON object with keys in sorted order, the key ID being the unpadded
 * base64url SHA-256 of the public key's PKIX DER (`keyIDFromPublicKey`).
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

/** A token that is ours (our issuer) but invalid: the message is logged, the client gets 401. */
export class TokenInvalidError extends Error {
  override readonly name = 'TokenInvalidError';
}

/** Unpadded base64url of `data`. */
export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The key ID kube-apiserver gives `publicKey` (base64url SHA-256 of its PKIX DER, unpadded). */
export function keyId(publicKey: KeyObject): string {
  return base64url(createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest());
}

/** JSON with object keys sorted at every level (go-jose's claims serialization). */
export function sortedJson(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(norm(value));
}

/** Signs `claims` with an RSA private key as a compact RS256 JWS carrying `kid`. */
export function signJwt(claims: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', kid }))}.${base64url(sortedJson(claims))}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), privateKey))}`;
}

/** A parsed, not yet verified, compact JWS. */
export interface ParsedJwt {
  header: { alg?: unknown; kid?: unknown; [k: string]: unknown };
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/** Parses a compact JWS; undefined when `token` is not one (three base64url segments of JSON objects). */
export function parseJwt(token: string): ParsedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    return { header: header as ParsedJwt['header'], payload: payload as Record<string, unknown>, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return undefined;
  }
}

/** True when `jwt` is RS256 and its signature verifies with `publicKey`. */
export function verifyJwt(jwt: ParsedJwt, publicKey: KeyObject): boolean {
  if (jwt.header.alg !== 'RS256') return false;
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), publicKey, jwt.signature);
  } catch {
    return false;
  }
}

/** The JSON Web Key of an RSA public key as /openid/v1/jwks lists it: `{use, kty, kid, alg, n, e}`. */
export function publicJwk(publicKey: KeyObject): Record<string, string> {
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  return { use: 'sig', kty: jwk.kty, kid: keyId(publicKey), alg: 'RS256', n: jwk.n, e: jwk.e };
}

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { ServiceAccountTokens, TokenInvalidError } from './service-account-tokens.js';

const pem = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const tokens = new ServiceAccountTokens({ keyPem: pem(), issuer: ISSUER });
const now = new Date('2025-03-01T12:00:00Z');
const base = { namespace: 'ns', serviceAccount: { name: 'bot', uid: 'sa-uid' }, audiences: [ISSUER], now, expirationSeconds: 3600 };

function parts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString()) as Record<string, unknown>, payload: JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown> };
}

describe('ServiceAccount tokens', () => {
  it('signs RS256 tokens with sorted claims, a key id the JWKS lists, and the kubernetes.io claim', () => {
    const t = tokens.generate({ ...base, pod: { name: 'web', uid: 'p1' }, node: { name: 'n1', uid: '' }, warnAfterSeconds: 3607, expirationSeconds: 31536000 });
    const { header, payload } = parts(t);
    assert.equal(header['alg'], 'RS256');
    assert.equal(header['kid'], tokens.jwks().keys[0]?.['kid']);
    assert.deepEqual(Object.keys(payload), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
    assert.equal(payload['sub'], 'system:serviceaccount:ns:bot');
    assert.equal(payload['exp'], Date.parse('2025-03-01T12:00:00Z') / 1000 + 31536000);
    assert.deepEqual(payload['kubernetes.io'], { namespace: 'ns', node: { name: 'n1' }, pod: { name: 'web', uid: 'p1' }, serviceaccount: { name: 'bot', uid: 'sa-uid' }, warnafter: Date.parse('2025-03-01T12:00:00Z') / 1000 + 3607 });
    assert.deepEqual(tokens.verify(t, now), { namespace: 'ns', serviceAccount: { name: 'bot', uid: 'sa-uid' }, pod: { name: 'web', uid: 'p1' }, node: { name: 'n1', uid: '' }, id: payload['jti'], audiences: [ISSUER] });
  });

  it('leaves tokens of other issuers and non-JWTs to other authenticators', () => {
    const other = new ServiceAccountTokens({ keyPem: pem(), issuer: 'https://elsewhere' });
    assert.equal(tokens.verify(other.generate(base), now), undefined);
    assert.equal(tokens.verify('abc', now), undefined);
    assert.equal(tokens.verify('a.b.c', now), undefined);
  });

  it('refuses a forged signature, a foreign audience, and tokens outside their time by more than a minute', () => {
    const forged = new ServiceAccountTokens({ keyPem: pem(), issuer: ISSUER }).generate(base);
    assert.throws(() => tokens.verify(forged, now), TokenInvalidError);
    assert.throws(() => tokens.verify(tokens.generate({ ...base, audiences: ['vault'] }), now), { message: 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]' });
    assert.ok(tokens.verify(tokens.generate({ ...base, audiences: ['vault'] }), now, ['vault']));
    const t = tokens.generate(base);
    assert.ok(tokens.verify(t, new Date(now.getTime() + 3659_000)));
    assert.throws(() => tokens.verify(t, new Date(now.getTime() + 3661_000)), { message: 'service account token has expired' });
    assert.throws(() => tokens.verify(t, new Date(now.getTime() - 61_000)), { message: 'service account token is not valid yet' });
  });

  it('serves the discovery document and the key set', () => {
    assert.deepEqual(tokens.openIDConfiguration('https://127.0.0.1:6443/openid/v1/jwks'), {
      issuer: ISSUER,
      jwks_uri: 'https://127.0.0.1:6443/openid/v1/jwks',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const [key] = tokens.jwks().keys;
    assert.deepEqual(Object.keys(key ?? {}), ['use', 'kty', 'kid', 'alg', 'n', 'e']);
    assert.equal(key?.['e'], 'AQAB');
  });
});

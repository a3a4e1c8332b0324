import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { RequestAuthenticator } from './authenticator.js';
import { keyId, signJwt } from './jwt.js';
import { LEGACY_ISSUER } from './legacy-tokens.js';
import { ServiceAccountTokens, TokenInvalidError } from './service-account-tokens.js';

const pem = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const KEY = pem();
const tokens = new ServiceAccountTokens({ keyPem: KEY, issuer: ISSUER });
const claims = { namespace: 'ns', serviceAccount: { name: 'bot', uid: 'sa-uid' }, secretName: 'bot-token-abcde' };

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

/** An authenticator over a map of `resource/ns/name` objects. */
function authenticatorOver(objects: Map<string, KubeObject>): RequestAuthenticator {
  return new RequestAuthenticator({
    tokens,
    clock: () => new Date('2025-03-01T12:00:00Z'),
    getObject: (resource, ns, name) => Promise.resolve(objects.get(`${resource}/${ns}/${name}`)),
  });
}

function world(token: string): Map<string, KubeObject> {
  return new Map<string, KubeObject>([
    ['serviceaccounts/ns/bot', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'ns', uid: 'sa-uid' } }],
    ['secrets/ns/bot-token-abcde', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bot-token-abcde', namespace: 'ns', uid: 's1' }, data: { token: Buffer.from(token).toString('base64') } } as KubeObject],
  ]);
}

describe('legacy ServiceAccount tokens', () => {
  it('carry iss kubernetes/serviceaccount, sub and the four private claims, and no exp, iat or aud', () => {
    const p = payloadOf(tokens.generateLegacy(claims));
    assert.deepEqual(p, {
      iss: LEGACY_ISSUER,
      'kubernetes.io/serviceaccount/namespace': 'ns',
      'kubernetes.io/serviceaccount/secret.name': 'bot-token-abcde',
      'kubernetes.io/serviceaccount/service-account.name': 'bot',
      'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
      sub: 'system:serviceaccount:ns:bot',
    });
  });

  it('verify as legacy only, and bound tokens do not', () => {
    const legacy = tokens.generateLegacy(claims);
    assert.deepEqual(tokens.verifyLegacy(legacy), { ...claims, audiences: [ISSUER] });
    assert.equal(tokens.verify(legacy, new Date()), undefined);
    const bound = tokens.generate({ namespace: 'ns', serviceAccount: claims.serviceAccount, audiences: [ISSUER], now: new Date(), expirationSeconds: 600 });
    assert.equal(tokens.verifyLegacy(bound), undefined);
  });

  it('refuse another key and a sub that names another ServiceAccount', () => {
    const forged = new ServiceAccountTokens({ keyPem: pem(), issuer: ISSUER }).generateLegacy(claims);
    assert.throws(() => tokens.verifyLegacy(forged), TokenInvalidError);
    const key = createPrivateKey(KEY);
    const signed = (c: Record<string, unknown>): string => signJwt(c, key, keyId(createPublicKey(key)));
    const good = payloadOf(tokens.generateLegacy(claims));
    assert.throws(() => tokens.verifyLegacy(signed({ ...good, sub: 'system:serviceaccount:ns:admin' })), { message: 'sub claim is invalid' });
    assert.throws(() => tokens.verifyLegacy(signed({ ...good, 'kubernetes.io/serviceaccount/secret.name': '' })), { message: 'secretName claim is missing' });
  });

  it('authenticate as the ServiceAccount while the Secret holds the token and the ServiceAccount uid matches', async () => {
    const token = tokens.generateLegacy(claims);
    const r = await authenticatorOver(world(token)).authenticateToken(token);
    assert.deepEqual(r, {
      user: { username: 'system:serviceaccount:ns:bot', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns'], extra: {} },
      audiences: [ISSUER],
    });
  });

  it('stop authenticating when the Secret is deleted, is being deleted, or holds another token', async () => {
    const token = tokens.generateLegacy(claims);
    const gone = world(token);
    gone.delete('secrets/ns/bot-token-abcde');
    assert.deepEqual(await authenticatorOver(gone).authenticateToken(token), { error: 'Token has been invalidated' });
    const deleting = world(token);
    deleting.get('secrets/ns/bot-token-abcde')!.metadata.deletionTimestamp = '2025-03-01T11:59:00Z';
    assert.deepEqual(await authenticatorOver(deleting).authenticateToken(token), { error: 'Token has been invalidated' });
    const replaced = world(tokens.generateLegacy(claims) + 'x');
    assert.deepEqual(await authenticatorOver(replaced).authenticateToken(token), { error: "Token does not match server's copy" });
  });

  it('stop authenticating when the ServiceAccount is deleted or re-created with another uid', async () => {
    const token = tokens.generateLegacy(claims);
    const gone = world(token);
    gone.delete('serviceaccounts/ns/bot');
    assert.deepEqual(await authenticatorOver(gone).authenticateToken(token), { error: 'serviceaccounts "bot" not found' });
    const recreated = world(token);
    recreated.get('serviceaccounts/ns/bot')!.metadata.uid = 'sa-uid-2';
    assert.deepEqual(await authenticatorOver(recreated).authenticateToken(token), { error: 'ServiceAccount UID (sa-uid-2) does not match claim (sa-uid)' });
  });
});

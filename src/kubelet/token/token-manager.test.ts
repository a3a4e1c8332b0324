import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notFound } from '../../api/errors.js';
import type { ApiClient } from '../../client/types.js';
import { TokenManager, type TokenRequestKey } from './token-manager.js';

/** A client whose token subresource hands out tok-1, tok-2... valid for the requested seconds from `now`. */
function fakeClient(clock: { now: number }, fail: { on: boolean }): ApiClient & { calls: { path: string; body: unknown }[] } {
  const calls: { path: string; body: unknown }[] = [];
  const client = {
    calls,
    async create(path: string, body: unknown) {
      calls.push({ path, body });
      if (fail.on) throw notFound({ group: '', resource: 'serviceaccounts' }, 'default');
      const spec = (body as { spec: { expirationSeconds: number } }).spec;
      return { metadata: {}, spec, status: { token: `tok-${calls.length}`, expirationTimestamp: new Date(clock.now + spec.expirationSeconds * 1000).toISOString() } };
    },
  };
  return client as unknown as ApiClient & { calls: { path: string; body: unknown }[] };
}

const key: TokenRequestKey = { namespace: 'ns', serviceAccount: 'default', audiences: [], expirationSeconds: 3607, pod: { name: 'web', uid: 'u1' } };

test('TokenManager asks the TokenRequest API for a pod-bound token and serves it from cache while fresh', async () => {
  const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
  const client = fakeClient(clock, { on: false });
  const m = new TokenManager(client, { now: () => clock.now, random: () => 0 });
  assert.equal(await m.getServiceAccountToken(key), 'tok-1');
  assert.deepEqual(client.calls[0], {
    path: '/api/v1/namespaces/ns/serviceaccounts/default/token',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: { audiences: [], expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'u1' } } },
  });
  clock.now += 2800_000; // 77 % of 3607 s
  assert.equal(await m.getServiceAccountToken(key), 'tok-1');
  assert.equal(client.calls.length, 1);
});

test('TokenManager rotates a token after 80 % of its life, and per audience and pod', async () => {
  const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
  const client = fakeClient(clock, { on: false });
  const m = new TokenManager(client, { now: () => clock.now, random: () => 0 });
  await m.getServiceAccountToken(key);
  clock.now += 2900_000; // 80.4 % of 3607 s
  assert.equal(await m.getServiceAccountToken(key), 'tok-2');
  assert.equal(await m.getServiceAccountToken({ ...key, audiences: ['vault'] }), 'tok-3');
  assert.equal(await m.getServiceAccountToken({ ...key, pod: { name: 'web', uid: 'u2' } }), 'tok-4');
  m.deleteServiceAccountToken('u1');
  assert.equal(await m.getServiceAccountToken(key), 'tok-5');
});

test('TokenManager keeps serving an unexpired token when a refresh fails, then fails with the API error', async () => {
  const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
  const fail = { on: false };
  const m = new TokenManager(fakeClient(clock, fail), { now: () => clock.now, random: () => 0 });
  await m.getServiceAccountToken(key);
  fail.on = true;
  clock.now += 3000_000;
  assert.equal(await m.getServiceAccountToken(key), 'tok-1');
  clock.now += 700_000;
  await assert.rejects(m.getServiceAccountToken(key), { message: 'failed to fetch token: serviceaccounts "default" not found' });
});

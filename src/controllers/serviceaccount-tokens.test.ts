import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Secret } from '../api/types.js';
import { startTestServer, type TestServer } from '../apiserver/testing/test-server.js';
import { createApiClient } from '../client/rest-client.js';
import type { ApiClient } from '../client/types.js';
import { isServiceAccountToken, secretUpdateNeeded, startTokensController, type LegacyTokenInput, type ServiceAccount, type TokensController } from './serviceaccount-tokens.js';

async function eventually<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString();
/** A stand-in signer: the token spells out what it was made from. */
const fakeToken = (c: LegacyTokenInput): string => `token:${c.namespace}/${c.serviceAccount.name}/${c.serviceAccount.uid}/${c.secretName}`;

describe('isServiceAccountToken and secretUpdateNeeded', () => {
  const sa: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'ns', uid: 'u1' } };
  const secret = (annotations: Record<string, string>, type = 'kubernetes.io/service-account-token'): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns', annotations }, type });
  it('matches the type, the name annotation and the uid annotation when it is set', () => {
    assert.equal(isServiceAccountToken(secret({ 'kubernetes.io/service-account.name': 'bot' }), sa), true);
    assert.equal(isServiceAccountToken(secret({ 'kubernetes.io/service-account.name': 'bot', 'kubernetes.io/service-account.uid': 'u1' }), sa), true);
    assert.equal(isServiceAccountToken(secret({ 'kubernetes.io/service-account.name': 'bot', 'kubernetes.io/service-account.uid': 'u0' }), sa), false);
    assert.equal(isServiceAccountToken(secret({ 'kubernetes.io/service-account.name': 'other' }), sa), false);
    assert.equal(isServiceAccountToken(secret({ 'kubernetes.io/service-account.name': 'bot' }, 'Opaque'), sa), false);
  });
  it('asks for a token, the namespace and a ca.crt equal to the root CA', () => {
    assert.deepEqual(secretUpdateNeeded({ ...secret({}), data: {} }, 'CA'), { ca: true, namespace: true, token: true });
    assert.deepEqual(secretUpdateNeeded({ ...secret({}), data: { token: b64('t'), namespace: b64('ns'), 'ca.crt': b64('CA') } }, 'CA'), { ca: false, namespace: false, token: false });
    assert.deepEqual(secretUpdateNeeded({ ...secret({}), data: { token: b64('t'), namespace: b64('ns'), 'ca.crt': b64('old') } }, 'CA'), { ca: true, namespace: false, token: false });
  });
});

describe('the tokens controller against the API server', () => {
  let t: TestServer;
  let client: ApiClient & { close?: () => void };
  const controllers: TokensController[] = [];
  const errors: unknown[] = [];
  const start = (autoGenerate: boolean, ns: string): void => {
    // Each controller acts on every namespace; the tests use separate namespaces and one controller at a time.
    controllers.push(startTokensController({ client, generateToken: fakeToken, rootCA: 'ROOT-CA', autoGenerate, retryDelayMs: 50, onError: (e) => void errors.push([ns, e]) }));
  };
  const stopAll = async (): Promise<void> => {
    for (const c of controllers.splice(0)) await c.stop();
  };
  before(async () => {
    t = await startTestServer(undefined, { access: true });
    client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    for (const ns of ['auto', 'manual']) await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  after(async () => {
    await stopAll();
    client.close?.();
    await t.close();
  });

  const getSa = (ns: string, name: string): Promise<ServiceAccount> => client.get<ServiceAccount>(`/api/v1/namespaces/${ns}/serviceaccounts/${name}`);
  /** The token Secrets of ServiceAccount `sa` (each namespace's `default` has its own too). */
  const tokenSecrets = async (ns: string, sa: string): Promise<Secret[]> =>
    (await client.list<Secret>(`/api/v1/namespaces/${ns}/secrets`, { fieldSelector: 'type=kubernetes.io/service-account-token' })).items.filter(
      (s) => s.metadata.annotations?.['kubernetes.io/service-account.name'] === sa,
    );

  it('with auto-generation, gives a ServiceAccount a NAME-token-XXXXX Secret with token, namespace and ca.crt, and lists it in secrets', async () => {
    start(true, 'auto');
    await client.create('/api/v1/namespaces/auto/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } });
    const sa = await eventually('bot lists a secret', async () => {
      const s = await getSa('auto', 'bot');
      return (s.secrets ?? []).length > 0 ? s : undefined;
    });
    assert.equal(sa.secrets?.length, 1);
    const name = sa.secrets?.[0]?.name ?? '';
    assert.match(name, /^bot-token-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const secret = await client.get<Secret>(`/api/v1/namespaces/auto/secrets/${name}`);
    assert.equal(secret.type, 'kubernetes.io/service-account-token');
    assert.deepEqual(secret.metadata.annotations, { 'kubernetes.io/service-account.name': 'bot', 'kubernetes.io/service-account.uid': sa.metadata.uid });
    assert.equal(unb64(secret.data?.['token']), `token:auto/bot/${sa.metadata.uid}/${name}`);
    assert.equal(unb64(secret.data?.['namespace']), 'auto');
    assert.equal(unb64(secret.data?.['ca.crt']), 'ROOT-CA');
  });

  it('with auto-generation, replaces a deleted token Secret: the old name leaves secrets, a new one comes', async () => {
    const before = (await getSa('auto', 'bot')).secrets?.[0]?.name ?? '';
    await client.delete(`/api/v1/namespaces/auto/secrets/${before}`);
    const sa = await eventually('a new token for bot', async () => {
      const s = await getSa('auto', 'bot');
      const names = (s.secrets ?? []).map((r) => r.name);
      return names.length === 1 && names[0] !== before ? s : undefined;
    });
    const names = (await tokenSecrets('auto', 'bot')).map((s) => s.metadata.name);
    assert.deepEqual(names, [sa.secrets?.[0]?.name]);
  });

  it('deletes the token Secrets of a deleted ServiceAccount', async () => {
    await client.delete('/api/v1/namespaces/auto/serviceaccounts/bot');
    await eventually('no token secrets left in auto', async () => ((await tokenSecrets('auto', 'bot')).length === 0 ? true : undefined));
    await stopAll();
  });

  it('without auto-generation, creates none, but fills a token Secret made by hand and sets the uid annotation', async () => {
    start(false, 'manual');
    const sa = await client.create<ServiceAccount>('/api/v1/namespaces/manual/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ci' } });
    await client.create('/api/v1/namespaces/manual/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ci-token', annotations: { 'kubernetes.io/service-account.name': 'ci' } },
      type: 'kubernetes.io/service-account-token',
    });
    const filled = await eventually('ci-token filled', async () => {
      const s = await client.get<Secret>('/api/v1/namespaces/manual/secrets/ci-token');
      return s.data?.['token'] ? s : undefined;
    });
    assert.equal(unb64(filled.data?.['token']), `token:manual/ci/${sa.metadata.uid}/ci-token`);
    assert.equal(unb64(filled.data?.['namespace']), 'manual');
    assert.equal(unb64(filled.data?.['ca.crt']), 'ROOT-CA');
    assert.equal(filled.metadata.annotations?.['kubernetes.io/service-account.uid'], sa.metadata.uid);
    // Only the Secret made by hand: no token of the controller's own, and `secrets` untouched.
    assert.deepEqual((await tokenSecrets('manual', 'ci')).map((s) => s.metadata.name), ['ci-token']);
    assert.equal((await getSa('manual', 'ci')).secrets, undefined);
  });

  it('without auto-generation, deletes a token Secret whose ServiceAccount does not exist', async () => {
    await client.create('/api/v1/namespaces/manual/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ghost-token', annotations: { 'kubernetes.io/service-account.name': 'ghost' } },
      type: 'kubernetes.io/service-account-token',
    });
    await eventually('ghost-token deleted', async () => ((await tokenSecrets('manual', 'ghost')).some((s) => s.metadata.name === 'ghost-token') ? undefined : true));
    assert.deepEqual(errors, []);
  });
});

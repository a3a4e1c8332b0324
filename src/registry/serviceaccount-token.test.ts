import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notFound } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { serviceAccountTokenSubresource, type TokenClaimsInput, type TokenGenerator } from './serviceaccount-token.js';
import type { SubresourceContext } from './strategy.js';

const NOW = new Date('2025-03-01T12:00:00.500Z');

function setUp(objects: Record<string, KubeObject>): { generated: TokenClaimsInput[]; ctx: SubresourceContext; generator: TokenGenerator } {
  const generated: TokenClaimsInput[] = [];
  const generator: TokenGenerator = { audiences: ['https://kubernetes.default.svc.cluster.local'], generate: (c) => (generated.push(c), `token-${generated.length}`) };
  const ctx: SubresourceContext = {
    namespace: 'ns',
    name: 'bot',
    dryRun: false,
    now: NOW,
    get: async () => ({ metadata: { name: 'bot', namespace: 'ns', uid: 'sa-uid' } }),
    guaranteedUpdate: async () => assert.fail('no writes'),
    lookup: async (_g, resource, _ns, name) => {
      const o = objects[`${resource}/${name}`];
      if (!o) throw notFound({ group: '', resource }, name);
      return o;
    },
  };
  return { generated, ctx, generator };
}

describe('serviceaccounts/token', () => {
  it('defaults to one hour and the API audiences, and answers 201 with the token and its expiry', async () => {
    const { generated, ctx, generator } = setUp({});
    const r = await serviceAccountTokenSubresource(generator).create(ctx, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    assert.equal(r.code, 201);
    assert.deepEqual(r.body, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'bot', namespace: 'ns', uid: 'sa-uid', creationTimestamp: '2025-03-01T12:00:00Z' },
      spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 },
      status: { token: 'token-1', expirationTimestamp: '2025-03-01T13:00:00Z' },
    });
    assert.deepEqual(generated[0], { namespace: 'ns', serviceAccount: { name: 'bot', uid: 'sa-uid' }, audiences: ['https://kubernetes.default.svc.cluster.local'], now: new Date('2025-03-01T12:00:00Z'), expirationSeconds: 3600 });
  });

  it('refuses expirations under ten minutes or over 2^32 s', async () => {
    const { ctx, generator } = setUp({});
    await assert.rejects(serviceAccountTokenSubresource(generator).create(ctx, { spec: { expirationSeconds: 599 } }), {
      message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    });
    await assert.rejects(serviceAccountTokenSubresource(generator).create(ctx, { spec: { expirationSeconds: 2 ** 32 + 1 } }), { message: /may not specify a duration larger than 2\^32 seconds/ });
  });

  it('binds to a pod of the same ServiceAccount with its node, and extends 3607 s pod tokens to a year', async () => {
    const pod = { metadata: { name: 'web', uid: 'pod-uid' }, spec: { serviceAccountName: 'bot', nodeName: 'n1' } };
    const { generated, ctx, generator } = setUp({ 'pods/web': pod, 'nodes/n1': { metadata: { name: 'n1', uid: 'node-uid' } } });
    const r = await serviceAccountTokenSubresource(generator).create(ctx, { spec: { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } });
    assert.deepEqual(generated[0]?.pod, { name: 'web', uid: 'pod-uid' });
    assert.deepEqual(generated[0]?.node, { name: 'n1', uid: 'node-uid' });
    assert.equal(generated[0]?.expirationSeconds, 365 * 24 * 3600);
    assert.equal(generated[0]?.warnAfterSeconds, 3607);
    assert.equal((r.body as { status: { expirationTimestamp: string } }).status.expirationTimestamp, '2025-03-01T13:00:07Z');
    await serviceAccountTokenSubresource(generator, { extendExpiration: false }).create(ctx, { spec: { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } });
    assert.equal(generated[1]?.expirationSeconds, 3607);
    await serviceAccountTokenSubresource(generator).create(ctx, { spec: { expirationSeconds: 3607, audiences: ['vault'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } });
    assert.equal(generated[2]?.expirationSeconds, 3607, 'not extended for other audiences');
  });

  it('refuses a pod of another account, a stale uid, a missing object and other kinds', async () => {
    const { ctx, generator } = setUp({ 'pods/web': { metadata: { name: 'web', uid: 'pod-uid' }, spec: { serviceAccountName: 'other' } }, 'secrets/s': { metadata: { name: 's', uid: 's-uid' } } });
    const sub = serviceAccountTokenSubresource(generator);
    await assert.rejects(sub.create(ctx, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } }), { message: 'cannot bind token for serviceaccount "bot" to pod running with different serviceaccount name.', reason: 'BadRequest' });
    await assert.rejects(sub.create(ctx, { spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's', uid: 'old' } } }), {
      message: 'Operation cannot be fulfilled on Secret "s": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
      reason: 'Conflict',
    });
    await assert.rejects(sub.create(ctx, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'gone' } } }), { message: 'pods "gone" not found' });
    await assert.rejects(sub.create(ctx, { spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'c' } } }), { message: 'cannot bind token to object of type /v1, Kind=ConfigMap' });
    await assert.rejects(sub.create(ctx, { spec: { boundObjectRef: { kind: 'Node', apiVersion: 'v1', name: 'n9' } } }), { message: 'nodes "n9" not found' });
    await assert.rejects(sub.create(ctx, { metadata: { name: 'other' }, spec: {} }), { message: 'TokenRequest.authentication.k8s.io "bot" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, Pod } from '../../api/types.js';
import { anonymousUser } from '../../api/user.js';
import type { AdmissionAttributes } from '../resource-handler.js';
import { mountServiceAccountToken, serviceAccountAdmission, tokenVolumeSource } from './service-account.js';

function pod(spec: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'busybox' }], ...spec } };
}

function attrs(object: Pod): AdmissionAttributes {
  return { operation: 'CREATE', group: '', resource: 'pods', subresource: '', namespace: 'ns', object, user: anonymousUser(), dryRun: false };
}

const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('ServiceAccount admission', () => {
  it('mounts one kube-api-access volume in init and app containers, after their own mounts', () => {
    const p = pod({ initContainers: [{ name: 'i', image: 'busybox', volumeMounts: [{ name: 'd', mountPath: '/d' }] }], volumes: [{ name: 'd', emptyDir: {} }] });
    mountServiceAccountToken(p, () => 'kube-api-access-abcde');
    assert.deepEqual(p.spec.volumes, [{ name: 'd', emptyDir: {} }, { name: 'kube-api-access-abcde', projected: tokenVolumeSource() }]);
    assert.deepEqual(p.spec.initContainers?.[0]?.volumeMounts, [{ name: 'd', mountPath: '/d' }, { name: 'kube-api-access-abcde', readOnly: true, mountPath: MOUNT }]);
    assert.deepEqual(p.spec.containers[0]?.volumeMounts, [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: MOUNT }]);
    mountServiceAccountToken(p, () => 'kube-api-access-other');
    assert.equal(p.spec.volumes?.length, 2, 'an existing kube-api-access volume is reused');
  });

  it('adds no volume when every container mounts something at the path already', () => {
    const p = pod({ containers: [{ name: 'a', image: 'busybox', volumeMounts: [{ name: 'mine', mountPath: MOUNT }] }] });
    mountServiceAccountToken(p);
    assert.equal(p.spec.volumes, undefined);
  });

  it('defaults the account to default, honours automountServiceAccountToken pod first, and copies pull secrets', async () => {
    const accounts: Record<string, KubeObject> = {
      default: { metadata: { name: 'default' }, imagePullSecrets: [{ name: 'reg' }] } as KubeObject,
      quiet: { metadata: { name: 'quiet' }, automountServiceAccountToken: false } as KubeObject,
    };
    const admit = serviceAccountAdmission({ getServiceAccount: async (_ns, name) => accounts[name], retryDelayMs: () => 1 });
    const p = pod();
    await admit(attrs(p));
    assert.equal(p.spec.serviceAccountName, 'default');
    assert.equal(p.spec.serviceAccount, 'default');
    assert.match(p.spec.volumes?.[0]?.name ?? '', /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(p.spec.imagePullSecrets, [{ name: 'reg' }]);
    const q = pod({ serviceAccountName: 'quiet' });
    await admit(attrs(q));
    assert.equal(q.spec.volumes, undefined);
    const r = pod({ serviceAccountName: 'quiet', automountServiceAccountToken: true });
    await admit(attrs(r));
    assert.equal(r.spec.volumes?.length, 1);
    const s = pod({ automountServiceAccountToken: false });
    await admit(attrs(s));
    assert.equal(s.spec.volumes, undefined);
    const legacy = pod({ serviceAccount: 'quiet' });
    await admit(attrs(legacy));
    assert.equal(legacy.spec.serviceAccountName, 'quiet');
  });

  it('refuses a pod whose ServiceAccount does not exist, looking up default ten times first', async () => {
    let lookups = 0;
    const admit = serviceAccountAdmission({ getServiceAccount: async () => { lookups++; return undefined; }, retryDelayMs: () => 1 });
    await assert.rejects(admit(attrs(pod({ serviceAccountName: 'nope' }))), { message: 'pods "p" is forbidden: error looking up service account ns/nope: serviceaccount "nope" not found', reason: 'Forbidden' });
    assert.equal(lookups, 1);
    lookups = 0;
    const generated = pod();
    generated.metadata = { generateName: 'web-' };
    await assert.rejects(admit(attrs(generated)), { message: 'pods "web-" is forbidden: error looking up service account ns/default: serviceaccount "default" not found' });
    assert.equal(lookups, 10);
  });

  it('leaves mirror pods, other resources and other operations alone', async () => {
    const admit = serviceAccountAdmission({ getServiceAccount: async () => undefined });
    const mirror = pod();
    mirror.metadata.annotations = { 'kubernetes.io/config.mirror': 'x' };
    await admit(attrs(mirror));
    assert.equal(mirror.spec.serviceAccountName, undefined);
    await admit({ ...attrs(pod()), resource: 'configmaps' });
  });
});

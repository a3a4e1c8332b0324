import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PersistentVolumeClaim, StorageClass } from '../../api/storage.js';
import type { AdmissionAttributes } from '../resource-handler.js';
import { defaultStorageClassAdmission } from './default-storage-class.js';

function sc(name: string, created: string, isDefault: boolean): StorageClass {
  return {
    metadata: { name, creationTimestamp: created, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: 'rancher.io/local-path',
  };
}

function attrs(pvc: PersistentVolumeClaim, operation: 'CREATE' | 'UPDATE' = 'CREATE'): AdmissionAttributes {
  return { operation, group: '', resource: 'persistentvolumeclaims', subresource: '', namespace: 'default', object: pvc, user: { username: 'u', uid: '', groups: [], extra: {} }, dryRun: false };
}

const claim = (spec: PersistentVolumeClaim['spec'] = {}): PersistentVolumeClaim => ({ metadata: { name: 'data', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], ...spec } });

describe('DefaultStorageClass admission', () => {
  const classes = [sc('slow', '2025-01-01T00:00:00Z', false), sc('local-path', '2025-01-01T00:00:00Z', true), sc('newer', '2025-01-02T00:00:00Z', true)];
  const admit = defaultStorageClassAdmission({ listStorageClasses: async () => classes });

  it('gives a claim that names no class the newest default class', async () => {
    const c = claim();
    await admit(attrs(c));
    assert.equal(c.spec?.storageClassName, 'newer');
  });
  it('leaves an explicit "" (no class), a named class, the beta annotation and updates alone', async () => {
    const none = claim({ storageClassName: '' });
    await admit(attrs(none));
    assert.equal(none.spec?.storageClassName, '');
    const beta = claim();
    beta.metadata.annotations = { 'volume.beta.kubernetes.io/storage-class': 'slow' };
    await admit(attrs(beta));
    assert.equal(beta.spec?.storageClassName, undefined);
    const update = claim();
    await admit(attrs(update, 'UPDATE'));
    assert.equal(update.spec?.storageClassName, undefined);
  });
  it('sets nothing without a default class', async () => {
    const c = claim();
    await defaultStorageClassAdmission({ listStorageClasses: async () => [classes[0]!] })(attrs(c));
    assert.equal(c.spec?.storageClassName, undefined);
  });
});

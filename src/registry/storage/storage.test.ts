/** Tests of the PersistentVolume, PersistentVolumeClaim and StorageClass strategies: defaults, admission, validation, tables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/storage.js';
import { persistentVolumeClaimStrategy as pvcs } from './persistentvolumeclaims.js';
import { persistentVolumeStrategy as pvs } from './persistentvolumes.js';
import { storageClassStrategy as scs } from './storageclasses.js';

function messages(errs: { field: string; detail: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.detail}`);
}

function pv(name: string, spec: NonNullable<PersistentVolume['spec']>): PersistentVolume {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, creationTimestamp: '2025-01-01T00:00:00Z' }, spec };
}

function pvc(name: string, spec: NonNullable<PersistentVolumeClaim['spec']>): PersistentVolumeClaim {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z' }, spec };
}

function sc(name: string, created: string, isDefault: boolean): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, creationTimestamp: created, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: 'rancher.io/local-path',
  };
}

const now = new Date('2025-01-01T00:05:00Z');

test('a created PV defaults to Retain and Filesystem, is Pending, and carries the pv-protection finalizer', () => {
  const v = pv('data', { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/data' } });
  pvs.prepareForCreate(v);
  assert.equal(v.spec?.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(v.spec?.volumeMode, 'Filesystem');
  assert.equal(v.spec?.hostPath?.type, '');
  assert.deepEqual(v.metadata.finalizers, ['kubernetes.io/pv-protection']);
  assert.deepEqual(v.status, { phase: 'Pending', lastPhaseTransitionTime: '2025-01-01T00:00:00Z' });
  assert.deepEqual(pvs.validate(v), []);
  assert.deepEqual(pvs.table?.cells(v, now), ['data', '1Gi', 'RWO', 'Retain', 'Pending', '', '', '<unset>', '', '5m', 'Filesystem']);
});

test('PV validation gives kube-apiserver messages', () => {
  const v = pv('bad', { capacity: { memory: '0' }, accessModes: ['ReadWriteOnce', 'ReadWriteOncePod', 'Sometimes' as 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Keep' as 'Retain' });
  assert.deepEqual(messages(pvs.validate(v)), [
    'spec.accessModes: Unsupported value: "Sometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
    'spec.capacity: Unsupported value: map[memory:0]: supported values: "storage"',
    'spec.capacity[memory]: Invalid value: "0": must be greater than zero',
    'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
    'spec: Required value: must specify a volume type',
  ]);
  const local = pv('local', { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt/disk' } });
  assert.deepEqual(messages(pvs.validate(local)), ['spec.nodeAffinity: Required value: Local volume requires node affinity']);
});

test('a PV source is immutable; a status update keeps the spec and stamps a new phase', () => {
  const old = pv('data', { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/a' } });
  pvs.prepareForCreate(old);
  const changed = structuredClone(old);
  changed.spec!.hostPath!.path = '/srv/b';
  pvs.prepareForUpdate(changed, old);
  assert.deepEqual(messages(pvs.validateUpdate(changed, old)), ['spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation']);
  const status = structuredClone(old);
  status.spec!.capacity = { storage: '5Gi' };
  status.status = { phase: 'Available' };
  pvs.prepareForStatusUpdate?.(status, old);
  assert.equal(status.spec?.capacity?.['storage'], '1Gi');
  assert.equal(status.status?.phase, 'Available');
  assert.notEqual(status.status?.lastPhaseTransitionTime, undefined);
});

test('a created PVC is Pending with the pvc-protection finalizer; its table shows capacity only once bound', () => {
  const c = pvc('data', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local-path' });
  pvcs.prepareForCreate(c);
  assert.deepEqual(c.metadata.finalizers, ['kubernetes.io/pvc-protection']);
  assert.deepEqual(c.status, { phase: 'Pending' });
  assert.deepEqual(pvcs.validate(c), []);
  assert.deepEqual(pvcs.table?.cells(c, now), ['data', 'Pending', '', '', '', 'local-path', '<unset>', '5m', 'Filesystem']);
  c.spec!.volumeName = 'pvc-1';
  c.status = { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } };
  assert.deepEqual(pvcs.table?.cells(c, now), ['data', 'Bound', 'pvc-1', '1Gi', 'RWO', 'local-path', '<unset>', '5m', 'Filesystem']);
  c.metadata.deletionTimestamp = '2025-01-01T00:04:00Z';
  assert.equal(pvcs.table?.cells(c, now)[1], 'Terminating');
});

test('PVC validation and immutability give kube-apiserver messages', () => {
  const bad = pvc('bad', { resources: { requests: { storage: '0' } }, volumeMode: 'Raw' as 'Block' });
  assert.deepEqual(messages(pvcs.validate(bad)), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Invalid value: "0": must be greater than zero',
    'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"',
  ]);
  assert.deepEqual(messages(pvcs.validate(pvc('nosize', { accessModes: ['ReadWriteOnce'] }))), ['spec.resources[storage]: Required value']);
  const old = pvc('data', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local-path' });
  pvcs.prepareForCreate(old);
  const bind = structuredClone(old);
  bind.spec!.volumeName = 'pvc-1';
  assert.deepEqual(pvcs.validateUpdate(bind, old), [], 'volumeName may be set once');
  const modes = structuredClone(old);
  modes.spec!.accessModes = ['ReadWriteMany'];
  assert.deepEqual(messages(pvcs.validateUpdate(modes, old)), ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
});

test('StorageClass defaults, validation, immutability and the (default) marker in its table', () => {
  const c = sc('local-path', '2025-01-01T00:00:00Z', true);
  c.volumeBindingMode = 'WaitForFirstConsumer';
  scs.prepareForCreate(c);
  assert.equal(c.reclaimPolicy, 'Delete');
  assert.deepEqual(scs.validate(c), []);
  assert.deepEqual(scs.table?.cells(c, now), ['local-path (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '5m']);
  const plain = sc('fast', '2025-01-01T00:00:00Z', false);
  scs.prepareForCreate(plain);
  assert.equal(plain.volumeBindingMode, 'Immediate');
  const bad: StorageClass = { ...sc('bad', '2025-01-01T00:00:00Z', false), provisioner: '', reclaimPolicy: 'Recycle' as 'Delete', volumeBindingMode: 'Later' as 'Immediate' };
  assert.deepEqual(messages(scs.validate(bad)), [
    'provisioner: Required value',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ]);
  const changed = structuredClone(c);
  changed.provisioner = 'example.com/other';
  changed.parameters = { a: 'b' };
  assert.deepEqual(messages(scs.validateUpdate(changed, c)), ['parameters: Forbidden: updates to parameters are forbidden.', 'provisioner: Forbidden: updates to provisioner are forbidden.']);
});

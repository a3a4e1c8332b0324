/**
 * PersistentVolumes, PersistentVolumeClaims and StorageClasses through the real API server and kubectl 1.32: apply,
 * the default class set by admission, `kubectl get pv,pvc,sc` columns, explain (OpenAPI), validation errors, and
 * deletion held by the protection finalizers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';

const MANIFESTS = `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: static-a
spec:
  capacity:
    storage: 2Gi
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  storageClassName: manual
  hostPath:
    path: /srv/static-a
`;

describe('storage kinds with kubectl', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(undefined, { access: true });
  });
  after(async () => t.close());

  it('applies a StorageClass, a claim and a volume; the claim gets the default class', async () => {
    const r = await t.kubectl(['apply', '-f', '-'], MANIFESTS);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'storageclass.storage.k8s.io/local-path created\npersistentvolumeclaim/data created\npersistentvolume/static-a created\n');
    const cls = await t.kubectl(['get', 'pvc', 'data', '-o', 'jsonpath={.spec.storageClassName} {.metadata.finalizers} {.status.phase}']);
    assert.equal(cls.stdout, 'local-path ["kubernetes.io/pvc-protection"] Pending');
  });

  it('prints pv, pvc and sc tables with kube-apiserver columns', async () => {
    const r = await t.kubectl(['get', 'pv,pvc,sc']);
    const lines = r.stdout.split('\n').map((l) => l.trimEnd().replace(/\s+/g, ' '));
    assert.deepEqual(lines.filter((l) => /^NAME /.test(l)), [
      'NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE',
      'NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE',
      'NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE',
    ]);
    assert.ok(lines.some((l) => /^persistentvolume\/static-a 2Gi RWO,ROX Retain Pending manual <unset> \S+$/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^persistentvolumeclaim\/data Pending local-path <unset> \S+$/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^storageclass.storage.k8s.io\/local-path \(default\) rancher.io\/local-path Delete WaitForFirstConsumer false \S+$/.test(l)), r.stdout);
    const wide = await t.kubectl(['get', 'pv', '-o', 'wide']);
    assert.match(wide.stdout.split('\n')[0] ?? '', /REASON\s+AGE\s+VOLUMEMODE$/);
    assert.match(wide.stdout.split('\n')[1] ?? '', /Filesystem$/);
  });

  it('explains the kinds from the served OpenAPI', async () => {
    const r = await t.kubectl(['explain', 'pvc.spec.storageClassName']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /storageClassName is the name of the StorageClass required by the claim/);
    const sc = await t.kubectl(['explain', 'storageclass.volumeBindingMode']);
    assert.match(sc.stdout, /GROUP:\s+storage.k8s.io/);
  });

  it('refuses an invalid claim with the field errors kube-apiserver gives', async () => {
    const r = await t.kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: bad\nspec:\n  resources:\n    requests:\n      storage: 1Gi\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The PersistentVolumeClaim "bad" is invalid: spec.accessModes: Required value: at least 1 access mode is required/);
  });

  it('keeps a deleted claim Terminating while its protection finalizer stays', async () => {
    const r = await t.kubectl(['delete', 'pvc', 'data', '--wait=false']);
    assert.equal(r.stdout, 'persistentvolumeclaim "data" deleted\n');
    const row = await t.kubectl(['get', 'pvc', 'data', '--no-headers']);
    assert.match(row.stdout, /^data\s+Terminating\s/);
    await t.kubectl(['patch', 'pvc', 'data', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    const gone = await t.kubectl(['get', 'pvc', 'data']);
    assert.match(gone.stderr, /persistentvolumeclaims "data" not found/);
  });
});

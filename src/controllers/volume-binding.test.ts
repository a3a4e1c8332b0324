/** Tests of volume matching, the scheduler's volume binding plan and the local-path provisioner's volumes (pure functions). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/storage.js';
import type { Node, Pod } from '../api/types.js';
import { localPathStorageClass, provisionedVolume, shouldDelete, shouldProvision } from './local-path/provision.js';
import { findMatchingVolume } from './persistentvolume/matching.js';
import { planVolumeBinding, type VolumeLookup } from './volume-binding.js';

const node = { name: 'node1', labels: { 'kubernetes.io/hostname': 'node1' } };

function pv(name: string, size: string, o: { modes?: string[]; cls?: string; phase?: string; claim?: { name: string; uid?: string }; host?: string } = {}): PersistentVolume {
  return {
    metadata: { name, labels: { tier: name } },
    spec: {
      capacity: { storage: size },
      accessModes: (o.modes ?? ['ReadWriteOnce']) as ('ReadWriteOnce' | 'ReadOnlyMany')[],
      storageClassName: o.cls ?? 'manual',
      hostPath: { path: `/srv/${name}` },
      ...(o.claim ? { claimRef: { namespace: 'default', name: o.claim.name, ...(o.claim.uid ? { uid: o.claim.uid } : {}) } } : {}),
      ...(o.host ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.host] }] }] } } } : {}),
    },
    status: { phase: (o.phase ?? 'Available') as 'Available' },
  };
}

function pvc(name: string, o: { size?: string; cls?: string; modes?: string[]; annotations?: Record<string, string>; volumeName?: string; deleting?: boolean } = {}): PersistentVolumeClaim {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(o.annotations ? { annotations: o.annotations } : {}), ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: {
      accessModes: (o.modes ?? ['ReadWriteOnce']) as 'ReadWriteOnce'[],
      resources: { requests: { storage: o.size ?? '1Gi' } },
      storageClassName: o.cls ?? 'manual',
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
    },
  };
}

describe('findMatchingVolume', () => {
  const vols = [pv('small', '500Mi'), pv('big', '10Gi'), pv('fits', '2Gi'), pv('rox', '5Gi', { modes: ['ReadOnlyMany'] }), pv('other', '1Gi', { cls: 'fast' })];
  it('picks the smallest Available volume of the class that offers the size and access modes', () => {
    assert.equal(findMatchingVolume(pvc('c'), vols, undefined, false)?.metadata.name, 'fits');
    assert.equal(findMatchingVolume(pvc('c', { modes: ['ReadOnlyMany'] }), vols, undefined, false)?.metadata.name, 'rox');
    assert.equal(findMatchingVolume(pvc('c', { cls: 'fast' }), vols, undefined, false)?.metadata.name, 'other');
    assert.equal(findMatchingVolume(pvc('c', { size: '20Gi' }), vols, undefined, false), undefined);
  });
  it('returns the volume pre-bound to the claim before any other, and skips volumes bound elsewhere', () => {
    const pre = pv('pre', '5Gi', { claim: { name: 'c' } });
    assert.equal(findMatchingVolume(pvc('c'), [...vols, pre], undefined, false)?.metadata.name, 'pre');
    assert.equal(findMatchingVolume(pvc('d'), [pre], undefined, false), undefined);
  });
  it('leaves WaitForFirstConsumer claims to the scheduler unless a node is given, then checks node affinity', () => {
    const local = [pv('there', '1Gi', { host: 'node2' }), pv('here', '5Gi', { host: 'node1' })];
    assert.equal(findMatchingVolume(pvc('c'), local, undefined, true), undefined);
    assert.equal(findMatchingVolume(pvc('c'), local, node, true)?.metadata.name, 'here');
  });
});

describe('planVolumeBinding', () => {
  const wffc: StorageClass = { ...localPathStorageClass(), metadata: { name: 'local-path' } };
  const staticWffc: StorageClass = { metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' };
  const immediate: StorageClass = { metadata: { name: 'fast' }, provisioner: 'example.com/fast', volumeBindingMode: 'Immediate' };
  function lookup(claims: PersistentVolumeClaim[], volumes: PersistentVolume[] = []): VolumeLookup {
    return {
      claim: (ns, name) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
      volume: (name) => volumes.find((v) => v.metadata.name === name),
      volumes: () => volumes,
      storageClass: (name) => [wffc, staticWffc, immediate].find((c) => c.metadata.name === name),
    };
  }
  const pod = (...claims: string[]): Pod => ({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })) } });

  it('rejects missing, deleted and unbound Immediate claims in the PreFilter', () => {
    assert.deepEqual(planVolumeBinding(pod('x'), node, lookup([])), { status: 'unschedulable', reason: 'persistentvolumeclaim "x" not found', preFilter: true });
    assert.deepEqual(planVolumeBinding(pod('x'), node, lookup([pvc('x', { deleting: true })])), { status: 'unschedulable', reason: 'persistentvolumeclaim "x" is being deleted', preFilter: true });
    assert.deepEqual(planVolumeBinding(pod('x'), node, lookup([pvc('x', { cls: 'fast' })])), { status: 'unschedulable', reason: 'pod has unbound immediate PersistentVolumeClaims', preFilter: true });
  });
  it('asks the provisioner for a WaitForFirstConsumer claim, then waits while it is under way', () => {
    const c = pvc('x', { cls: 'local-path' });
    const plan = planVolumeBinding(pod('x'), node, lookup([c]));
    assert.equal(plan.status, 'bind');
    assert.deepEqual(plan.status === 'bind' ? [plan.reserve.length, plan.provision.map((p) => p.metadata.name)] : [], [0, ['x']]);
    const annotated = pvc('x', { cls: 'local-path', annotations: { 'volume.kubernetes.io/selected-node': 'node1' } });
    assert.deepEqual(planVolumeBinding(pod('x'), node, lookup([annotated])), { status: 'waiting' });
  });
  it('reserves a fitting static volume for a WaitForFirstConsumer claim, or fails the node without one', () => {
    const c = pvc('x');
    const plan = planVolumeBinding(pod('x'), node, lookup([c], [pv('there', '5Gi', { host: 'node2' }), pv('here', '5Gi', { host: 'node1' })]));
    assert.deepEqual(plan.status === 'bind' ? plan.reserve.map((r) => r.pv.metadata.name) : plan, ['here']);
    assert.deepEqual(planVolumeBinding(pod('x'), node, lookup([c], [pv('there', '5Gi', { host: 'node2' })])), {
      status: 'unschedulable',
      reason: "node(s) didn't find available persistent volumes to bind",
      preFilter: false,
    });
  });
  it('lets a pod with bound claims go, unless a volume is pinned to another node', () => {
    const bound = pvc('x', { volumeName: 'v', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } });
    assert.deepEqual(planVolumeBinding(pod('x', 'x'), node, lookup([bound], [pv('v', '1Gi', { host: 'node1', claim: { name: 'x', uid: 'uid-x' } })])), { status: 'bound' });
    assert.deepEqual(planVolumeBinding(pod('x'), node, lookup([bound], [pv('v', '1Gi', { host: 'node2' })])), { status: 'unschedulable', reason: 'node(s) had volume node affinity conflict', preFilter: false });
  });
});

describe('local-path volumes', () => {
  const sc = localPathStorageClass();
  const nodeObj: Node = { metadata: { name: 'node1', labels: { 'kubernetes.io/hostname': 'node1' } } };
  const ready = pvc('data', { cls: 'local-path', annotations: { 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.kubernetes.io/selected-node': 'node1' } });

  it('provisions only claims handed to it with a node chosen', () => {
    assert.equal(shouldProvision(ready, sc, 'rancher.io/local-path'), true);
    assert.equal(shouldProvision(pvc('data', { cls: 'local-path', annotations: { 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path' } }), sc, 'rancher.io/local-path'), false);
    assert.equal(shouldProvision(pvc('data', { cls: 'local-path' }), sc, 'rancher.io/local-path'), false);
  });
  it('makes a local volume at pvc-<uid>_<ns>_<name> pinned to the node, as k3s does', () => {
    const v = provisionedVolume(ready, sc, nodeObj, '/var/lib/k1s/storage', 'rancher.io/local-path');
    assert.deepEqual(v, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pvc-uid-data', annotations: { 'local.path.provisioner/selected-node': 'node1', 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
      spec: {
        persistentVolumeReclaimPolicy: 'Delete',
        accessModes: ['ReadWriteOnce'],
        volumeMode: 'Filesystem',
        capacity: { storage: '1Gi' },
        local: { path: '/var/lib/k1s/storage/pvc-uid-data_default_data' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node1'] }] }] } },
        claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: 'uid-data', apiVersion: 'v1', resourceVersion: '' },
        storageClassName: 'local-path',
      },
    });
    const hostPathClaim = pvc('data', { cls: 'local-path', annotations: { ...ready.metadata.annotations, volumeType: 'hostPath' } });
    assert.deepEqual(provisionedVolume(hostPathClaim, sc, nodeObj, '/b', 'rancher.io/local-path').spec?.hostPath, { path: '/b/pvc-uid-data_default_data', type: 'DirectoryOrCreate' });
  });
  it('refuses what local-path-provisioner refuses, with its messages', () => {
    assert.throws(() => provisionedVolume(pvc('d', { modes: ['ReadWriteMany'] }), sc, nodeObj, '/b', 'p'), /^Error: NodePath only supports ReadWriteOnce and ReadWriteOncePod \(1.22\+\) access modes$/);
    assert.throws(() => provisionedVolume(pvc('d'), sc, undefined, '/b', 'p'), /^Error: configuration error, no node was specified$/);
  });
  it('deletes only Released volumes it made under the Delete policy', () => {
    const made = provisionedVolume(ready, sc, nodeObj, '/b', 'rancher.io/local-path');
    assert.equal(shouldDelete({ ...made, status: { phase: 'Released' } }, 'rancher.io/local-path'), true);
    assert.equal(shouldDelete({ ...made, status: { phase: 'Bound' } }, 'rancher.io/local-path'), false);
    assert.equal(shouldDelete({ ...made, spec: { ...made.spec, persistentVolumeReclaimPolicy: 'Retain' }, status: { phase: 'Released' } }, 'rancher.io/local-path'), false);
  });
});

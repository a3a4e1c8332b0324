/** Tests of the core strategy list and discovery facts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreStrategies } from './index.js';

test('coreStrategies lists every served kind with its group and short names', () => {
  const info = coreStrategies().map((s) => [s.info.group, s.info.resource, s.info.kind, s.info.namespaced, s.info.shortNames.join(',')]);
  assert.deepEqual(info, [
    ['', 'pods', 'Pod', true, 'po'],
    ['', 'namespaces', 'Namespace', false, 'ns'],
    ['', 'nodes', 'Node', false, 'no'],
    ['', 'events', 'Event', true, 'ev'],
    ['', 'configmaps', 'ConfigMap', true, 'cm'],
    ['', 'secrets', 'Secret', true, ''],
    ['', 'serviceaccounts', 'ServiceAccount', true, 'sa'],
    ['', 'services', 'Service', true, 'svc'],
    ['', 'endpoints', 'Endpoints', true, 'ep'],
    ['', 'replicationcontrollers', 'ReplicationController', true, 'rc'],
    ['', 'podtemplates', 'PodTemplate', true, ''],
    ['apps', 'deployments', 'Deployment', true, 'deploy'],
    ['apps', 'replicasets', 'ReplicaSet', true, 'rs'],
    ['discovery.k8s.io', 'endpointslices', 'EndpointSlice', true, ''],
    ['rbac.authorization.k8s.io', 'clusterrolebindings', 'ClusterRoleBinding', false, ''],
    ['rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', false, ''],
    ['rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding', true, ''],
    ['rbac.authorization.k8s.io', 'roles', 'Role', true, ''],
    ['authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview', false, ''],
    ['authentication.k8s.io', 'tokenreviews', 'TokenReview', false, ''],
    ['authorization.k8s.io', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true, ''],
    ['authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, ''],
    ['authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, ''],
    ['authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview', false, ''],
    ['', 'persistentvolumes', 'PersistentVolume', false, 'pv'],
    ['', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, 'pvc'],
    ['storage.k8s.io', 'storageclasses', 'StorageClass', false, 'sc'],
    ['', 'limitranges', 'LimitRange', true, 'limits'],
    ['', 'resourcequotas', 'ResourceQuota', true, 'quota'],
    ['coordination.k8s.io', 'leases', 'Lease', true, ''],
    ['node.k8s.io', 'runtimeclasses', 'RuntimeClass', false, ''],
  ]);
  const all = coreStrategies().filter((s) => s.info.categories.includes('all')).map((s) => s.info.resource);
  assert.deepEqual(all, ['pods', 'services', 'replicationcontrollers', 'deployments', 'replicasets']);
  const pods = coreStrategies()[0];
  assert.deepEqual(pods?.info.categories, ['all']);
  assert.deepEqual(pods?.info.subresources, ['status', 'log', 'exec', 'binding', 'attach', 'portforward', 'proxy', 'ephemeralcontainers']);
});

test('every strategy table has as many cells as columns', () => {
  for (const s of coreStrategies()) {
    if (!s.table) continue;
    const cells = s.table.cells({ metadata: { name: 'x' }, spec: { containers: [] }, involvedObject: {} }, new Date());
    assert.equal(cells.length, s.table.columnDefinitions.length, s.info.resource);
  }
});

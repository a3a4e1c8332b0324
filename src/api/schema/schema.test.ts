// Tests of the schema lookup over the generated tables: names per package, kinds per group/version, OpenAPI names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goName, kindsOfType, lookupStruct, openapiName, resolveType, structNames, typeNameForKind } from './schema.js';

test('every field type of every table resolves, and no two packages share a table name', () => {
  const names = structNames();
  assert.equal(new Set(names).size, names.length);
  for (const name of names) {
    for (const [field, f] of Object.entries(lookupStruct(name)?.fields ?? {})) {
      assert.doesNotThrow(() => resolveType(f.type), `${name}.${field}: ${f.type}`);
    }
  }
});

test('typeNameForKind finds the root type of each generated kind by group/version', () => {
  const cases: [string, string, string | undefined][] = [
    ['', 'Pod', 'Pod'],
    ['', 'Service', 'Service'],
    ['', 'EndpointsList', 'EndpointsList'],
    ['', 'PersistentVolumeClaim', 'PersistentVolumeClaim'],
    ['apps', 'Deployment', 'apps.v1.Deployment'],
    ['apps', 'ReplicaSetList', 'apps.v1.ReplicaSetList'],
    ['apps', 'DeleteOptions', 'DeleteOptions'],
    ['autoscaling', 'Scale', 'autoscaling.v1.Scale'],
    ['discovery.k8s.io', 'EndpointSlice', 'discovery.v1.EndpointSlice'],
    ['storage.k8s.io', 'StorageClass', 'storage.v1.StorageClass'],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding', 'rbac.v1.ClusterRoleBinding'],
    ['authentication.k8s.io', 'TokenRequest', 'authentication.v1.TokenRequest'],
    ['apps', 'StatefulSet', undefined],
    ['apps', 'Pod', undefined],
    ['', 'Deployment', undefined],
    ['discovery', 'EndpointSlice', undefined],
  ];
  for (const [group, kind, want] of cases) assert.equal(typeNameForKind({ group, version: 'v1', kind }), want, `${group}/v1 ${kind}`);
});

test('kindsOfType gives the GVKs of x-kubernetes-group-version-kind, sorted by group', () => {
  assert.deepEqual(kindsOfType('apps.v1.Deployment'), [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.deepEqual(kindsOfType('discovery.v1.EndpointSlice'), [{ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' }]);
  assert.deepEqual(kindsOfType('Pod'), [{ group: '', version: 'v1', kind: 'Pod' }]);
  assert.deepEqual(kindsOfType('apps.v1.DeploymentSpec'), []);
  const deleteOptions = kindsOfType('DeleteOptions').map((g) => g.group);
  assert.deepEqual(deleteOptions, [...deleteOptions].sort());
  for (const g of ['', 'apps', 'discovery.k8s.io', 'meta.k8s.io']) assert.ok(deleteOptions.includes(g), g);
});

test('openapiName names structs as kube-openapi does', () => {
  assert.equal(openapiName('apps.v1.Deployment'), 'io.k8s.api.apps.v1.Deployment');
  assert.equal(openapiName('discovery.v1.EndpointPort'), 'io.k8s.api.discovery.v1.EndpointPort');
  assert.equal(openapiName('autoscaling.v1.Scale'), 'io.k8s.api.autoscaling.v1.Scale');
  assert.equal(openapiName('rbac.v1.PolicyRule'), 'io.k8s.api.rbac.v1.PolicyRule');
  assert.equal(openapiName('EndpointPort'), 'io.k8s.api.core.v1.EndpointPort');
  assert.equal(openapiName('ObjectMeta'), 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(openapiName('IntOrString'), 'io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.equal(goName('discovery.v1.EndpointPort'), 'EndpointPort');
  assert.equal(goName('Container'), 'Container');
});

test('discovery/v1 EndpointPort and core/v1 EndpointPort keep their own required fields', () => {
  assert.equal(lookupStruct('EndpointPort')?.fields['port']?.required, true);
  assert.equal(lookupStruct('discovery.v1.EndpointPort')?.fields['port']?.required, undefined);
  assert.equal(lookupStruct('discovery.v1.EndpointPort')?.struct, 'atomic');
  assert.equal(lookupStruct('discovery.v1.Endpoint')?.fields['targetRef']?.type, 'ObjectReference');
});

test('the apps/v1 tables reach the core/v1 pod template and meta/v1 selectors with their patch facts', () => {
  const spec = lookupStruct('apps.v1.DeploymentSpec');
  assert.deepEqual(spec?.fields['template'], { type: 'PodTemplateSpec', required: true, doc: 'Template describes the pods that will be created.' });
  assert.equal(spec?.fields['selector']?.type, 'LabelSelector');
  assert.equal(spec?.fields['strategy']?.patch, 'retainKeys');
  assert.equal(lookupStruct('apps.v1.RollingUpdateDeployment')?.fields['maxSurge']?.type, 'IntOrString');
  assert.deepEqual(lookupStruct('apps.v1.DeploymentStatus')?.fields['conditions']?.keys, ['type']);
  assert.equal(lookupStruct('ServiceSpec')?.fields['ports']?.key, 'port');
  assert.deepEqual(lookupStruct('ServiceSpec')?.fields['ports']?.keys, ['port', 'protocol']);
});

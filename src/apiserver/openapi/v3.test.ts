// Tests of the OpenAPI v3 root and documents that kubectl apply/explain rely on.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { ResourceInfo } from '../../registry/strategy.js';
import { openapiV3Document, openapiV3Root, serveOpenAPIV3 } from './v3.js';

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const resources: ResourceInfo[] = [
  { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], verbs, subresources: ['status', 'log', 'exec', 'binding'] },
  { group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], categories: [], verbs, subresources: ['status'] },
  { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], verbs, subresources: ['status', 'scale'] },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', namespaced: true, shortNames: [], categories: [], verbs, subresources: [] },
  { group: 'stable.example.com', version: 'v1', resource: 'crontabs', singular: 'crontab', kind: 'CronTab', namespaced: true, shortNames: ['ct'], categories: [], verbs, subresources: [] },
];

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads deep JSON

function doc(path: string): J {
  const d = openapiV3Document(path, resources);
  assert.ok(d, `document ${path}`);
  return JSON.parse(d.body) as J;
}

test('openapiV3Root lists every group version with the SHA-512 hash of its document', () => {
  const root = openapiV3Root(resources);
  assert.deepEqual(Object.keys(root.paths), ['api', 'api/v1', 'apis', 'apis/apps/v1', 'apis/discovery.k8s.io/v1', 'apis/stable.example.com/v1']);
  const d = openapiV3Document('api/v1', resources);
  const hash = createHash('sha512').update(d?.body ?? '').digest('hex').toUpperCase();
  assert.equal(root.paths['api/v1']?.serverRelativeURL, `/openapi/v3/api/v1?hash=${hash}`);
});

test('api/v1 document declares fieldValidation on the pods PATCH with the Pod GVK and SMP content type', () => {
  const patch = doc('api/v1')['paths']['/api/v1/namespaces/{namespace}/pods/{name}']['patch'];
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', kind: 'Pod', version: 'v1' });
  const params = (patch['parameters'] as J[]).filter((p) => p['in'] === 'query').map((p) => p['name']);
  assert.deepEqual(params, ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  assert.ok(patch['requestBody']['content']['application/strategic-merge-patch+json']);
  assert.equal(patch['operationId'], 'patchCoreV1NamespacedPod');
});

test('api/v1 components carry upstream names, GVKs and patch metadata', () => {
  const schemas = doc('api/v1')['components']['schemas'];
  assert.deepEqual(schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  const spec = schemas['io.k8s.api.core.v1.PodSpec']['properties'];
  assert.equal(spec['containers']['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(spec['containers']['x-kubernetes-patch-strategy'], 'merge');
  assert.deepEqual(spec['containers']['items'], { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }], default: {} });
  assert.equal(spec['volumes']['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  const ports = schemas['io.k8s.api.core.v1.Container']['properties']['ports'];
  assert.deepEqual([ports['x-kubernetes-patch-merge-key'], ports['x-kubernetes-list-map-keys']], ['containerPort', ['containerPort', 'protocol']]);
  assert.equal(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']['properties']['ownerReferences']['x-kubernetes-patch-merge-key'], 'uid');
  for (const s of Object.values(schemas) as J[]) {
    for (const p of Object.values((s['properties'] ?? {}) as J)) {
      const r = (p as J)['allOf']?.[0]?.['$ref'] as string | undefined;
      if (r) assert.ok(schemas[r.replace('#/components/schemas/', '')], `dangling ${r}`);
    }
  }
});

test('a kind without schema gets a permissive component so kubectl still finds its GVK', () => {
  const d = doc('apis/stable.example.com/v1');
  const s = d['components']['schemas']['io.k8s.api.stable.v1.CronTab'];
  assert.equal(s['x-kubernetes-preserve-unknown-fields'], true);
  assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
  assert.ok(d['paths']['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}']['patch']);
});

test('apis/apps/v1 publishes the generated Deployment schema with upstream names, GVK and patch metadata', () => {
  const d = doc('apis/apps/v1');
  const schemas = d['components']['schemas'];
  const deployment = schemas['io.k8s.api.apps.v1.Deployment'];
  assert.equal(deployment['x-kubernetes-preserve-unknown-fields'], undefined);
  assert.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.deepEqual(deployment['properties']['spec']['allOf'], [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }]);
  const spec = schemas['io.k8s.api.apps.v1.DeploymentSpec'];
  assert.deepEqual(spec['required'], ['selector', 'template']);
  assert.equal(spec['properties']['strategy']['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.deepEqual(spec['properties']['template']['allOf'], [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec' }]);
  assert.deepEqual(spec['properties']['selector']['allOf'], [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' }]);
  assert.equal(schemas['io.k8s.api.apps.v1.DeploymentStrategy']['properties']['rollingUpdate']['allOf'][0]['$ref'], '#/components/schemas/io.k8s.api.apps.v1.RollingUpdateDeployment');
  assert.equal(schemas['io.k8s.api.core.v1.PodSpec']['properties']['containers']['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(schemas['io.k8s.api.apps.v1.DeploymentList']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
  const gvks = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']['x-kubernetes-group-version-kind'] as J[];
  assert.ok(gvks.some((g) => g['group'] === 'apps' && g['version'] === 'v1'), 'DeleteOptions is registered in apps/v1 too');
  for (const s of Object.values(schemas) as J[]) {
    for (const p of Object.values((s['properties'] ?? {}) as J)) {
      const r = ((p as J)['allOf']?.[0]?.['$ref'] ?? (p as J)['items']?.['allOf']?.[0]?.['$ref']) as string | undefined;
      if (r) assert.ok(schemas[r.replace('#/components/schemas/', '')], `dangling ${r}`);
    }
  }
});

test('apis/apps/v1 serves the scale subresource as autoscaling/v1 Scale and the PATCH as kubectl needs it', () => {
  const d = doc('apis/apps/v1');
  const scale = d['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
  assert.equal(scale['get']['operationId'], 'readAppsV1NamespacedDeploymentScale');
  assert.deepEqual(scale['patch']['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  assert.deepEqual(scale['put']['requestBody']['content']['*/*']['schema'], { $ref: '#/components/schemas/io.k8s.api.autoscaling.v1.Scale' });
  const scaleSchema = d['components']['schemas']['io.k8s.api.autoscaling.v1.Scale'];
  assert.deepEqual(scaleSchema['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
  const patch = d['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']['patch'];
  assert.equal(patch['operationId'], 'patchAppsV1NamespacedDeployment');
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  assert.deepEqual((patch['parameters'] as J[]).map((p) => p['name']), ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  assert.equal(d['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']['get']['operationId'], 'readAppsV1NamespacedDeploymentStatus');
});

test('apis/discovery.k8s.io/v1 names its EndpointPort apart from core/v1 EndpointPort', () => {
  const schemas = doc('apis/discovery.k8s.io/v1')['components']['schemas'];
  const slice = schemas['io.k8s.api.discovery.v1.EndpointSlice'];
  assert.deepEqual(slice['x-kubernetes-group-version-kind'], [{ group: 'discovery.k8s.io', kind: 'EndpointSlice', version: 'v1' }]);
  assert.deepEqual(slice['required'], ['addressType', 'endpoints']);
  assert.deepEqual(slice['properties']['ports']['items'], { allOf: [{ $ref: '#/components/schemas/io.k8s.api.discovery.v1.EndpointPort' }], default: {} });
  assert.equal(schemas['io.k8s.api.discovery.v1.EndpointPort']['required'], undefined, 'every discovery/v1 EndpointPort field is optional');
  assert.equal(schemas['io.k8s.api.discovery.v1.EndpointPort']['x-kubernetes-map-type'], 'atomic');
  assert.equal(schemas['io.k8s.api.core.v1.EndpointPort'], undefined);
  assert.ok(schemas['io.k8s.api.core.v1.ObjectReference'], 'targetRef reaches core/v1');
});

test('serveOpenAPIV3 answers immutable for the current hash, 301 for a stale one, 304 for a matching ETag', () => {
  const d = openapiV3Document('api/v1', resources);
  const hash = d?.hash ?? '';
  const cur = serveOpenAPIV3('/openapi/v3/api/v1', hash, resources);
  assert.equal(cur?.status, 200);
  assert.equal(cur?.headers['Cache-Control'], 'public, immutable');
  assert.equal(cur?.headers['ETag'], `"${hash}"`);
  const stale = serveOpenAPIV3('/openapi/v3/api/v1', 'ABC', resources);
  assert.equal(stale?.status, 301);
  assert.equal(stale?.headers['Location'], `/openapi/v3/api/v1?hash=${hash}`);
  assert.equal(serveOpenAPIV3('/openapi/v3/api/v1', null, resources, `"${hash}"`)?.status, 304);
  assert.equal(serveOpenAPIV3('/openapi/v3/apis/nope/v1', null, resources), undefined);
  assert.equal(serveOpenAPIV3('/openapi/v3', null, resources)?.status, 200);
});

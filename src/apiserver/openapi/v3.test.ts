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
  { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], verbs, subresources: [] },
];

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads deep JSON

function doc(path: string): J {
  const d = openapiV3Document(path, resources);
  assert.ok(d, `document ${path}`);
  return JSON.parse(d.body) as J;
}

test('openapiV3Root lists every group version with the SHA-512 hash of its document', () => {
  const root = openapiV3Root(resources);
  assert.deepEqual(Object.keys(root.paths), ['api', 'api/v1', 'apis', 'apis/apps/v1']);
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
  const d = doc('apis/apps/v1');
  const s = d['components']['schemas']['io.k8s.api.apps.v1.Deployment'];
  assert.equal(s['x-kubernetes-preserve-unknown-fields'], true);
  assert.ok(d['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']['patch']);
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

// Tests of the OpenAPI v2 document, its protobuf encoding and the /openapi/v2 content negotiation.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import type { ResourceInfo } from '../../registry/strategy.js';
import { gnosticType } from './gnostic-v2.js';
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_DEPRECATED, negotiateOpenAPIV2, openapiV2Document, openapiV2Object, serveOpenAPIV2 } from './v2.js';
import { decodeOpenAPIV2, encodeOpenAPIV2 } from './v2-proto.js';

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const resources: ResourceInfo[] = [
  { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], verbs, subresources: ['status', 'log', 'exec', 'binding'] },
  { group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], categories: [], verbs, subresources: ['status'] },
  { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], verbs, subresources: ['status', 'scale'] },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', namespaced: true, shortNames: [], categories: [], verbs, subresources: [] },
  { group: 'stable.example.com', version: 'v1', resource: 'crontabs', singular: 'crontab', kind: 'CronTab', namespaced: true, shortNames: ['ct'], categories: [], verbs, subresources: [] },
];

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads deep JSON

const doc = (): J => openapiV2Object(resources) as J;

/** Every `$ref` string anywhere under `v`. */
function refsIn(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refsIn(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refsIn(x, out);
    }
  }
  return out;
}

test('openapiV2Object is a Swagger 2.0 document whose definitions carry upstream names, GVKs and patch metadata', () => {
  const d = doc();
  assert.equal(d['swagger'], '2.0');
  assert.deepEqual(d['info'], { title: 'Kubernetes', version: 'v1.32.0' });
  const defs = d['definitions'];
  assert.deepEqual(defs['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  assert.deepEqual(defs['io.k8s.api.core.v1.Pod']['properties']['metadata'], {
    $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    description: defs['io.k8s.api.core.v1.Pod']['properties']['metadata']['description'],
  });
  const containers = defs['io.k8s.api.core.v1.PodSpec']['properties']['containers'];
  assert.deepEqual(containers['items'], { $ref: '#/definitions/io.k8s.api.core.v1.Container', default: {} });
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']['properties']['ownerReferences']['x-kubernetes-patch-merge-key'], 'uid');
  assert.equal(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']['type'], 'string', 'Quantity is a string in v2 (oneOf in v3)');
  assert.equal(defs['io.k8s.api.stable.v1.CronTab']['x-kubernetes-preserve-unknown-fields'], true);
  assert.deepEqual(defs['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.deepEqual(defs['io.k8s.api.apps.v1.DeploymentSpec']['properties']['template'], {
    $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec',
    default: {},
    description: defs['io.k8s.api.apps.v1.DeploymentSpec']['properties']['template']['description'],
  });
  assert.deepEqual(defs['io.k8s.api.discovery.v1.EndpointSlice']['x-kubernetes-group-version-kind'], [{ group: 'discovery.k8s.io', kind: 'EndpointSlice', version: 'v1' }]);
  assert.deepEqual(defs['io.k8s.api.autoscaling.v1.Scale']['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
  assert.deepEqual(Object.keys(defs), [...Object.keys(defs)].sort(), 'definitions sorted by name');
});

test('openapiV2Object has no v3 leftovers and no dangling $ref (kube-openapi pkg/util/proto rejects both)', () => {
  const d = doc();
  const text = JSON.stringify(d);
  for (const v3 of ['"allOf"', '"oneOf"', '"requestBody"', '"content"', '#/components/']) assert.ok(!text.includes(v3), `no ${v3}`);
  const refs = refsIn(d);
  assert.ok(refs.length > 100);
  for (const r of refs) {
    assert.ok(r.startsWith('#/definitions/'), r);
    assert.ok(d['definitions'][r.slice('#/definitions/'.length)], `dangling ${r}`);
  }
});

test('openapiV2Object paths: the pods PATCH declares fieldValidation, the GVK and the strategic-merge-patch consumes', () => {
  const paths = doc()['paths'];
  assert.ok(paths['/api/v1/namespaces/{namespace}/pods']['post']);
  assert.ok(paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']['patch']);
  assert.ok(paths['/api/']['get']);
  const patch = paths['/api/v1/namespaces/{namespace}/pods/{name}']['patch'];
  assert.equal(patch['operationId'], 'patchCoreV1NamespacedPod');
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', kind: 'Pod', version: 'v1' });
  assert.ok(patch['consumes'].includes('application/strategic-merge-patch+json'));
  assert.deepEqual(patch['parameters'][0], { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
  const fv = patch['parameters'].find((p: J) => p['name'] === 'fieldValidation');
  assert.deepEqual({ in: fv['in'], type: fv['type'], uniqueItems: fv['uniqueItems'] }, { in: 'query', type: 'string', uniqueItems: true });
  assert.deepEqual(patch['responses']['200'], { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.core.v1.Pod' } });
  assert.deepEqual(patch['schemes'], ['https']);
  const post = paths['/api/v1/namespaces/{namespace}/pods']['post'];
  assert.deepEqual(post['consumes'], ['*/*']);
  assert.ok(post['parameters'].some((p: J) => p['name'] === 'fieldValidation'));
  const item = paths['/api/v1/namespaces/{namespace}/pods/{name}'];
  assert.deepEqual(item['parameters'][0], { description: 'name of the Pod', in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true });
});

test('encodeOpenAPIV2 output decodes with the openapi.v2 schema back to the same document', () => {
  const d = doc();
  const bytes = encodeOpenAPIV2(d);
  assert.deepEqual(decodeOpenAPIV2(bytes), d);
});

test('encodeOpenAPIV2 stores vendor extensions as NamedAny YAML and maps to repeated named pairs', () => {
  const type = gnosticType('Document');
  const m = type.toObject(type.decode(encodeOpenAPIV2(doc())), { longs: Number }) as J;
  assert.equal(m['swagger'], '2.0');
  const pod = (m['definitions']['additional_properties'] as J[]).find((n) => n['name'] === 'io.k8s.api.core.v1.Pod');
  assert.ok(pod);
  assert.deepEqual(pod['value']['type'], { value: ['object'] });
  const gvk = (pod['value']['vendor_extension'] as J[]).find((e) => e['name'] === 'x-kubernetes-group-version-kind');
  assert.deepEqual(parseYaml(gvk?.['value']['yaml']), [{ group: '', kind: 'Pod', version: 'v1' }]);
  const pathItem = (m['paths']['path'] as J[]).find((p) => p['name'] === '/api/v1/namespaces/{namespace}/pods/{name}');
  const params = pathItem?.['value']['patch']['parameters'] as J[];
  assert.equal(params[0]?.['parameter']['body_parameter']['schema']['_ref'], '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
  assert.equal(params[3]?.['parameter']['non_body_parameter']['query_parameter_sub_schema']['name'], 'fieldValidation');
  const opGvk = (pathItem?.['value']['patch']['vendor_extension'] as J[]).find((e) => e['name'] === 'x-kubernetes-group-version-kind');
  assert.deepEqual(parseYaml(opGvk?.['value']['yaml']), { group: '', kind: 'Pod', version: 'v1' });
});

test('encodeOpenAPIV2 rejects a key Swagger 2.0 does not define, naming its path', () => {
  assert.throws(
    () => encodeOpenAPIV2({ swagger: '2.0', definitions: { A: { oneOf: [{ type: 'string' }] } } }),
    /at \/definitions\/A: Schema has unexpected property "oneOf"/,
  );
  assert.throws(() => encodeOpenAPIV2({ swagger: '2.0', paths: { '/x': { get: { requestBody: {} } } } }), /Operation has unexpected property "requestBody"/);
});

test('negotiateOpenAPIV2 follows kube-openapi: protobuf for both spellings, JSON for */* or none, undefined for others', () => {
  assert.deepEqual(negotiateOpenAPIV2(OPENAPI_V2_PROTOBUF_DEPRECATED), { contentType: OPENAPI_V2_PROTOBUF, proto: true });
  assert.deepEqual(negotiateOpenAPIV2(OPENAPI_V2_PROTOBUF), { contentType: OPENAPI_V2_PROTOBUF, proto: true });
  assert.deepEqual(negotiateOpenAPIV2('application/json'), { contentType: 'application/json', proto: false });
  assert.deepEqual(negotiateOpenAPIV2(undefined), { contentType: 'application/json', proto: false });
  assert.deepEqual(negotiateOpenAPIV2('*/*'), { contentType: 'application/json', proto: false });
  assert.deepEqual(negotiateOpenAPIV2(`application/json;q=0.5, ${OPENAPI_V2_PROTOBUF}`), { contentType: OPENAPI_V2_PROTOBUF, proto: true });
  assert.deepEqual(negotiateOpenAPIV2(`*/*, ${OPENAPI_V2_PROTOBUF}`), { contentType: OPENAPI_V2_PROTOBUF, proto: true });
  assert.equal(negotiateOpenAPIV2('application/yaml'), undefined);
  assert.equal(negotiateOpenAPIV2('text/html'), undefined);
});

test('serveOpenAPIV2 answers both encodings with the JSON SHA-512 ETag, 304 on If-None-Match, 406 otherwise', () => {
  const d = openapiV2Document(resources);
  const etag = `"${createHash('sha512').update(d.json).digest('hex').toUpperCase()}"`;
  const json = serveOpenAPIV2(resources, { accept: 'application/json' });
  assert.equal(json.status, 200);
  assert.equal(json.headers['Content-Type'], 'application/json');
  assert.equal(json.headers['ETag'], etag);
  assert.deepEqual(JSON.parse(json.body.toString()), doc());
  const pb = serveOpenAPIV2(resources, { accept: OPENAPI_V2_PROTOBUF_DEPRECATED });
  assert.equal(pb.headers['Content-Type'], OPENAPI_V2_PROTOBUF);
  assert.equal(pb.headers['ETag'], etag);
  assert.deepEqual(decodeOpenAPIV2(pb.body), doc());
  const cached = serveOpenAPIV2(resources, { accept: OPENAPI_V2_PROTOBUF, ifNoneMatch: etag });
  assert.equal(cached.status, 304);
  assert.equal(cached.body.length, 0);
  assert.equal(serveOpenAPIV2(resources, { accept: OPENAPI_V2_PROTOBUF, ifNoneMatch: '"other"' }).status, 200);
  assert.equal(serveOpenAPIV2(resources, { ifModifiedSince: json.headers['Last-Modified'] }).status, 304);
  const bad = serveOpenAPIV2(resources, { accept: 'application/yaml' });
  assert.equal(bad.status, 406);
  assert.equal(bad.body.length, 0);
});

test('serveOpenAPIV2 gzips the body when the client accepts gzip', () => {
  const r = serveOpenAPIV2(resources, { accept: OPENAPI_V2_PROTOBUF, acceptEncoding: 'gzip' });
  assert.equal(r.headers['Content-Encoding'], 'gzip');
  assert.equal(r.headers['Content-Length'], String(r.body.length));
  assert.deepEqual(decodeOpenAPIV2(gunzipSync(r.body)), doc());
});

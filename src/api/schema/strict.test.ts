// Tests of strict decoding: duplicate keys, unknown fields with kube's paths, and type errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSyntaxError, parseJsonStrict, parseYamlStrict, strictDecodingMessage, unknownFieldMessages, unknownFields, validateFields } from './strict.js';

const POD = { group: '', version: 'v1', kind: 'Pod' };

test('parseJsonStrict reports duplicate keys with their full path and keeps the last value', () => {
  const r = parseJsonStrict('{"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"name":"x","image":"i","image":"j"}]},"kind":"Pod","kind":"Pod"}');
  assert.deepEqual(r.duplicates, ['duplicate field "metadata.name"', 'duplicate field "spec.containers[0].image"', 'duplicate field "kind"']);
  assert.equal((r.value as { metadata: { name: string } }).metadata.name, 'b');
});

test('parseJsonStrict throws JsonSyntaxError with Go wording on malformed input', () => {
  assert.throws(() => parseJsonStrict('{"a":}'), (e: unknown) => e instanceof JsonSyntaxError && e.message === "invalid character '}' looking for beginning of value");
  assert.throws(() => parseJsonStrict('{"a":1} x'), /after top-level value/);
  assert.throws(() => parseJsonStrict('{"a":1'), /unexpected end of JSON input/);
  assert.deepEqual(parseJsonStrict('{"__proto__":{"x":1}}').value, JSON.parse('{"__proto__":{"x":1}}'));
});

test('parseYamlStrict reports duplicate keys with line numbers like go-yaml', () => {
  const r = parseYamlStrict('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n');
  assert.deepEqual(r.duplicates, ['error converting YAML to JSON: yaml: unmarshal errors:\n  line 5: key "name" already set in map']);
  assert.deepEqual(r.value, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' } });
});

test('unknownFields finds misspelled fields at every depth in kube path format', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    bar: 1,
    metadata: { name: 'p', foo: 'x', labels: { any: 'thing' } },
    spec: { containers: [{ name: 'a', image: 'i' }, { name: 'b', imagePullPolicyy: 'Always', ports: [{ containerPort: 80, prot: 'TCP' }] }], foo: true },
  };
  assert.deepEqual(unknownFields(pod, POD), ['bar', 'metadata.foo', 'spec.containers[1].imagePullPolicyy', 'spec.containers[1].ports[0].prot', 'spec.foo']);
  assert.equal(strictDecodingMessage(unknownFieldMessages(['spec.foo', 'bar'])), 'strict decoding error: unknown field "spec.foo", unknown field "bar"');
});

test('validateFields accepts a pod using upstream fields that k1s does not act on', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', labels: { app: 'x' }, annotations: { a: 'b' }, ownerReferences: [], finalizers: ['f'] },
    spec: {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }] } } },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } } }],
      securityContext: { seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 2000, sysctls: [{ name: 'a', value: 'b' }] },
      dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] },
      os: { name: 'linux' },
      priorityClassName: 'high',
      runtimeClassName: 'runc',
      hostUsers: false,
      volumes: [{ name: 'v', emptyDir: { sizeLimit: '1Gi', medium: 'Memory' } }, { name: 'c', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }] } }],
      initContainers: [{ name: 'sidecar', image: 'busybox', restartPolicy: 'Always', startupProbe: { httpGet: { port: 'http', path: '/' } } }],
      containers: [{
        name: 'a',
        image: 'i',
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.25 } },
        resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
        securityContext: { capabilities: { add: ['NET_ADMIN'] }, appArmorProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { level: 's0' } },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
        livenessProbe: { grpc: { port: 9000 }, periodSeconds: 10 },
        env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        volumeMounts: [{ name: 'v', mountPath: '/v', recursiveReadOnly: 'Disabled' }],
      }],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null }] },
  };
  assert.deepEqual(validateFields(pod, POD), { unknown: [] });
});

test('validateFields reports the first wrong type like encoding/json', () => {
  const pod = { spec: { containers: [{ name: 'a', ports: [{ containerPort: '80' }], stdin: 'yes' }] } };
  assert.equal(validateFields(pod, POD).typeError, 'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
  assert.equal(validateFields({ spec: { containers: 'x' } }, POD).typeError, 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
  assert.equal(validateFields({ spec: { terminationGracePeriodSeconds: 1.5 } }, POD).typeError, 'json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64');
  assert.equal(validateFields({ metadata: { labels: { a: 1 } } }, POD).typeError, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
});

test('validateFields rejects bad quantities, base64 and timestamps', () => {
  assert.match(validateFields({ spec: { containers: [{ name: 'a', resources: { limits: { cpu: 'lots' } } }] } }, POD).typeError ?? '', /quantities must match the regular expression/);
  assert.match(validateFields({ data: { k: 'not base64!' } }, { group: '', version: 'v1', kind: 'Secret' }).typeError ?? '', /illegal base64 data at input byte/);
  assert.match(validateFields({ metadata: { creationTimestamp: 'yesterday' } }, POD).typeError ?? '', /parsing time "yesterday"/);
  assert.equal(validateFields({ data: { k: 'aGVsbG8=' } }, { group: '', version: 'v1', kind: 'Secret' }).typeError, undefined);
});

test('validateFields has no findings for kinds without a schema', () => {
  assert.deepEqual(validateFields({ spec: { anything: 1 } }, { group: 'stable.example.com', version: 'v1', kind: 'CronTab' }), { unknown: [] });
});

test('validateFields walks an apps/v1 Deployment into its core/v1 pod template', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0, maxSurgee: 1 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx', imagePullPolicyy: 'Always' }] } },
      replica: 3,
    },
  };
  const gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };
  assert.deepEqual(validateFields(deployment, gvk), {
    unknown: ['spec.strategy.rollingUpdate.maxSurgee', 'spec.template.spec.containers[0].imagePullPolicyy', 'spec.replica'],
  });
  const typed = validateFields({ spec: { replicas: 'two' } }, gvk);
  assert.equal(typed.typeError, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
});

test('validateFields tells discovery/v1 EndpointPort from core/v1 EndpointPort', () => {
  const slice = { addressType: 'IPv4', endpoints: [{ addresses: ['10.42.0.5'], conditions: { ready: true } }], ports: [{ port: 80, appProtocol: 'http' }] };
  assert.deepEqual(validateFields(slice, { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' }), { unknown: [] });
  const endpoints = { subsets: [{ addresses: [{ ip: '10.42.0.5' }], ports: [{ port: 80, appProtocol: 'http', nodePort: 1 }] }] };
  assert.deepEqual(validateFields(endpoints, { group: '', version: 'v1', kind: 'Endpoints' }).unknown, ['subsets[0].ports[0].nodePort']);
  const bad = validateFields({ ports: [{ port: '80' }] }, { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' });
  assert.equal(bad.typeError, 'json: cannot unmarshal string into Go struct field EndpointPort.ports.port of type int32');
});

test('checkBodyFields answers 400 for Strict, warnings for Warn and nothing for Ignore', async () => {
  const { checkBodyFields, fieldValidationOf } = await import('./strict.js');
  const body = { metadata: { name: 'p' }, spec: { foo: 1, containers: [] } };
  const strict = checkBodyFields(body, POD, ['duplicate field "kind"'], 'Strict');
  assert.equal(strict.error?.status.code, 400);
  assert.equal(strict.error?.message, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: duplicate field "kind", unknown field "spec.foo"');
  assert.deepEqual(checkBodyFields(body, POD, [], 'Warn'), { warnings: ['unknown field "spec.foo"'] });
  assert.deepEqual(checkBodyFields(body, POD, [], 'Ignore'), { warnings: [] });
  assert.equal(checkBodyFields({ spec: { hostNetwork: 'yes' } }, POD, [], 'Ignore').error?.status.code, 400);
  assert.equal(fieldValidationOf(null), 'Warn');
  assert.throws(() => fieldValidationOf('Loud'), /Unsupported value/);
});

test('checkPatchedFields answers 422 with the patch quoted like kube', async () => {
  const { checkPatchedFields } = await import('./strict.js');
  const r = checkPatchedFields({ spec: { foo: 1 } }, POD, 'map[spec:map[foo:1]]', [], 'Strict');
  assert.equal(r.error?.status.code, 422);
  assert.equal(r.error?.message, ' "" is invalid: patch: Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"');
});

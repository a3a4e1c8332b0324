/** Unit tests of the schema-driven protobuf codec: round trips of every served kind and kubectl v1.32's own bytes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { isStatusError } from '../../api/errors.js';
import { decodeProtobufBody, encodeProtobufObject, messageNameOf } from './codec.js';
import { decodeEnvelope } from './envelope.js';
import { decodeMessage, encodeMessage } from './wire-codec.js';
import { JSON_FIXTURES, KUBECTL_POD_BODIES } from './wire-fixtures.js';
import { WIRE_ROOTS, WIRE_SCHEMA } from './wire-schema.gen.js';

const POD = { group: '', version: 'v1', kind: 'Pod' };

/** JSON → protobuf envelope → JSON, as a request decoded from a client's encoding would arrive. */
function roundTrip(obj: Record<string, unknown>): Record<string, unknown> {
  const bytes = encodeProtobufObject(obj);
  assert.ok(bytes, `no protobuf form for ${String(obj['kind'])}`);
  const env = decodeEnvelope(bytes);
  const name = messageNameOf(env.apiVersion, env.kind);
  assert.ok(name);
  return { apiVersion: env.apiVersion, kind: env.kind, ...decodeMessage(name, env.raw) };
}

describe('wire codec round trips', () => {
  for (const [kind, fixture] of Object.entries(JSON_FIXTURES)) {
    it(`JSON → protobuf → JSON keeps every field of a ${kind}`, () => {
      assert.deepEqual(roundTrip(fixture), fixture);
    });
  }

  it('has a fixture for every top-level message of the schema', () => {
    const covered = Object.values(JSON_FIXTURES).map((f) => messageNameOf(String(f['apiVersion']), String(f['kind'])));
    for (const root of WIRE_ROOTS.filter((r) => r !== 'meta.v1.WatchEvent' && r !== 'runtime.Unknown')) assert.ok(covered.includes(root), root);
  });

  it('encodes deterministically with map entries sorted by key', () => {
    const a = encodeMessage('core.v1.ConfigMap', { data: { b: '2', a: '1' } });
    const b = encodeMessage('core.v1.ConfigMap', { data: { a: '1', b: '2' } });
    assert.deepEqual(a, b);
  });
});

describe('wire codec against kubectl v1.32.4 Pod bodies', () => {
  it('decodes kubectl debug --copy-to\'s Pod into the JSON kube-apiserver would see', () => {
    const pod = decodeProtobufBody(Buffer.from(KUBECTL_POD_BODIES.debugCopy, 'hex'), POD) as {
      metadata: Record<string, unknown>;
      spec: { containers: Record<string, unknown>[]; volumes: unknown[]; tolerations: unknown[]; [k: string]: unknown };
      status: unknown;
    };
    assert.deepEqual(pod.metadata, { name: 'web-copy', namespace: 'default', annotations: { a: 'b' } });
    assert.deepEqual(pod.spec.volumes, [{ name: 'v', emptyDir: { sizeLimit: '1Gi' } }, { name: 'c', configMap: { name: 'cm', defaultMode: 420, optional: true } }]);
    const app = pod.spec.containers[0];
    assert.deepEqual(app?.['ports'], [{ name: 'http', containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(app?.['resources'], { requests: { cpu: '100m', memory: '32Mi' } });
    assert.deepEqual(app?.['readinessProbe'], { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(app?.['livenessProbe'], { tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(app?.['securityContext'], { privileged: false, runAsUser: 0 });
    assert.deepEqual(pod.spec.containers[1], { name: 'dbg', image: 'busybox:1.36', command: ['sleep', '1'], resources: {}, terminationMessagePolicy: 'File' });
    assert.equal(pod.spec['terminationGracePeriodSeconds'], 0);
    assert.equal(pod.spec['automountServiceAccountToken'], false);
    assert.equal(pod.spec['priority'], 0);
    assert.deepEqual(pod.spec['securityContext'], {});
    assert.deepEqual(pod.status, {});
  });

  it('decodes kubectl debug node\'s Pod with host namespaces and a hostPath volume', () => {
    assert.deepEqual(decodeProtobufBody(Buffer.from(KUBECTL_POD_BODIES.debugNode, 'hex'), POD), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'node-debugger-node1-pljtp' },
      spec: {
        volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
        containers: [{ name: 'debugger', image: 'busybox:1.36', command: ['sleep', '1'], resources: {}, volumeMounts: [{ name: 'host-root', mountPath: '/host' }], terminationMessagePolicy: 'File' }],
        restartPolicy: 'Never',
        nodeName: 'node1',
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
        tolerations: [{ operator: 'Exists' }],
      },
      status: {},
    });
  });

  it('re-encodes both bodies byte for byte as kubectl\'s Go types marshal them', () => {
    for (const [name, hex] of Object.entries(KUBECTL_POD_BODIES)) {
      assert.equal(encodeProtobufObject(decodeProtobufBody(Buffer.from(hex, 'hex'), POD))?.toString('hex'), hex, name);
    }
  });
});

describe('wire codec field numbers', () => {
  it('places Pod fields at their generated.proto numbers', () => {
    // Pod: metadata = 1, spec = 2, status = 3; PodSpec: containers = 2, terminationGracePeriodSeconds = 4;
    // Container: name = 1, image = 2.
    const r = protobuf.Reader.create(encodeMessage('core.v1.Pod', { spec: { containers: [{ name: 'c', image: 'i' }], terminationGracePeriodSeconds: 7 } }));
    const top: number[] = [];
    let container = '';
    let grace = -1;
    while (r.pos < r.len) {
      const tag = r.uint32();
      top.push(tag >>> 3);
      if (tag >>> 3 !== 2) {
        r.skipType(tag & 7);
        continue;
      }
      const spec = protobuf.Reader.create(r.bytes());
      while (spec.pos < spec.len) {
        const t = spec.uint32();
        if (t === ((2 << 3) | 2)) container = Buffer.from(spec.bytes()).toString('hex');
        else if (t === 4 << 3) grace = Number(spec.int64());
        else spec.skipType(t & 7);
      }
    }
    assert.deepEqual(top, [1, 2, 3]);
    assert.equal(grace, 7);
    assert.match(container, /^0a0163120169/);
  });

  it('covers every message a served kind reaches, with unique field numbers', () => {
    for (const [name, fields] of Object.entries(WIRE_SCHEMA)) {
      const nos = fields.map((f) => f.no);
      assert.equal(new Set(nos).size, nos.length, name);
      for (const f of fields) if (!['string', 'bool', 'int32', 'int64', 'bytes'].includes(f.type)) assert.ok(WIRE_SCHEMA[f.type], `${name}.${f.name}: ${f.type}`);
    }
  });
});

describe('wire codec on corrupted bytes', () => {
  it('answers every mutation of a kubectl Pod body with a decoded object or a 400, never another error', () => {
    const body = Buffer.from(KUBECTL_POD_BODIES.debugCopy, 'hex');
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const outcomes = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(body);
      for (let j = 0; j <= rand(3); j++) b[4 + rand(b.length - 4)] = rand(256);
      const cut = rand(4) === 0 ? b.subarray(0, rand(b.length)) : b;
      try {
        decodeProtobufBody(cut, POD);
        outcomes.add('decoded');
      } catch (err) {
        outcomes.add(isStatusError(err) ? `status ${err.status.code}` : `error ${String(err)}`);
      }
    }
    assert.deepEqual([...outcomes].sort(), ['decoded', 'status 400']);
  });
});

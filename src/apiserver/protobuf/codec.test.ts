/** Unit tests of the protobuf object codec on bytes captured from kubectl v1.32 and bytes written field by field. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import type { Writer } from 'protobufjs';
import { isStatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { decodeProtobufBody, encodeProtobufObject, supportsProtobuf } from './codec.js';
import { decodeEnvelope } from './envelope.js';

const CM = { group: '', version: 'v1', kind: 'ConfigMap' };
const SECRET = { group: '', version: 'v1', kind: 'Secret' };
const NS = { group: '', version: 'v1', kind: 'Namespace' };
const SA = { group: '', version: 'v1', kind: 'ServiceAccount' };

/** Bodies kubectl v1.32.4 sent for `create configmap cm1 --from-literal=a=b` etc. (from `-v=9`). */
const KUBECTL = {
  configmap: '6b3873000a0f0a0276311209436f6e6669674d6170121d0a130a03636d3112001a0022002a0032003800420012060a01611201621a002200',
  secret: '6b3873000a0c0a0276311206536563726574121e0a120a02733112001a0022002a0032003800420012060a016b1201761a001a002200',
  namespace: '6b3873000a0f0a02763112094e616d657370616365121a0a120a026e3112001a0022002a0032003800420012001a020a001a002200',
  serviceaccount: '6b3873000a140a027631120e536572766963654163636f756e7412150a130a0373613112001a0022002a003200380042001a002200',
};

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/** Field-by-field writers, independent of the codec's schema: tag = field << 3 | wire type. */
const str = (w: Writer, f: number, s: string): Writer => w.uint32((f << 3) | 2).string(s);
const bytes = (w: Writer, f: number, b: Uint8Array): Writer => w.uint32((f << 3) | 2).bytes(b);
const varint = (w: Writer, f: number, n: number): Writer => w.uint32(f << 3).int64(n);
const msg = (w: Writer, f: number, build: (w: Writer) => void): Writer => {
  w.uint32((f << 3) | 2).fork();
  build(w);
  return w.ldelim();
};
const entry = (w: Writer, f: number, k: string, v: string | Uint8Array): Writer =>
  msg(w, f, (e) => (typeof v === 'string' ? str(str(e, 1, k), 2, v) : bytes(str(e, 1, k), 2, v)));

function envelope(kind: string, raw: Uint8Array, apiVersion = 'v1'): Buffer {
  const w = protobuf.Writer.create();
  msg(w, 1, (t) => str(str(t, 1, apiVersion), 2, kind));
  bytes(w, 2, raw);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), w.finish()]);
}

function decode(body: Uint8Array, gvk = CM): Record<string, unknown> {
  return decodeProtobufBody(body, gvk);
}

function statusOf(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(isStatusError(err));
    return { code: err.status.code, message: err.status.message ?? '' };
  }
  assert.fail('expected a StatusError');
}

describe('decodeProtobufBody on kubectl create bodies', () => {
  it('decodes a ConfigMap dropping Go zero values', () => {
    assert.deepEqual(decode(hex(KUBECTL.configmap)), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1' }, data: { a: 'b' } });
  });

  it('decodes Secret data bytes as base64 strings', () => {
    assert.deepEqual(decode(hex(KUBECTL.secret), SECRET), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, data: { k: 'dg==' } });
  });

  it('decodes a Namespace keeping empty spec and status objects', () => {
    assert.deepEqual(decode(hex(KUBECTL.namespace), NS), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n1' }, spec: {}, status: {} });
  });

  it('decodes a ServiceAccount', () => {
    assert.deepEqual(decode(hex(KUBECTL.serviceaccount), SA), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa1' } });
  });
});

describe('decodeProtobufBody on field-by-field bytes', () => {
  it('decodes ObjectMeta maps, Times, owner references, managed fields and pointer zeros', () => {
    const meta = (w: Writer): void => {
      str(w, 1, 'full');
      str(w, 3, 'ns1');
      varint(w, 7, 3);
      msg(w, 8, (t) => varint(varint(t, 1, 1700000000), 2, 500));
      varint(w, 10, 0);
      entry(w, 11, 'app', 'web');
      entry(w, 12, 'note', 'hi');
      msg(w, 13, (o) => varint(str(str(str(str(o, 1, 'Pod'), 3, 'p'), 4, 'u1'), 5, 'v1'), 6, 1));
      str(w, 14, 'example.com/f');
      msg(w, 17, (m) => {
        str(str(str(m, 1, 'kubectl'), 2, 'Update'), 3, 'v1');
        msg(m, 4, (t) => varint(t, 1, 1700000000));
        str(m, 6, 'FieldsV1');
        msg(m, 7, (f) => bytes(f, 1, Buffer.from('{"f:data":{}}')));
      });
    };
    const w = protobuf.Writer.create();
    msg(w, 1, meta);
    entry(w, 3, 'bin', Buffer.from([0, 1, 2]));
    varint(w, 4, 0);
    assert.deepEqual(decode(envelope('ConfigMap', w.finish())), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'full',
        namespace: 'ns1',
        generation: 3,
        creationTimestamp: '2023-11-14T22:13:20Z',
        deletionGracePeriodSeconds: 0,
        labels: { app: 'web' },
        annotations: { note: 'hi' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u1', controller: true }],
        finalizers: ['example.com/f'],
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2023-11-14T22:13:20Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
      },
      binaryData: { bin: 'AAEC' },
      immutable: false,
    });
  });

  it('decodes Secret stringData, type and immutable', () => {
    const w = protobuf.Writer.create();
    msg(w, 1, (m) => str(m, 1, 's'));
    str(w, 3, 'kubernetes.io/basic-auth');
    entry(w, 4, 'username', 'admin');
    varint(w, 5, 1);
    assert.deepEqual(decode(envelope('Secret', w.finish()), SECRET), {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'admin' }, immutable: true,
    });
  });

  it('decodes ServiceAccount secrets, imagePullSecrets and automount false', () => {
    const w = protobuf.Writer.create();
    msg(w, 1, (m) => str(m, 1, 'sa'));
    msg(w, 2, (r) => str(r, 3, 'tok'));
    msg(w, 3, (r) => str(r, 1, 'reg'));
    varint(w, 4, 0);
    assert.deepEqual(decode(envelope('ServiceAccount', w.finish()), SA), {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, secrets: [{ name: 'tok' }], imagePullSecrets: [{ name: 'reg' }], automountServiceAccountToken: false,
    });
  });

  it('decodes Namespace finalizers and conditions', () => {
    const w = protobuf.Writer.create();
    msg(w, 1, (m) => str(m, 1, 'n'));
    msg(w, 2, (s) => str(s, 1, 'kubernetes'));
    msg(w, 3, (s) => msg(str(s, 1, 'Terminating'), 2, (c) => str(str(str(c, 1, 'NamespaceDeletionContentFailure'), 2, 'False'), 5, 'ContentDeleted')));
    assert.deepEqual(decode(envelope('Namespace', w.finish()), NS), {
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted' }] },
    });
  });

  it('returns only the type for a kind without a schema, so the kind check rejects it', () => {
    assert.deepEqual(decode(envelope('Foo', Buffer.from([0x0a, 0x00]))), { apiVersion: 'v1', kind: 'Foo' });
  });

  it('defaults an empty envelope type to the endpoint kind, as copyKindDefaults', () => {
    const w = protobuf.Writer.create();
    msg(w, 1, (m) => str(m, 1, 'cm'));
    assert.deepEqual(decode(envelope('', w.finish(), '')), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
  });
});

describe('decodeProtobufBody errors', () => {
  it('rejects a body without the k8s magic as 400 with the expected prefix', () => {
    const s = statusOf(() => decode(Buffer.from('{"kind":"ConfigMap"}')));
    assert.equal(s.code, 400);
    assert.match(s.message, /^the object provided is unrecognized \(must be of type ConfigMap\): provided data does not appear to be a protobuf message, expected prefix \[107 56 115 0\] \(7b22/);
  });

  it('rejects an empty body and a bare magic as 400', () => {
    assert.match(statusOf(() => decode(Buffer.alloc(0))).message, /: empty data \(<empty>\)$/);
    assert.match(statusOf(() => decode(Buffer.from('k8s\0', 'latin1'))).message, /: empty body \(6b387300\)$/);
  });

  it('rejects a truncated object message as 400 naming the kind and version', () => {
    const s = statusOf(() => decode(envelope('ConfigMap', Buffer.from([0x0a, 0x10, 0x0a]))));
    assert.equal(s.code, 400);
    assert.equal(s.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF');
  });

  it('rejects a field of the wrong wire type as 400 with gogo-protobuf\'s message', () => {
    const s = statusOf(() => decode(envelope('ConfigMap', Buffer.from([0x08, 0x01]))));
    assert.equal(s.code, 400);
    assert.equal(s.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field Metadata');
  });
});

describe('encodeProtobufObject', () => {
  it('re-encodes kubectl\'s create bodies byte for byte', () => {
    const kinds = { configmap: CM, secret: SECRET, namespace: NS, serviceaccount: SA };
    for (const [name, hexBody] of Object.entries(KUBECTL)) {
      const gvk = kinds[name as keyof typeof kinds];
      assert.equal(encodeProtobufObject(decode(hex(hexBody), gvk))?.toString('hex'), hexBody, name);
    }
  });

  it('round-trips a Secret and a ConfigMap through decodeProtobufBody', () => {
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', labels: { a: 'b' }, creationTimestamp: '2024-01-02T03:04:05Z' }, data: { k: 'dg==' }, type: 'Opaque' };
    assert.deepEqual(decode(encodeProtobufObject(secret) ?? Buffer.alloc(0), SECRET), secret);
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: 'b' }, binaryData: { x: 'AAEC' }, immutable: true };
    assert.deepEqual(decode(encodeProtobufObject(cm) ?? Buffer.alloc(0)), cm);
  });

  it('starts with the magic and returns undefined for kinds without a protobuf form', () => {
    assert.deepEqual([...(encodeProtobufObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }) ?? Buffer.alloc(0)).subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
    assert.equal(encodeProtobufObject({ apiVersion: 'meta.k8s.io/v1', kind: 'Table', rows: [] }), undefined);
  });

  it('names the field whose value does not fit its type', () => {
    assert.throws(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 'x' }] }] } }), /spec\.containers\[0\]\.ports\[0\]\.containerPort: cannot encode "x" as an int32/);
  });
});

describe('supportsProtobuf', () => {
  it('is true for every served core kind and false for others', () => {
    for (const kind of ['Pod', 'Node', 'Event', 'Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Binding', 'Service', 'Endpoints']) assert.equal(supportsProtobuf({ group: '', version: 'v1', kind }), true, kind);
    assert.equal(supportsProtobuf({ group: '', version: 'v1', kind: 'PodSpec' }), false);
    assert.equal(supportsProtobuf({ group: 'apps', version: 'v1', kind: 'ConfigMap' }), false);
  });

  it('is true for the apps, autoscaling and discovery.k8s.io kinds and false for a group without protobuf', () => {
    for (const [group, kind] of [['apps', 'Deployment'], ['apps', 'ReplicaSet'], ['autoscaling', 'Scale'], ['discovery.k8s.io', 'EndpointSlice'], ['discovery.k8s.io', 'EndpointSliceList']]) {
      assert.equal(supportsProtobuf({ group: group!, version: 'v1', kind: kind! }), true, `${group}/${kind}`);
    }
    assert.equal(supportsProtobuf({ group: 'apps', version: 'v1', kind: 'StatefulSet' }), false);
    assert.equal(supportsProtobuf({ group: 'discovery', version: 'v1', kind: 'EndpointSlice' }), false, 'the group is discovery.k8s.io');
    assert.equal(supportsProtobuf({ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }), false);
  });
});

const DEPLOY = { group: 'apps', version: 'v1', kind: 'Deployment' };
const SLICE = { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' };

describe('protobuf of non-core groups', () => {
  it('decodes a Deployment written field by field at apps/v1 generated.proto numbers', () => {
    const w = protobuf.Writer.create();
    msg(w, 1, (m) => str(m, 1, 'web')); // metadata.name
    msg(w, 2, (spec) => {
      varint(spec, 1, 3); // replicas
      msg(spec, 2, (sel) => entry(sel, 1, 'app', 'web')); // selector.matchLabels
      msg(spec, 3, (t) => msg(t, 2, (ps) => msg(ps, 2, (c) => str(str(c, 1, 'app'), 2, 'nginx')))); // template.spec.containers
      msg(spec, 4, (st) => str(st, 1, 'Recreate')); // strategy.type
      varint(spec, 6, 0); // revisionHistoryLimit: a pointer, so 0 survives
    });
    assert.deepEqual(decodeProtobufBody(envelope('Deployment', w.finish(), 'apps/v1'), DEPLOY), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: {}, spec: { containers: [{ name: 'app', image: 'nginx', resources: {} }] } },
        strategy: { type: 'Recreate' },
        revisionHistoryLimit: 0,
      },
      status: {},
    });
  });

  it('decodes an EndpointSlice written field by field at discovery/v1 generated.proto numbers', () => {
    const w = protobuf.Writer.create();
    msg(w, 1, (m) => str(m, 1, 'web-abc'));
    msg(w, 2, (e) => {
      str(e, 1, '10.42.0.5');
      msg(e, 2, (c) => varint(varint(c, 1, 1), 3, 0)); // conditions: ready true, terminating false (pointers)
      msg(e, 4, (r) => str(str(r, 1, 'Pod'), 3, 'web-0')); // targetRef kind, name
      str(e, 6, 'node1');
    });
    msg(w, 3, (p) => varint(str(p, 1, 'http'), 3, 80));
    str(w, 4, 'IPv4');
    assert.deepEqual(decodeProtobufBody(envelope('EndpointSlice', w.finish(), 'discovery.k8s.io/v1'), SLICE), {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc' },
      endpoints: [{ addresses: ['10.42.0.5'], conditions: { ready: true, terminating: false }, targetRef: { kind: 'Pod', name: 'web-0' }, nodeName: 'node1' }],
      ports: [{ name: 'http', port: 80 }],
      addressType: 'IPv4',
    });
  });

  it('writes the group apiVersion and kind into the envelope and round-trips a Deployment and an EndpointSlice', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx', resources: {} }] } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } } },
      status: { replicas: 2, conditions: [{ type: 'Progressing', status: 'True', lastUpdateTime: '2024-05-06T07:08:09Z', lastTransitionTime: '2024-05-06T07:08:09Z', reason: 'NewReplicaSetAvailable', message: 'ok' }] },
    };
    const body = encodeProtobufObject(deployment) ?? Buffer.alloc(0);
    const env = decodeEnvelope(body);
    assert.deepEqual([env.apiVersion, env.kind], ['apps/v1', 'Deployment']);
    assert.deepEqual(decodeProtobufBody(body, DEPLOY), deployment);
    const slice: KubeObject = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.42.0.5'], conditions: { ready: true } }], ports: [{ port: 80, protocol: 'TCP' }] };
    const sliceBody = encodeProtobufObject(slice) ?? Buffer.alloc(0);
    assert.deepEqual([decodeEnvelope(sliceBody).apiVersion, decodeEnvelope(sliceBody).kind], ['discovery.k8s.io/v1', 'EndpointSlice']);
    assert.deepEqual(decodeProtobufBody(sliceBody, SLICE), slice);
  });

  it('defaults an empty envelope type to the endpoint group version, as copyKindDefaults', () => {
    const w = protobuf.Writer.create();
    msg(w, 1, (m) => str(m, 1, 'web'));
    assert.deepEqual(decodeProtobufBody(envelope('', w.finish(), ''), DEPLOY), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { metadata: {}, spec: {} }, strategy: {} }, status: {} });
  });
});

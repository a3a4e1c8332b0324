import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodTemplateSpec } from '../../api/workloads.js';
import { spew } from './go-spew.js';
import { computeHash, equalIgnoreHash, fnv32a, safeEncodeString } from './hash.js';

/** The template `kubectl create deployment nginx --image=nginx` stores on a v1.32 API server (apps/v1 defaults applied). */
const kubectlCreateNginx: PodTemplateSpec = {
  metadata: { labels: { app: 'nginx' } },
  spec: {
    containers: [{ name: 'nginx', image: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always' }],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
  },
};

test('computeHash gives the pod-template-hash real v1.32 clusters give `kubectl create deployment nginx --image=nginx`', () => {
  // Clusters of that version (kind v0.27, k3s 1.32) name its ReplicaSet nginx-5869d7778c: the hash is a property of
  // the Go struct layout and the defaulted template, not of the cluster.
  assert.equal(computeHash(kubectlCreateNginx), '5869d7778c');
  const asServed = JSON.parse('{"metadata":{"creationTimestamp":null,"labels":{"app":"nginx"}}}') as PodTemplateSpec;
  assert.equal(computeHash({ ...kubectlCreateNginx, ...asServed }), '5869d7778c', 'creationTimestamp: null is the zero time');
});

test('fnv32a follows FNV-1a (32-bit test vectors) and safeEncodeString maps digits into 456789bcdf', () => {
  assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
});

test('computeHash with a collisionCount hashes 8 more bytes: the count as uint32 little-endian and four zeros', () => {
  const text = Buffer.from(spew(kubectlCreateNginx, 'core.PodTemplateSpec'));
  const expect = (count: number): string => safeEncodeString(String(fnv32a(Buffer.concat([text, Buffer.from([count & 0xff, (count >> 8) & 0xff, 0, 0, 0, 0, 0, 0])]))));
  assert.equal(computeHash(kubectlCreateNginx, 0), expect(0));
  assert.equal(computeHash(kubectlCreateNginx, 258), expect(258));
  assert.notEqual(computeHash(kubectlCreateNginx, 0), computeHash(kubectlCreateNginx));
});

test('go-spew rendering: types in parentheses except in slices and maps, nil as <nil>, pointers as (*T), quantities as Go holds them', () => {
  assert.equal(spew({ name: 'pull' }, 'core.LocalObjectReference'), '(v1.LocalObjectReference){Name:(string)pull}');
  assert.equal(spew(undefined, '*core.SELinuxOptions'), '(*v1.SELinuxOptions)<nil>');
  assert.equal(spew({ level: 's0' }, '*core.SELinuxOptions'), '(*v1.SELinuxOptions){User:(string) Role:(string) Type:(string) Level:(string)s0}');
  assert.equal(spew({ port: 'http' }, 'core.TCPSocketAction'), '(v1.TCPSocketAction){Port:(intstr.IntOrString){Type:(intstr.Type)1 IntVal:(int32)0 StrVal:(string)http} Host:(string)}');
  assert.equal(spew(['a', 'b'], '[]string'), '([]string)[a b]');
  assert.equal(spew([], '[]string'), '([]string)<nil>', 'an empty list decodes as nil after storage');
  assert.equal(
    spew({ limits: { memory: '128Mi', cpu: '100m' } }, 'core.ResourceRequirements'),
    '(v1.ResourceRequirements){Limits:(v1.ResourceList)map[' +
      'cpu:{i:(resource.int64Amount){value:(int64)100 scale:(resource.Scale)-3} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string)100m Format:(resource.Format)DecimalSI} ' +
      'memory:{i:(resource.int64Amount){value:(int64)134217728 scale:(resource.Scale)0} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string) Format:(resource.Format)BinarySI}' +
      '] Requests:(v1.ResourceList)<nil> Claims:([]v1.ResourceClaim)<nil>}',
  );
});

test('equalIgnoreHash ignores pod-template-hash, treats empty and absent lists alike, and compares quantities by value', () => {
  const t = (extra: Record<string, unknown> = {}, labels: Record<string, string> = { app: 'web' }): PodTemplateSpec => ({ metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx', ...extra }] } });
  assert.equal(equalIgnoreHash(t(), t({}, { app: 'web', 'pod-template-hash': '5869d7778c' })), true);
  assert.equal(equalIgnoreHash(t({ args: [] }), t()), true);
  assert.equal(equalIgnoreHash(t({ resources: { limits: { cpu: '1' } } }), t({ resources: { limits: { cpu: '1000m' } } })), true);
  assert.equal(equalIgnoreHash(t({ image: 'nginx:1.25' }), t()), false);
  assert.equal(equalIgnoreHash(t({ securityContext: {} }), t()), false, 'an empty struct pointer is not nil');
});

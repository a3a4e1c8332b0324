// Tests of strategic merge patch against the core/v1 schema, in the style of apimachinery's strategicpatch testdata.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch } from './apply-patch.js';

const POD = { group: '', version: 'v1', kind: 'Pod' };

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'p' }): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

function smp(original: object, patch: unknown): Record<string, unknown> {
  return applyPatch(original, patch, 'strategic', POD) as Record<string, unknown>;
}

function spec(o: Record<string, unknown>): Record<string, unknown> {
  return o['spec'] as Record<string, unknown>;
}

test('strategic merge patch merges containers by name and keeps the others in place', () => {
  const orig = pod({ containers: [{ name: 'a', image: 'a:1', command: ['sh'] }, { name: 'b', image: 'b:1' }] });
  const out = smp(orig, { spec: { containers: [{ name: 'b', image: 'b:2' }] } });
  assert.deepEqual(spec(out)['containers'], [{ name: 'a', image: 'a:1', command: ['sh'] }, { name: 'b', image: 'b:2' }]);
  assert.deepEqual(spec(orig)['containers'], [{ name: 'a', image: 'a:1', command: ['sh'] }, { name: 'b', image: 'b:1' }], 'original untouched');
});

test('strategic merge patch merges env by name inside a merged container', () => {
  const orig = pod({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }] });
  const out = smp(orig, { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }, { name: 'Z', value: '4' }] }] } });
  const env = (spec(out)['containers'] as { env: unknown[] }[])[0]?.env;
  assert.deepEqual(env, [{ name: 'X', value: '1' }, { name: 'Y', value: '3' }, { name: 'Z', value: '4' }]);
});

test('strategic merge patch merges ports by containerPort', () => {
  const orig = pod({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }] }] });
  const out = smp(orig, { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }] }] } });
  const ports = (spec(out)['containers'] as { ports: unknown[] }[])[0]?.ports;
  assert.deepEqual(ports, [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443 }]);
});

test('strategic merge patch deletes a field given null and ignores nulls for absent fields', () => {
  const orig = pod({ containers: [{ name: 'a' }], nodeSelector: { disk: 'ssd' } }, { name: 'p', labels: { x: '1', y: '2' } });
  const out = smp(orig, { metadata: { labels: { x: null, z: null } }, spec: { nodeSelector: null, hostname: 'h' } });
  assert.deepEqual((out['metadata'] as { labels: unknown }).labels, { y: '2' });
  assert.equal(spec(out)['nodeSelector'], undefined);
  assert.equal(spec(out)['hostname'], 'h');
});

test('strategic merge patch removes a list item with $patch: delete', () => {
  const orig = pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  const out = smp(orig, { spec: { containers: [{ name: 'b', $patch: 'delete' }] } });
  assert.deepEqual(spec(out)['containers'], [{ name: 'a' }, { name: 'c' }]);
});

test('strategic merge patch replaces a whole list with $patch: replace', () => {
  const orig = pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b' }] });
  const out = smp(orig, { spec: { containers: [{ name: 'n', image: 'y' }, { $patch: 'replace' }] } });
  assert.deepEqual(spec(out)['containers'], [{ name: 'n', image: 'y' }]);
});

test('strategic merge patch replaces a map with $patch: replace and clears it with $patch: delete', () => {
  const orig = pod({ containers: [{ name: 'a' }], nodeSelector: { a: '1', b: '2' }, securityContext: { runAsUser: 1 } });
  const out = smp(orig, { spec: { nodeSelector: { c: '3', $patch: 'replace' }, securityContext: { $patch: 'delete' } } });
  assert.deepEqual(spec(out)['nodeSelector'], { c: '3' });
  assert.deepEqual(spec(out)['securityContext'], {});
});

test('strategic merge patch honours $retainKeys on a volume (switching the volume source)', () => {
  const orig = pod({ containers: [{ name: 'a' }], volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] });
  const out = smp(orig, { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }] } });
  assert.deepEqual(spec(out)['volumes'], [{ name: 'v', hostPath: { path: '/x' } }, { name: 'w', emptyDir: {} }]);
});

test('strategic merge patch rejects a patch field missing from $retainKeys with 400', () => {
  const orig = pod({ containers: [{ name: 'a' }], volumes: [{ name: 'v', emptyDir: {} }] });
  assert.throws(
    () => smp(orig, { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' }, $retainKeys: ['name'] }] } }),
    (e: unknown) => (e as { status: { code: number; message: string } }).status.code === 400 && /invalid patch format of retainKeys/.test((e as Error).message),
  );
});

test('strategic merge patch unions a merge list of primitives and deletes via $deleteFromPrimitiveList', () => {
  const orig = pod({ containers: [{ name: 'a' }] }, { name: 'p', finalizers: ['a', 'b'] });
  const added = smp(orig, { metadata: { finalizers: ['b', 'c'] } });
  assert.deepEqual([...((added['metadata'] as { finalizers: string[] }).finalizers)].sort(), ['a', 'b', 'c']);
  const removed = smp(orig, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } });
  assert.deepEqual((removed['metadata'] as { finalizers: string[] }).finalizers, ['b']);
});

test('strategic merge patch replaces lists without a merge strategy (args, tolerations)', () => {
  const orig = pod({ containers: [{ name: 'a', args: ['1', '2'] }], tolerations: [{ key: 'k', operator: 'Exists' }] });
  const out = smp(orig, { spec: { containers: [{ name: 'a', args: ['3'] }], tolerations: [{ key: 'j', operator: 'Exists' }] } });
  assert.deepEqual((spec(out)['containers'] as { args: unknown }[])[0]?.args, ['3']);
  assert.deepEqual(spec(out)['tolerations'], [{ key: 'j', operator: 'Exists' }]);
});

test('strategic merge patch orders a list by $setElementOrder', () => {
  const orig = pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  const out = smp(orig, { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'i' }] } });
  assert.deepEqual(spec(out)['containers'], [{ name: 'c' }, { name: 'a', image: 'i' }, { name: 'b' }]);
});

test('strategic merge patch rejects $setElementOrder that does not match the patch list', () => {
  const orig = pod({ containers: [{ name: 'a' }, { name: 'b' }] });
  assert.throws(() => smp(orig, { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', image: 'i' }] } }), /doesn't match/);
});

test('strategic merge patch reproduces kubectl apply: a changed image changes only the image', () => {
  // First apply: kubectl POSTs the manifest with the last-applied annotation; the server adds defaults and status.
  const manifest = pod({ containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }, { name: 'side', image: 'nginx:1' }] }, { name: 'p', namespace: 'default' });
  const live = structuredClone(manifest) as Record<string, unknown>;
  (live['metadata'] as Record<string, unknown>)['annotations'] = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(manifest) };
  for (const c of spec(live)['containers'] as Record<string, unknown>[]) {
    c['imagePullPolicy'] = 'IfNotPresent';
    c['terminationMessagePath'] = '/dev/termination-log';
  }
  spec(live)['restartPolicy'] = 'Always';
  live['status'] = { phase: 'Running' };
  // Second apply with a new image: the 3-way patch kubectl v1.32 computes and sends.
  const next = structuredClone(manifest) as Record<string, unknown>;
  ((spec(next)['containers'] as Record<string, unknown>[])[0] as Record<string, unknown>)['image'] = 'busybox:1.37';
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(next) } },
    spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'side' }], containers: [{ image: 'busybox:1.37', name: 'app' }] },
  };
  const out = smp(live, patch);
  const expected = structuredClone(live) as Record<string, unknown>;
  ((spec(expected)['containers'] as Record<string, unknown>[])[0] as Record<string, unknown>)['image'] = 'busybox:1.37';
  (expected['metadata'] as { annotations: Record<string, string> }).annotations['kubectl.kubernetes.io/last-applied-configuration'] = JSON.stringify(next);
  assert.deepEqual(out, expected);
});

test('strategic merge patch of a kind without schema merges maps and replaces lists', () => {
  const orig = { metadata: { name: 'd', labels: { a: '1' } }, spec: { template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } } } };
  const out = applyPatch(orig, { metadata: { labels: { b: '2' } }, spec: { template: { spec: { containers: [{ name: 'a', image: 'y' }] } } } }, 'strategic', { group: 'stable.example.com', version: 'v1', kind: 'CronTab' });
  assert.deepEqual(out, { metadata: { name: 'd', labels: { a: '1', b: '2' } }, spec: { template: { spec: { containers: [{ name: 'a', image: 'y' }] } } } });
});

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };

function deployment(containers: unknown[], strategy: unknown = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, strategy, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } },
  };
}

test('strategic merge patch of a Deployment merges spec.template.spec.containers by name (kubectl set image)', () => {
  const orig = deployment([
    { name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
    { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', '3600'] },
  ]);
  // What `kubectl set image deployment/web sidecar=busybox:1.37` sends.
  const out = applyPatch(orig, { spec: { template: { spec: { containers: [{ image: 'busybox:1.37', name: 'sidecar' }] } } } }, 'strategic', DEPLOYMENT) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- deep read
  assert.deepEqual(out['spec']['template']['spec']['containers'], [
    { name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
    { name: 'sidecar', image: 'busybox:1.37', command: ['sleep', '3600'] },
  ]);
  assert.equal(out['spec']['replicas'], 2);
});

test('strategic merge patch of a Deployment strategy retains only the keys the patch names (retainKeys)', () => {
  const orig = deployment([{ name: 'app', image: 'nginx' }]);
  const out = applyPatch(orig, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, 'strategic', DEPLOYMENT) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- deep read
  assert.deepEqual(out['spec']['strategy'], { type: 'Recreate' });
});

test('strategic merge patch rejects a non-object patch with 400 and lists of lists with 422', () => {
  const orig = pod({ containers: [{ name: 'a' }] }, { name: 'p', finalizers: [] });
  assert.throws(() => smp(orig, [1]), (e: unknown) => (e as { status: { code: number } }).status.code === 400);
  assert.throws(() => smp(orig, { metadata: { finalizers: [['y']] } }), (e: unknown) => (e as { status: { code: number } }).status.code === 422);
});

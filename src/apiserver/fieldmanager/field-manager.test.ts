/** Tests of the field manager: field sets of applied objects, Update ownership, apply merge, pruning and conflicts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { apply, recordUpdate, type FieldManagerScope } from './field-manager.js';
import { rootType } from './schema-type.js';
import { merge } from './merge.js';
import { toFieldSet } from './to-field-set.js';

const POD = { group: '', version: 'v1', kind: 'Pod' };
const scope = (sec = 0): FieldManagerScope => ({ gvk: POD, apiVersion: 'v1', hasStatus: true, now: new Date(Date.UTC(2026, 0, 1, 0, 0, sec)) });

function pod(containers: unknown[], labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...(labels ? { labels } : {}) }, spec: { containers } } as KubeObject;
}

test('toFieldSet lists leaves and list items by their merge keys, ports by containerPort and protocol', () => {
  const obj = pod([{ name: 'app', image: 'busybox', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }], command: ['sleep', '1'] }], { app: 'web' });
  const set = toFieldSet(obj, rootType(POD));
  assert.deepEqual(set.toFieldsV1()['f:spec'], {
    'f:containers': {
      'k:{"name":"app"}': {
        '.': {},
        'f:command': {},
        'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
        'f:image': {},
        'f:name': {},
        'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
      },
    },
  });
});

test('merge keeps live items and fields the configuration does not mention, in the configuration order', () => {
  const live = pod([{ name: 'a', image: 'x', imagePullPolicy: 'Always' }, { name: 'side', image: 's' }]);
  const config = pod([{ name: 'b', image: 'y' }, { name: 'a', image: 'x2' }]);
  const out = merge(live, config, rootType(POD)) as KubeObject;
  assert.deepEqual((out['spec'] as { containers: unknown[] }).containers, [
    { name: 'b', image: 'y' },
    { name: 'a', image: 'x2', imagePullPolicy: 'Always' },
    { name: 'side', image: 's' },
  ]);
});

test('recordUpdate gives a create all its fields; maps and new list items carry "."', () => {
  const obj = pod([{ name: 'app', image: 'busybox', resources: {} }], { app: 'web' });
  recordUpdate(undefined, obj, 'kubectl-create', scope());
  assert.deepEqual(obj.metadata.managedFields, [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} } } },
      },
    },
  ]);
});

test('an update by another manager takes the fields it changes', () => {
  const live = apply(undefined, pod([{ name: 'app', image: 'v1' }], { app: 'web' }), { manager: 'kubectl', force: false }, scope());
  const next = structuredClone(live);
  (next['spec'] as { containers: Array<{ image: string }> }).containers[0]!.image = 'v2';
  recordUpdate(live, next, 'kubectl-edit', scope(5));
  const byManager = Object.fromEntries((next.metadata.managedFields ?? []).map((e) => [e.manager, e.fieldsV1]));
  assert.deepEqual(byManager['kubectl-edit'], { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } });
  assert.deepEqual((byManager['kubectl'] as Record<string, unknown>)['f:spec'], { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:name': {} } } });
});

test('apply conflicts with the Update manager of a field it changes; force takes the field', () => {
  const live = pod([{ name: 'app', image: 'v1' }]);
  recordUpdate(undefined, live, 'kubectl-client-side-apply', scope());
  const config = pod([{ name: 'app', image: 'v2' }]);
  assert.throws(
    () => apply(live, config, { manager: 'kubectl', force: false }, scope(1)),
    (err: { status: { code: number; reason: string; message: string; details: { causes: unknown[] } } }) => {
      assert.equal(err.status.code, 409);
      assert.equal(err.status.reason, 'Conflict');
      assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .spec.containers[name="app"].image');
      assert.deepEqual(err.status.details.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.spec.containers[name="app"].image' }]);
      return true;
    },
  );
  const out = apply(live, config, { manager: 'kubectl', force: true }, scope(1));
  const csa = out.metadata.managedFields?.find((e) => e.manager === 'kubectl-client-side-apply');
  assert.deepEqual(csa?.fieldsV1, { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:name': {} } } } });
  assert.equal(out.metadata.managedFields?.[0]?.operation, 'Apply');
});

test('applying the same value as another manager shares the field without conflict', () => {
  const live = pod([{ name: 'app', image: 'v1' }]);
  recordUpdate(undefined, live, 'other', scope());
  const out = apply(live, pod([{ name: 'app', image: 'v1' }]), { manager: 'kubectl', force: false }, scope(1));
  assert.equal(out.metadata.managedFields?.length, 2);
});

test('two conflicting managers are listed by manager', () => {
  const live = apply(undefined, pod([{ name: 'app', image: 'v1' }], { a: '1' }), { manager: 'alpha', force: false }, scope());
  const next = structuredClone(live);
  next.metadata.labels = { a: '1', b: '2' };
  recordUpdate(live, next, 'beta', scope(1));
  assert.throws(
    () => apply(next, pod([{ name: 'app', image: 'v2' }], { a: '3', b: '4' }), { manager: 'gamma', force: false }, scope(2)),
    { message: 'Apply failed with 3 conflicts: conflicts with "alpha":\n- .metadata.labels.a\n- .spec.containers[name="app"].image\nconflicts with "beta" using v1:\n- .metadata.labels.b' },
  );
});

test('a field the applier stops applying is removed when it alone owns it, kept when another manager owns it too', () => {
  let live = apply(undefined, pod([{ name: 'app', image: 'v1' }], { a: '1', b: '2' }), { manager: 'kubectl', force: false }, scope());
  live = apply(live, pod([{ name: 'app', image: 'v1' }], { a: '1' }), { manager: 'kubectl', force: false }, scope(1));
  assert.deepEqual(live.metadata.labels, { a: '1' });
  live = apply(live, pod([{ name: 'app', image: 'v1' }], { a: '1' }), { manager: 'other', force: false }, scope(2));
  live = apply(live, pod([{ name: 'app', image: 'v1' }]), { manager: 'kubectl', force: false }, scope(3));
  assert.deepEqual(live.metadata.labels, { a: '1' });
  live = apply(live, pod([{ name: 'app', image: 'v1' }, { name: 'side', image: 's' }]), { manager: 'kubectl', force: false }, scope(4));
  live = apply(live, pod([{ name: 'app', image: 'v1' }]), { manager: 'kubectl', force: false }, scope(5));
  assert.deepEqual((live['spec'] as { containers: Array<{ name: string }> }).containers.map((c) => c.name), ['app']);
});

test('an unchanged re-apply keeps the entry time; status is not owned through the main resource', () => {
  const first = apply(undefined, { ...pod([{ name: 'app', image: 'v1' }]), status: { phase: 'Running' } } as KubeObject, { manager: 'kubectl', force: false }, scope());
  const again = apply(first, pod([{ name: 'app', image: 'v1' }]), { manager: 'kubectl', force: false }, scope(30));
  assert.equal(again.metadata.managedFields?.[0]?.time, '2026-01-01T00:00:00Z');
  assert.equal(Object.hasOwn(first.metadata.managedFields?.[0]?.fieldsV1 as object, 'f:status'), false);
});

test('apply refuses a configuration carrying managedFields', () => {
  const config = pod([]);
  config.metadata.managedFields = [];
  assert.throws(() => apply(undefined, config, { manager: 'kubectl', force: false }, scope()), { message: 'metadata.managedFields must be nil' });
});

test('a kubectl apply rewrites an existing last-applied annotation from the configuration; other managers leave it', () => {
  const ann = 'kubectl.kubernetes.io/last-applied-configuration';
  const live = pod([{ name: 'app', image: 'v1' }]);
  live.metadata.annotations = { [ann]: '{"old":true}\n' };
  const config = pod([{ name: 'app', image: 'v2' }]);
  const out = apply(live, config, { manager: 'kubectl', force: true }, scope(1));
  assert.equal(
    out.metadata.annotations?.[ann],
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"containers":[{"image":"v2","name":"app"}]}}\n',
  );
  assert.equal(apply(live, config, { manager: 'other', force: true }, scope(1)).metadata.annotations?.[ann], '{"old":true}\n');
});

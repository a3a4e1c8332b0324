/** Tests of the core/v1 replicationcontrollers strategy: defaulting, validation, generation, scale and table cells. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReplicationController, Scale } from '../api/workloads.js';
import { replicationControllerStrategy as strategy } from './replicationcontrollers.js';

function rc(): ReplicationController {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'web', namespace: 'default' },
    spec: { template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } },
  };
}

function messages(errs: { field: string; detail: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.detail}`);
}

test('a created ReplicationController defaults selector and labels from the template, replicas to 1, generation 1', () => {
  const c = rc();
  strategy.prepareForCreate(c);
  assert.deepEqual(c.spec.selector, { app: 'web', tier: 'fe' });
  assert.deepEqual(c.metadata.labels, { app: 'web', tier: 'fe' });
  assert.equal(c.spec.replicas, 1);
  assert.equal(c.metadata.generation, 1);
  assert.deepEqual(c.status, { replicas: 0 });
  assert.equal(c.spec.template?.spec?.restartPolicy, 'Always');
  assert.equal(c.spec.template?.spec?.containers[0]?.terminationMessagePath, '/dev/termination-log');
  assert.deepEqual(strategy.validate(c), []);
});

test('an explicit selector and labels are kept; a selector not matching the template is refused', () => {
  const c = rc();
  c.metadata.labels = { owner: 'me' };
  c.spec.selector = { app: 'other' };
  strategy.prepareForCreate(c);
  assert.deepEqual(c.metadata.labels, { owner: 'me' });
  assert.deepEqual(messages(strategy.validate(c)), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"fe"}: `selector` does not match template `labels`',
  ]);
});

test('ReplicationController validation: template required, restartPolicy Always, no activeDeadlineSeconds, counts non-negative', () => {
  const none: ReplicationController = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'x', namespace: 'default' }, spec: { selector: { a: 'b' } } };
  strategy.prepareForCreate(none);
  assert.deepEqual(messages(strategy.validate(none)), ['spec.template: Required value']);
  const c = rc();
  c.spec.replicas = -1;
  c.spec.template!.spec!.restartPolicy = 'Never';
  c.spec.template!.spec!.activeDeadlineSeconds = 5;
  strategy.prepareForCreate(c);
  assert.deepEqual(messages(strategy.validate(c)), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported',
  ]);
});

test('updates keep status, bump generation only on spec changes, and allow a new selector', () => {
  const old = rc();
  strategy.prepareForCreate(old);
  old.status = { replicas: 1, readyReplicas: 1 };
  const same = structuredClone(old);
  same.status = { replicas: 9 };
  strategy.prepareForUpdate(same, old);
  assert.deepEqual(same.status, { replicas: 1, readyReplicas: 1 });
  assert.equal(same.metadata.generation, 1);
  const moved = structuredClone(old);
  moved.spec.selector = { app: 'web' };
  strategy.prepareForUpdate(moved, old);
  assert.equal(moved.metadata.generation, 2);
  assert.deepEqual(strategy.validateUpdate(moved, old), []);
});

test('the scale subresource shows the label-map selector and writes spec.replicas', () => {
  const c = rc();
  strategy.prepareForCreate(c);
  const scale = strategy.subresources!['scale']!;
  assert.equal(scale.kind, 'view');
  if (scale.kind !== 'view') return;
  const view = scale.get(c) as Scale;
  assert.deepEqual(view.spec, { replicas: 1 });
  assert.deepEqual(view.status, { replicas: 0, selector: 'app=web,tier=fe' });
  assert.deepEqual(scale.apply(c, { ...view, spec: { replicas: 3 } }), []);
  assert.equal(c.spec.replicas, 3);
  assert.equal(c.metadata.generation, 2);
});

test('the table has NAME DESIRED CURRENT READY AGE and the wide CONTAINERS IMAGES SELECTOR', () => {
  const c = rc();
  strategy.prepareForCreate(c);
  c.status = { replicas: 1, readyReplicas: 1 };
  const table = strategy.table!;
  assert.deepEqual(table.columnDefinitions.map((d) => d.name), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(table.cells(c, new Date()), ['web', 1, 1, 1, '<unknown>', 'nginx', 'nginx:1.25', 'app=web,tier=fe']);
});

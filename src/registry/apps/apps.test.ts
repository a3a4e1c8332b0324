/** Tests of the apps/v1 strategies: defaulting, validation messages, generation, scale and table cells. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, ReplicaSet, Scale } from '../../api/workloads.js';
import { deploymentStrategy } from './deployments.js';
import { replicaSetStrategy } from './replicasets.js';
import { scaleSubresource } from './scale.js';

function deployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
    },
  };
}

function messages(errs: { field: string; detail: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.detail}`);
}

test('a created Deployment gets upstream defaults, generation 1 and an empty status', () => {
  const d = deployment();
  deploymentStrategy.prepareForCreate(d);
  assert.equal(d.spec.replicas, 1);
  assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  assert.equal(d.metadata.generation, 1);
  const spec = d.spec.template.spec;
  assert.equal(spec?.restartPolicy, 'Always');
  assert.equal(spec?.dnsPolicy, 'ClusterFirst');
  assert.equal(spec?.containers[0]?.terminationMessagePath, '/dev/termination-log');
  assert.equal(spec?.containers[0]?.imagePullPolicy, 'IfNotPresent');
  assert.equal(spec?.enableServiceLinks, undefined, 'SetDefaults_Pod does not run on templates');
  assert.deepEqual(deploymentStrategy.validate(d), []);
});

test('Deployment validation gives kube-apiserver messages with field paths', () => {
  const d = deployment();
  d.spec.template.metadata = { labels: { app: 'other' } };
  d.spec.template.spec!.restartPolicy = 'Never';
  d.spec.replicas = -1;
  d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } };
  deploymentStrategy.prepareForCreate(d);
  assert.deepEqual(messages(deploymentStrategy.validate(d)), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
  ]);
  const r = deployment();
  r.spec.strategy = { type: 'Recreate', rollingUpdate: {} };
  deploymentStrategy.prepareForCreate(r);
  assert.deepEqual(messages(deploymentStrategy.validate(r)), [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]);
  const e = deployment();
  e.spec.selector = {};
  deploymentStrategy.prepareForCreate(e);
  assert.match(messages(deploymentStrategy.validate(e))[0] ?? '', /^spec\.selector: Invalid value: .*: empty selector is invalid for deployment$/);
});

test('a Deployment update bumps generation only when the spec changes, and the selector is immutable', () => {
  const old = deployment();
  deploymentStrategy.prepareForCreate(old);
  const same = structuredClone(old);
  deploymentStrategy.prepareForUpdate(same, old);
  assert.equal(same.metadata.generation, 1);
  const changed = structuredClone(old);
  changed.spec.template.spec!.containers[0]!.image = 'nginx:1.26';
  deploymentStrategy.prepareForUpdate(changed, old);
  assert.equal(changed.metadata.generation, 2);
  const moved = structuredClone(old);
  moved.spec.selector = { matchLabels: { app: 'web', tier: 'x' } };
  moved.spec.template.metadata!.labels = { app: 'web', tier: 'x' };
  deploymentStrategy.prepareForUpdate(moved, old);
  assert.match(messages(deploymentStrategy.validateUpdate(moved, old)).join('\n'), /spec\.selector: Invalid value: .*: field is immutable/);
  const status = structuredClone(old);
  status.spec.replicas = 9;
  status.status = { replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 };
  deploymentStrategy.prepareForStatusUpdate!(status, old);
  assert.equal(status.spec.replicas, 1, 'a status write keeps the spec');
});

test('the scale view reads and writes spec.replicas and validates it', () => {
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', namespace: 'default', uid: 'u1', resourceVersion: '7', generation: 3 },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } } },
    status: { replicas: 2 },
  };
  const scale = scaleSubresource.get(rs) as Scale;
  assert.deepEqual(scale, {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: 'web-1', namespace: 'default', uid: 'u1', resourceVersion: '7' },
    spec: { replicas: 2 },
    status: { replicas: 2, selector: 'app=web' },
  });
  assert.deepEqual(scaleSubresource.apply(rs, { ...scale, spec: { replicas: 5 } }), []);
  assert.equal(rs.spec.replicas, 5);
  assert.equal(rs.metadata.generation, 4);
  assert.deepEqual(messages(scaleSubresource.apply(rs, { ...scale, spec: { replicas: -1 } })), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
});

test('Deployment and ReplicaSet table cells match printDeployment and printReplicaSet', () => {
  const d = deployment();
  deploymentStrategy.prepareForCreate(d);
  d.spec.replicas = 3;
  d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  const now = new Date(Date.parse(d.metadata.creationTimestamp ?? new Date().toISOString()));
  d.metadata.creationTimestamp = new Date(now.getTime() - 65_000).toISOString();
  assert.deepEqual(deploymentStrategy.table!.cells(d, now), ['web', '2/3', 3, 2, '65s', 'nginx', 'nginx:1.25', 'app=web']);
  const rs: ReplicaSet = { metadata: { name: 'web-abc', creationTimestamp: d.metadata.creationTimestamp }, spec: { replicas: 3, selector: d.spec.selector, template: d.spec.template }, status: { replicas: 3, readyReplicas: 1 } };
  assert.deepEqual(replicaSetStrategy.table!.cells(rs, now), ['web-abc', 3, 3, 1, '65s', 'nginx', 'nginx:1.25', 'app=web']);
});

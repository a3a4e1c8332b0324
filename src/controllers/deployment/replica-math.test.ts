import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployment, replicaSet } from '../testing/workloads.js';
import { maxSurge, maxUnavailable, proportion, resolveFenceposts, scaledValue } from './replica-math.js';
import { lastRevision, maxRevision, setNewReplicaSetAnnotations } from './revisions.js';

test('resolveFenceposts rounds maxSurge up and maxUnavailable down, and never leaves both at 0', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 4), [1, 1]);
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), [3, 2]);
  assert.deepEqual(resolveFenceposts('25%', '25%', 1), [1, 0]);
  assert.deepEqual(resolveFenceposts(0, '25%', 1), [0, 1]);
  assert.deepEqual(resolveFenceposts(2, 0, 5), [2, 0]);
  assert.throws(() => scaledValue('3', 10, true), /string is not a percentage/);
});

test('maxSurge and maxUnavailable: 0 for Recreate, maxUnavailable 0 at 0 replicas and capped at replicas', () => {
  const rolling = deployment('web', 4, 'nginx', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
  assert.equal(maxSurge(rolling), 1);
  assert.equal(maxUnavailable(rolling), 1);
  assert.equal(maxSurge(deployment('web', 4, 'nginx', { strategy: { type: 'Recreate' } })), 0);
  assert.equal(maxUnavailable(deployment('web', 0, 'nginx', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } })), 0);
  assert.equal(maxUnavailable(deployment('web', 2, 'nginx', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 5, maxSurge: 0 } } })), 2);
});

test('proportion shares a scaling event by the max-replicas annotation, bounded by what is left', () => {
  const d = deployment('web', 20, 'nginx', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
  const rs = (n: number): ReturnType<typeof replicaSet> => {
    const r = replicaSet('x', n);
    r.metadata.annotations = { 'deployment.kubernetes.io/max-replicas': '13' };
    return r;
  };
  assert.equal(proportion(rs(8), d, 12, 0), 7, 'round(8 * 25 / 13) - 8');
  assert.equal(proportion(rs(5), d, 12, 7), 5, 'round(5 * 25 / 13) - 5, within the 5 left');
  assert.equal(proportion(rs(5), d, 12, 10), 2, 'only 2 left');
  assert.equal(proportion(rs(0), d, 12, 0), 0);
});

test('setNewReplicaSetAnnotations copies Deployment annotations, raises the revision and keeps revision-history', () => {
  const d = deployment('web', 3);
  d.metadata.annotations = { 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '9' };
  const rs = replicaSet('web-a', 3);
  rs.metadata.annotations = { 'deployment.kubernetes.io/revision': '1' };
  assert.equal(setNewReplicaSetAnnotations(d, rs, '3', true, 2000, 4), true);
  assert.deepEqual(rs.metadata.annotations, { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'v2', 'deployment.kubernetes.io/revision-history': '1' });
  setNewReplicaSetAnnotations(d, rs, '5', true, 2000, 4);
  assert.equal(rs.metadata.annotations['deployment.kubernetes.io/revision-history'], '1,3');
  assert.equal(setNewReplicaSetAnnotations(d, rs, '5', true, 2000, 4), false, 'nothing new');
  const fresh = replicaSet('web-b', 1);
  setNewReplicaSetAnnotations(d, fresh, '1', false, 2000, 4);
  assert.deepEqual(fresh.metadata.annotations, { 'kubernetes.io/change-cause': 'v2', 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
  const revs = ['1', '3', '2'].map((r) => ({ ...replicaSet('x', 1), metadata: { name: 'x', annotations: { 'deployment.kubernetes.io/revision': r } } }));
  assert.equal(lastRevision(revs), 2n);
});

test('revisions are int64: an adopted ReplicaSet at 3546343826724306000 makes the next revision ...001, not a rounded float', () => {
  const big = { ...replicaSet('old', 1), metadata: { name: 'old', annotations: { 'deployment.kubernetes.io/revision': '3546343826724306000' } } };
  assert.equal(maxRevision([big, undefined]), 3546343826724306000n);
  const next = String(maxRevision([big]) + 1n);
  assert.equal(next, '3546343826724306001');
  const rs = replicaSet('new', 1);
  assert.equal(setNewReplicaSetAnnotations(deployment('web', 1), rs, next, false, 2000, 2), true);
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '3546343826724306001');
  const outOfRange = { ...replicaSet('bad', 1), metadata: { name: 'bad', annotations: { 'deployment.kubernetes.io/revision': '9223372036854775808' } } };
  assert.equal(maxRevision([outOfRange, big]), 3546343826724306000n, 'a revision beyond int64 does not parse, as strconv.ParseInt');
});

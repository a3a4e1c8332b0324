import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rfc3339 } from '../../api/meta.js';
import type { Pod } from '../../api/types.js';
import { isPodAvailable, podsToDelete } from './active-pods.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const ago = (s: number): string => rfc3339(new Date(NOW - s * 1000));

function p(name: string, o: { node?: string; phase?: Pod['status'] extends infer S ? (S extends { phase?: infer P } ? P : never) : never; readyAgo?: number; createdAgo?: number; restarts?: number; cost?: string; uid?: string } = {}): Pod {
  const pod: Pod = {
    metadata: { name, uid: o.uid ?? name, creationTimestamp: ago(o.createdAgo ?? 3600) },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(o.node === '' ? {} : { nodeName: o.node ?? 'n1' }) },
    status: { phase: o.phase ?? 'Running' },
  };
  if (o.cost !== undefined) pod.metadata.annotations = { 'controller.kubernetes.io/pod-deletion-cost': o.cost };
  if (o.readyAgo !== undefined) pod.status!.conditions = [{ type: 'Ready', status: 'True', lastTransitionTime: ago(o.readyAgo) }];
  if (o.restarts !== undefined) pod.status!.containerStatuses = [{ name: 'c', ready: true, restartCount: o.restarts, image: 'i', imageID: '' }];
  return pod;
}

const first = (pods: Pod[], related: Pod[] = pods): string => podsToDelete(pods, related, 1, NOW)[0]!.metadata.name!;

test('podsToDelete prefers unscheduled, then Pending before Unknown before Running, then not ready', () => {
  assert.equal(first([p('assigned', { readyAgo: 60 }), p('unassigned', { node: '', readyAgo: 60 })]), 'unassigned');
  assert.equal(first([p('running', { phase: 'Running' }), p('unknown', { phase: 'Unknown' }), p('pending', { phase: 'Pending' })]), 'pending');
  assert.equal(first([p('running', { phase: 'Running' }), p('unknown', { phase: 'Unknown' })]), 'unknown');
  assert.equal(first([p('ready', { readyAgo: 60 }), p('not-ready')]), 'not-ready');
});

test('podsToDelete then prefers lower pod-deletion-cost, then pods doubled up on a node', () => {
  assert.equal(first([p('cheap', { readyAgo: 60, cost: '-5' }), p('dear', { readyAgo: 60, cost: '100' }), p('plain', { readyAgo: 60 })]), 'cheap');
  assert.equal(first([p('bad-cost', { readyAgo: 60, cost: 'x' }), p('dear', { readyAgo: 60, cost: '1' })]), 'bad-cost');
  const a = p('alone', { node: 'n1', readyAgo: 60 });
  const b = p('crowded', { node: 'n2', readyAgo: 60 });
  assert.equal(first([a, b], [a, b, p('other-rs-pod', { node: 'n2' })]), 'crowded');
});

test('podsToDelete then prefers the more recently ready, by log2 buckets of age with the uid breaking ties', () => {
  assert.equal(first([p('old', { readyAgo: 4000 }), p('young', { readyAgo: 10 })]), 'young');
  // 1000 s and 1001 s old fall in the same power-of-two bucket of nanoseconds: the smaller uid goes first.
  assert.equal(first([p('x', { readyAgo: 1000, uid: 'b' }), p('y', { readyAgo: 1001, uid: 'a' })]), 'y');
});

test('podsToDelete then prefers more restarts, then newer pods', () => {
  assert.equal(first([p('calm', { readyAgo: 60, restarts: 0 }), p('crashy', { readyAgo: 60, restarts: 4 })]), 'crashy');
  assert.equal(first([p('old', { createdAgo: 86400 }), p('new', { createdAgo: 30 })]), 'new');
});

test('podsToDelete returns the first diff pods in order and all pods when all must go', () => {
  const pods = [p('r1', { readyAgo: 600 }), p('n1'), p('r2', { readyAgo: 5 }), p('n2', { phase: 'Pending' })];
  assert.deepEqual(podsToDelete(pods, pods, 3, NOW).map((x) => x.metadata.name), ['n2', 'n1', 'r2']);
  assert.equal(podsToDelete(pods, pods, 4, NOW).length, 4);
});

test('isPodAvailable needs readiness for strictly more than minReadySeconds', () => {
  assert.equal(isPodAvailable(p('a', { readyAgo: 10 }), 0, NOW), true);
  assert.equal(isPodAvailable(p('a', { readyAgo: 10 }), 10, NOW), false);
  assert.equal(isPodAvailable(p('a', { readyAgo: 11 }), 10, NOW), true);
  assert.equal(isPodAvailable(p('a'), 0, NOW), false);
});

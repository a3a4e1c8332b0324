// podsDifferSemantically: which pod changes reach the pod workers as updates.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePod } from '../testing/builders.js';
import { podsDifferSemantically } from './pod-source.js';

test('podsDifferSemantically ignores status and resourceVersion changes (the kubelet\'s own writes)', () => {
  const a = makePod('p', ['a']);
  const b = { ...a, metadata: { ...a.metadata, resourceVersion: '99' }, status: { phase: 'Running' as const } };
  assert.equal(podsDifferSemantically(a, b), false);
});

test('podsDifferSemantically sees spec, label, annotation and deletion changes, and a first sighting', () => {
  const a = makePod('p', ['a']);
  assert.equal(podsDifferSemantically(undefined, a), true);
  assert.equal(podsDifferSemantically(a, { ...a, spec: { ...a.spec, activeDeadlineSeconds: 3 } }), true);
  assert.equal(podsDifferSemantically(a, { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } }), true);
  assert.equal(podsDifferSemantically(a, { ...a, metadata: { ...a.metadata, annotations: { x: 'y' } } }), true);
  assert.equal(podsDifferSemantically(a, { ...a, metadata: { ...a.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } }), true);
});

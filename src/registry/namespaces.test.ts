/** Tests of the namespaces strategy. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError } from '../api/errors.js';
import type { Namespace } from '../api/types.js';
import { namespaceStrategy, validateNamespaceStatusUpdate } from './namespaces.js';

test('namespace create sets phase Active, the kubernetes finalizer and the metadata.name label', () => {
  const ns: Namespace = { metadata: { name: 'team-a' } };
  namespaceStrategy.prepareForCreate(ns);
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(namespaceStrategy.validate(ns), []);
});

test('namespace names must be DNS-1123 labels', () => {
  const errs = namespaceStrategy.validate({ metadata: { name: 'a.b' } }).map(formatFieldError);
  assert.deepEqual(errs, ['metadata.name: Invalid value: "a.b": must not contain dots']);
});

test('namespace update keeps finalizers and status', () => {
  const old: Namespace = { metadata: { name: 'x' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  const next: Namespace = { metadata: { name: 'x' }, spec: { finalizers: [] }, status: { phase: 'Terminating' } };
  namespaceStrategy.prepareForUpdate(next, old);
  assert.deepEqual(next.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(next.status, { phase: 'Active' });
});

test('namespace status phase must agree with deletionTimestamp', () => {
  const old: Namespace = { metadata: { name: 'x' }, status: { phase: 'Active' } };
  const errs = validateNamespaceStatusUpdate({ metadata: { name: 'x' }, status: { phase: 'Terminating' } }, old).map(formatFieldError);
  assert.deepEqual(errs, ['status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty']);
});

test('namespace table prints NAME STATUS AGE', () => {
  const ns: Namespace = { metadata: { name: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Active' } };
  assert.deepEqual(namespaceStrategy.table?.cells(ns, new Date('2024-01-03T00:00:00Z')), ['default', 'Active', '2d']);
  assert.deepEqual(namespaceStrategy.table?.columnDefinitions.map((c) => c.name), ['Name', 'Status', 'Age']);
});

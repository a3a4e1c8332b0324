/** Tests of the coordination.k8s.io/v1 leases strategy: dropped alpha fields, validation messages, table cells. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lease } from '../../api/coordination.js';
import { leaseStrategy as strategy } from './leases.js';

function lease(): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node1', namespace: 'kube-node-lease', creationTimestamp: '2024-05-06T07:00:00Z' },
    spec: { holderIdentity: 'node1', leaseDurationSeconds: 40, renewTime: '2024-05-06T07:08:20.123456Z' },
  };
}

function messages(errs: { field: string; detail: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.detail}`);
}

test('a valid Lease passes; a spec-less one too', () => {
  const l = lease();
  strategy.prepareForCreate(l);
  assert.deepEqual(strategy.validate(l), []);
  assert.deepEqual(strategy.validate({ metadata: { name: 'bare', namespace: 'default' } }), []);
});

test('durations must be positive and transitions non-negative, with kube-apiserver messages', () => {
  const l = lease();
  l.spec = { leaseDurationSeconds: 0, leaseTransitions: -1 };
  assert.deepEqual(messages(strategy.validate(l)), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ]);
  const bad = lease();
  bad.metadata.name = 'Node_1';
  assert.match(messages(strategy.validate(bad))[0] ?? '', /^metadata\.name: Invalid value: "Node_1": a lowercase RFC 1123 subdomain/);
});

test('strategy and preferredHolder are dropped on create (CoordinatedLeaderElection off) and validated when kept', () => {
  const l = lease();
  l.spec = { holderIdentity: 'a', strategy: 'OldestEmulationVersion', preferredHolder: 'b' };
  strategy.prepareForCreate(l);
  assert.deepEqual(l.spec, { holderIdentity: 'a' });
  const old = lease();
  old.spec = { strategy: 'Newest' };
  const upd = lease();
  upd.spec = { strategy: 'Newest', preferredHolder: 'b' };
  strategy.prepareForUpdate(upd, old);
  assert.deepEqual(messages(strategy.validateUpdate(upd, old)), ['spec.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"']);
  assert.deepEqual(upd.spec, { strategy: 'Newest' });
  const held = lease();
  held.spec = { preferredHolder: 'b' };
  const next = lease();
  next.spec = { preferredHolder: 'b' };
  strategy.prepareForUpdate(next, held);
  assert.deepEqual(messages(strategy.validateUpdate(next, held)), ['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined']);
});

test('the table prints NAME HOLDER AGE as kube-apiserver does', () => {
  const table = strategy.table;
  assert.ok(table);
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Holder', 'Age']);
  assert.deepEqual(table.cells(lease(), new Date('2024-05-06T07:05:00Z')), ['node1', 'node1', '5m']);
  assert.deepEqual(table.cells({ metadata: { name: 'free' } }, new Date()), ['free', '', '<unknown>']);
});

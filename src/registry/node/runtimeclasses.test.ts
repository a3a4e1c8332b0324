/** Tests of the node.k8s.io/v1 runtimeclasses strategy: handler rules, overhead and scheduling paths, table cells. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuntimeClass } from '../../api/runtime-class.js';
import { runtimeClassStrategy as strategy } from './runtimeclasses.js';

function rc(): RuntimeClass {
  return { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor', creationTimestamp: '2024-05-06T07:00:00Z' }, handler: 'runsc' };
}

function messages(errs: { field: string; detail: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.detail}`);
}

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

test('a RuntimeClass with a DNS-label handler is valid; creating it by PUT is allowed', () => {
  const c = rc();
  strategy.prepareForCreate(c);
  assert.deepEqual(strategy.validate(c), []);
  assert.equal(strategy.allowCreateOnUpdate, true);
  assert.equal(strategy.info.namespaced, false);
});

test('the handler is required and must be a DNS-1123 label', () => {
  const missing = rc();
  missing.handler = '';
  assert.deepEqual(messages(strategy.validate(missing)), [`handler: Invalid value: "": ${LABEL_MSG}`]);
  const bad = rc();
  bad.handler = 'Run.SC';
  assert.deepEqual(messages(strategy.validate(bad)), [`handler: Invalid value: "Run.SC": ${LABEL_MSG}`]);
});

test('the handler is immutable; other updates pass', () => {
  const old = rc();
  const relabelled: RuntimeClass = { ...rc(), metadata: { ...rc().metadata, labels: { tier: 'sandboxed' } } };
  assert.deepEqual(strategy.validateUpdate(relabelled, old), []);
  const changed = rc();
  changed.handler = 'runc';
  assert.deepEqual(messages(strategy.validateUpdate(changed, old)), ['handler: Invalid value: "runc": field is immutable']);
});

test('overhead is checked as resource limits and scheduling as labels and tolerations', () => {
  const c = rc();
  c.overhead = { podFixed: { cpu: '-1', memory: 'lots' } };
  c.scheduling = { nodeSelector: { 'bad key!': 'x' }, tolerations: [{ key: 'runtime', operator: 'Exists', value: 'x' }] };
  const got = messages(strategy.validate(c));
  assert.equal(got[0], 'overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0');
  assert.match(got[1] ?? '', /^overhead\.limits\[memory\]: Invalid value: "lots": quantities must match the regular expression/);
  assert.match(got[2] ?? '', /^scheduling\.nodeSelector: Invalid value: "bad key!": name part must consist of alphanumeric characters/);
  assert.match(got[3] ?? '', /^scheduling\.tolerations\[0\]\.operator: Invalid value: .*: value must be empty when `operator` is 'Exists'$/);
  assert.equal(got.length, 4);
});

test('the table prints NAME HANDLER AGE as kube-apiserver does', () => {
  const table = strategy.table;
  assert.ok(table);
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Handler', 'Age']);
  assert.deepEqual(table.cells(rc(), new Date('2024-05-06T09:00:00Z')), ['gvisor', 'runsc', '120m']);
});

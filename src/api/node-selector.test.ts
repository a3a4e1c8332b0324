/** Tests of NodeSelector matching: terms ORed, requirements ANDed, label operators and the metadata.name field. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeSelectorMatches } from './node-selector.js';

const node = { name: 'node1', labels: { 'kubernetes.io/hostname': 'node1', disk: 'ssd', cores: '8' } };

test('a term matches when all its label and field requirements hold; any matching term selects the node', () => {
  const sel = (matchExpressions: { key: string; operator: string; values?: string[] }[], matchFields: { key: string; operator: string; values?: string[] }[] = []) => ({
    nodeSelectorTerms: [{ matchExpressions, matchFields }],
  });
  assert.equal(nodeSelectorMatches(sel([{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node1'] }]), node), true);
  assert.equal(nodeSelectorMatches(sel([{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node2'] }]), node), false);
  assert.equal(nodeSelectorMatches(sel([{ key: 'disk', operator: 'NotIn', values: ['hdd'] }, { key: 'gpu', operator: 'DoesNotExist' }]), node), true);
  assert.equal(nodeSelectorMatches(sel([{ key: 'cores', operator: 'Gt', values: ['4'] }, { key: 'cores', operator: 'Lt', values: ['16'] }]), node), true);
  assert.equal(nodeSelectorMatches(sel([{ key: 'cores', operator: 'Gt', values: ['8'] }]), node), false);
  assert.equal(nodeSelectorMatches(sel([], [{ key: 'metadata.name', operator: 'In', values: ['node1'] }]), node), true);
  assert.equal(nodeSelectorMatches(sel([{ key: 'disk', operator: 'Exists' }], [{ key: 'metadata.name', operator: 'NotIn', values: ['node1'] }]), node), false);
  const either = { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] }, { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] };
  assert.equal(nodeSelectorMatches(either, node), true);
});

test('an empty selector or term matches nothing, and an unknown operator fails its term', () => {
  assert.equal(nodeSelectorMatches(undefined, node), false);
  assert.equal(nodeSelectorMatches({ nodeSelectorTerms: [] }, node), false);
  assert.equal(nodeSelectorMatches({ nodeSelectorTerms: [{}] }, node), false);
  assert.equal(nodeSelectorMatches({ nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'Like', values: ['ssd'] }] }] }, node), false);
});

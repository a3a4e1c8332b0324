/** Tests of label and field selector parsing and matching. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';

describe('parseLabelSelector', () => {
  it('matches equality, inequality, set and existence requirements', () => {
    const sel = parseLabelSelector('app=web,tier!=db,env in (prod, staging),track,!canary');
    assert.equal(matchLabels(sel, { app: 'web', env: 'prod', track: 'x' }), true);
    assert.equal(matchLabels(sel, { app: 'web', env: 'dev', track: 'x' }), false);
    assert.equal(matchLabels(sel, { app: 'web', env: 'prod', track: 'x', canary: '1' }), false);
    assert.equal(matchLabels(sel, { app: 'web', env: 'prod', track: 'x', tier: 'db' }), false);
    assert.equal(matchLabels(parseLabelSelector('a notin (x)'), {}), true);
  });

  it('rejects malformed requirements with 400', () => {
    assert.throws(() => parseLabelSelector('a b c'), (e: { status?: { code?: number } }) => e.status?.code === 400);
  });
});

describe('parseFieldSelector', () => {
  it('matches = and != on field values', () => {
    const sel = parseFieldSelector('metadata.name=web,status.phase!=Running');
    assert.equal(matchFields(sel, { 'metadata.name': 'web', 'status.phase': 'Pending' }), true);
    assert.equal(matchFields(sel, { 'metadata.name': 'web', 'status.phase': 'Running' }), false);
    assert.deepEqual(parseFieldSelector('spec.nodeName=='), [{ field: 'spec.nodeName', op: '=', value: '' }]);
  });
});

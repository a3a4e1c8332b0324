/** Tests of label selector parsing, matching and error messages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLabels, labelSelectorFromSpec, parseLabelSelector } from './labels.js';

test('parseLabelSelector matches equality, inequality, set and existence requirements', () => {
  const sel = parseLabelSelector('app=web,tier!=db,env in (prod, staging),!canary,team');
  assert.equal(sel.matches({ app: 'web', env: 'prod', team: 'a' }), true);
  assert.equal(sel.matches({ app: 'web', env: 'prod', team: 'a', tier: 'db' }), false);
  assert.equal(sel.matches({ app: 'web', env: 'dev', team: 'a' }), false);
  assert.equal(sel.matches({ app: 'web', env: 'prod', team: 'a', canary: '' }), false);
  assert.equal(sel.matches({ app: 'web', env: 'prod' }), false);
  assert.equal(sel.toString(), 'app=web,!canary,env in (prod,staging),team,tier!=db');
});

test('parseLabelSelector treats == like = and notin as excluding values', () => {
  const sel = parseLabelSelector('a==1,b notin (x,y)');
  assert.equal(sel.matches({ a: '1' }), true);
  assert.equal(sel.matches({ a: '1', b: 'x' }), false);
  assert.equal(sel.matches({ a: '1', b: 'z' }), true);
});

test('parseLabelSelector supports gt and lt on integers', () => {
  assert.equal(parseLabelSelector('n>5').matches({ n: '6' }), true);
  assert.equal(parseLabelSelector('n<5').matches({ n: '6' }), false);
  assert.equal(parseLabelSelector('n>5').matches({ n: 'x' }), false);
});

test('parseLabelSelector selects everything for an empty string', () => {
  assert.equal(parseLabelSelector('').empty(), true);
  assert.equal(parseLabelSelector('  ').matches({}), true);
});

test('parseLabelSelector reports parse errors with upstream wording', () => {
  assert.throws(() => parseLabelSelector('app='.concat('=', '=')), /unable to parse requirement|found/);
  assert.throws(() => parseLabelSelector('a in b'), { message: "unable to parse requirement: found 'b' expected: '('" });
  assert.throws(() => parseLabelSelector('a b'), { message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" });
  assert.throws(() => parseLabelSelector('a,'), { message: "found '', expected: identifier after ','" });
  assert.throws(() => parseLabelSelector('a=b c'), { message: "found 'c', expected: ',' or 'end of string'" });
  assert.throws(() => parseLabelSelector('a in (b'), { message: "unable to parse requirement: found '', expected: ',' or ')'" });
  assert.throws(() => parseLabelSelector('-a=b'), {
    message:
      'unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
  });
  assert.throws(() => parseLabelSelector('a=-b'), /unable to parse requirement: values\[0\]\[a\]: Invalid value: "-b": a valid label must be an empty string/);
});

test('labelSelectorFromSpec converts matchLabels and matchExpressions', () => {
  const sel = labelSelectorFromSpec({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['a'] }] });
  assert.equal(sel.matches({ app: 'web', env: 'a' }), true);
  assert.equal(sel.matches({ app: 'web' }), false);
  assert.equal(labelSelectorFromSpec(undefined).matches({}), false);
  assert.equal(labelSelectorFromSpec({}).matches({ x: 'y' }), true);
  assert.throws(() => labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), {
    message: '"Foo" is not a valid label selector operator',
  });
});

test('labelSelectorFromSpec matchExpressions: In, NotIn, Exists and DoesNotExist, ANDed with matchLabels', () => {
  const sel = labelSelectorFromSpec({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'edge'] },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
      { key: 'team', operator: 'Exists' },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(sel.matches({ app: 'web', tier: 'edge', team: 'a' }), true, 'NotIn holds for an absent key');
  assert.equal(sel.matches({ app: 'web', tier: 'edge', team: 'a', env: 'dev' }), true);
  assert.equal(sel.matches({ app: 'web', tier: 'edge', team: 'a', env: 'prod' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'back', team: 'a' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'edge' }), false, 'Exists needs the key');
  assert.equal(sel.matches({ app: 'web', tier: 'edge', team: 'a', canary: '' }), false, 'DoesNotExist rejects even an empty value');
  assert.equal(sel.matches({ app: 'db', tier: 'edge', team: 'a' }), false);
  assert.equal(sel.toString(), 'app=web,!canary,env notin (prod),team,tier in (edge,front)');
});

test('formatLabels sorts keys and prints <none> for no labels', () => {
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels(undefined), '<none>');
});

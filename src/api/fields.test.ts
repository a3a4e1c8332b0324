/** Tests of field selector parsing and matching. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeFieldValue, parseFieldSelector } from './fields.js';

test('parseFieldSelector accepts =, == and != joined by commas', () => {
  const sel = parseFieldSelector('status.phase!=Running,metadata.name==web,spec.nodeName=n1');
  assert.deepEqual(sel.requirements, [
    { field: 'metadata.name', operator: '=', value: 'web' },
    { field: 'spec.nodeName', operator: '=', value: 'n1' },
    { field: 'status.phase', operator: '!=', value: 'Running' },
  ]);
  assert.equal(sel.matches({ 'metadata.name': 'web', 'spec.nodeName': 'n1', 'status.phase': 'Pending' }), true);
  assert.equal(sel.matches({ 'metadata.name': 'web', 'spec.nodeName': 'n1', 'status.phase': 'Running' }), false);
  assert.equal(sel.exactMatch('metadata.name'), 'web');
});

test('parseFieldSelector treats a missing field as the empty string', () => {
  assert.equal(parseFieldSelector('spec.nodeName=').matches({}), true);
  assert.equal(parseFieldSelector('spec.nodeName!=').matches({}), false);
});

test('parseFieldSelector selects everything for an empty string', () => {
  assert.equal(parseFieldSelector('').empty(), true);
  assert.equal(parseFieldSelector('').matches({ a: 'b' }), true);
});

test('parseFieldSelector rejects a term without operator with the upstream message', () => {
  assert.throws(() => parseFieldSelector('metadata.name'), {
    message: "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
  });
});

test('parseFieldSelector unescapes values and rejects bad escapes', () => {
  assert.equal(parseFieldSelector('a=x\\,y').requirements[0]?.value, 'x,y');
  assert.throws(() => parseFieldSelector('a=x\\y'), { message: 'invalid field selector: invalid escape sequence: \\y' });
  assert.throws(() => parseFieldSelector('a=b=c'), { message: 'invalid field selector: unescaped character in value: 61' });
  assert.equal(escapeFieldValue('a,b=c\\'), 'a\\,b\\=c\\\\');
  assert.equal(parseFieldSelector('b=2,a=1').toString(), 'a=1,b=2');
});

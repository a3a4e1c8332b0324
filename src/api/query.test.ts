import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQueryBool, queryBool } from './query.js';

test('parseQueryBool reads anything but 0 and false (any case) as true, like apimachinery', () => {
  for (const v of ['true', 'True', 'TRUE', '1', 'yes', '']) assert.equal(parseQueryBool(v), true, v);
  for (const v of ['false', 'False', 'FALSE', '0']) assert.equal(parseQueryBool(v), false, v);
  assert.equal(parseQueryBool(null), false);
  assert.equal(parseQueryBool(undefined), false);
});

test('queryBool takes the first value of a repeated parameter', () => {
  assert.equal(queryBool(new URLSearchParams('watch=True&watch=false'), 'watch'), true);
  assert.equal(queryBool(new URLSearchParams('follow=0'), 'follow'), false);
  assert.equal(queryBool(new URLSearchParams(''), 'follow'), false);
});

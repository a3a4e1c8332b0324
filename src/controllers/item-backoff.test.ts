import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ItemBackoff } from './item-backoff.js';

test('ItemBackoff doubles from 5 ms per key up to the cap, and forget starts over', () => {
  const b = new ItemBackoff(30);
  assert.deepEqual([b.next('a'), b.next('a'), b.next('a'), b.next('a'), b.next('a')], [5, 10, 20, 30, 30]);
  assert.equal(b.next('b'), 5, 'keys are independent');
  assert.equal(b.retries('a'), 5);
  b.forget('a');
  assert.equal(b.retries('a'), 0);
  assert.equal(b.next('a'), 5);
});

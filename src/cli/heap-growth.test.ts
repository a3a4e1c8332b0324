// The server's V8 heap-growth flag: GOGC=100's target unless node was started with its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heapGrowingFlag } from './heap-growth.js';

test('k1s server asks V8 to collect when the heap has doubled, unless node was given its own heap growth', () => {
  assert.equal(heapGrowingFlag([]), '--heap-growing-percent=100');
  assert.equal(heapGrowingFlag(['--enable-source-maps']), '--heap-growing-percent=100');
  assert.equal(heapGrowingFlag(['--heap-growing-percent=50']), undefined);
  assert.equal(heapGrowingFlag(['--heap_growing_percent=30']), undefined);
});

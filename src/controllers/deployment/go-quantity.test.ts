import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGoQuantity, parseGoQuantity, storedQuantity } from './go-quantity.js';

test('formatGoQuantity writes the canonical form the API server stores', () => {
  const stored = (s: string): string => formatGoQuantity(parseGoQuantity(s));
  assert.equal(stored('0.5'), '500m');
  assert.equal(stored('1000'), '1k');
  assert.equal(stored('1000m'), '1');
  assert.equal(stored('1.5Gi'), '1536Mi');
  assert.equal(stored('1536Mi'), '1536Mi');
  assert.equal(stored('512'), '512');
  assert.equal(stored('2048'), '2048');
  assert.equal(stored('1e3'), '1e3');
  assert.equal(stored('0'), '0');
  assert.equal(stored('0.0000000001'), '1n', 'rounded up to nano units');
});

test('parseGoQuantity keeps canonical input as the cached string and int64Amount on the fast path', () => {
  assert.deepEqual(parseGoQuantity('100m'), { i: { value: 100n, scale: -3 }, s: '100m', format: 'DecimalSI' });
  assert.deepEqual(parseGoQuantity('100Mi'), { i: { value: 104857600n, scale: 0 }, s: '100Mi', format: 'BinarySI' });
  assert.deepEqual(parseGoQuantity('128Mi'), { i: { value: 134217728n, scale: 0 }, s: '', format: 'BinarySI' }, '128 & 7 == 0: not reused');
  assert.deepEqual(parseGoQuantity('0.5'), { i: { value: 5n, scale: -1 }, s: '', format: 'DecimalSI' });
  assert.deepEqual(parseGoQuantity('1.5Gi'), { i: { value: 0n, scale: 0 }, dec: { unscaled: 1610612736000000000n, scale: 9 }, s: '', format: 'BinarySI' });
  assert.deepEqual(storedQuantity('0.5'), { i: { value: 500n, scale: -3 }, s: '500m', format: 'DecimalSI' });
});

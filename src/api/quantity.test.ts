/** Tests of quantity parsing and syntax validation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareQuantities, isQuantity, milliValue, parseQuantity, QUANTITY_FORMAT_ERROR } from './quantity.js';

test('parseQuantity understands decimal, binary and exponent suffixes', () => {
  assert.equal(parseQuantity('100m'), 0.1);
  assert.equal(parseQuantity('128Mi'), 128 * 1024 * 1024);
  assert.equal(parseQuantity('1Gi'), 1024 ** 3);
  assert.equal(parseQuantity('0.5'), 0.5);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity('1E-3'), 0.001);
  assert.equal(parseQuantity('2k'), 2000);
  assert.equal(parseQuantity('1M'), 1e6);
  assert.equal(parseQuantity('.5'), 0.5);
  assert.equal(parseQuantity('-1'), -1);
  assert.equal(parseQuantity('+2'), 2);
  assert.equal(parseQuantity(3), 3);
});

test('parseQuantity rejects malformed quantities with the upstream message', () => {
  for (const bad of ['', ' 1', '1 ', '1Kb', 'abc', '1.2.3', 'Mi', '1mi', '1e', '--1']) {
    assert.equal(isQuantity(bad), false, bad);
    assert.throws(() => parseQuantity(bad), { message: QUANTITY_FORMAT_ERROR });
  }
  assert.match(QUANTITY_FORMAT_ERROR, /quantities must match the regular expression/);
});

test('milliValue and compareQuantities treat 1 and 1000m alike', () => {
  assert.equal(milliValue('100m'), 100);
  assert.equal(milliValue('1'), 1000);
  assert.equal(milliValue('0.5'), 500);
  assert.equal(compareQuantities('1', '1000m'), 0);
  assert.equal(compareQuantities('500m', '1'), -1);
  assert.equal(compareQuantities('1Gi', '1G'), 1);
});

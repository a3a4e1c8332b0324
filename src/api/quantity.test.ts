/** Tests of quantity parsing and syntax validation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareQuantities, formatBinarySI, formatDecimalSI, isQuantity, milliValue, parseQuantity, QUANTITY_FORMAT_ERROR } from './quantity.js';

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

test('formatDecimalSI writes nanocores as Quantity.String does', () => {
  assert.equal(formatDecimalSI(1234567, -9), '1234567n');
  assert.equal(formatDecimalSI(1_500_000_000, -9), '1500m');
  assert.equal(formatDecimalSI(2_000_000_000, -9), '2');
  assert.equal(formatDecimalSI(12_000, -9), '12u');
  assert.equal(formatDecimalSI(0, -9), '0');
  assert.equal(formatDecimalSI(3_000_000_000_000, -9), '3k');
  assert.equal(parseQuantity(formatDecimalSI(987654321, -9)), 0.987654321);
});

test('formatBinarySI writes bytes with the largest whole power of 1024, small values as DecimalSI', () => {
  assert.equal(formatBinarySI(3_948_544), '3856Ki');
  assert.equal(formatBinarySI(64 * 1024 * 1024), '64Mi');
  assert.equal(formatBinarySI(1536), '1536');
  assert.equal(formatBinarySI(512), '512');
  assert.equal(formatBinarySI(1000), '1k');
  assert.equal(formatBinarySI(0), '0');
  assert.equal(formatBinarySI(2 ** 30), '1Gi');
});

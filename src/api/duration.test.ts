/** Tests of humanDuration, translateTimestampSince and goDuration against upstream's tables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration, humanDuration, translateTimestampSince } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration matches apimachinery HumanDuration boundaries', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-1.5 * s, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [1 * s, '1s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 5 * s, '2m5s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 30 * m, '3h30m'],
    [8 * h, '8h'],
    [47 * h + 59 * m, '47h'],
    [48 * h, '2d'],
    [2 * d + 5 * h, '2d5h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [2 * 365 * d, '2y'],
    [2 * 365 * d + 10 * d, '2y10d'],
    [8 * 365 * d, '8y'],
    [20 * 365 * d, '20y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('translateTimestampSince reports <unknown> for a missing timestamp and an age otherwise', () => {
  const now = new Date('2024-01-01T00:10:00Z');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince('', now), '<unknown>');
  assert.equal(translateTimestampSince('2024-01-01T00:07:30Z', now), '2m30s');
});

test('goDuration formats like Go time.Duration String', () => {
  assert.equal(goDuration(0), '0s');
  assert.equal(goDuration(0.5), '500ms');
  assert.equal(goDuration(10), '10s');
  assert.equal(goDuration(1.5), '1.5s');
  assert.equal(goDuration(80), '1m20s');
  assert.equal(goDuration(300), '5m0s');
  assert.equal(goDuration(3600), '1h0m0s');
  assert.equal(goDuration(3725), '1h2m5s');
  assert.equal(goDuration(-10), '-10s');
});

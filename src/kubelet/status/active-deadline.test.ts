// activeDeadlineSeconds arithmetic (active_deadline.go pastActiveDeadline).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePod } from '../testing/builders.js';
import { activeDeadlineRemainingMs, pastActiveDeadline } from './active-deadline.js';

const START = '2025-01-01T00:00:00Z';
const t0 = Date.parse(START);

test('pastActiveDeadline is true once activeDeadlineSeconds have passed since startTime', () => {
  const pod = makePod('p', ['a'], { activeDeadlineSeconds: 5 });
  assert.equal(pastActiveDeadline(pod, START, t0 + 4_999), false);
  assert.equal(pastActiveDeadline(pod, START, t0 + 5_000), true);
  assert.equal(activeDeadlineRemainingMs(pod, START, t0 + 1_500), 3_500);
});

test('pastActiveDeadline is false without a deadline or a start time', () => {
  assert.equal(pastActiveDeadline(makePod('p', ['a']), START, t0 + 1e9), false);
  assert.equal(pastActiveDeadline(makePod('p', ['a'], { activeDeadlineSeconds: 1 }), undefined, t0 + 1e9), false);
  assert.equal(activeDeadlineRemainingMs(makePod('p', ['a']), START, t0), undefined);
});

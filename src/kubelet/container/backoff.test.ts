// Tests of the CrashLoopBackOff windows (kuberuntime_manager.go `doBackOff`, pkg/util/flowcontrol backoff).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { goDuration } from '../util/clock.js';
import { Backoff } from './backoff.js';

test('Backoff doubles from 10s to a 5m cap', () => {
  const clock = new FakeClock();
  const b = new Backoff(clock);
  const seen: string[] = [];
  for (let i = 0; i < 8; i++) {
    b.next('k', clock.now());
    seen.push(goDuration(b.get('k')));
  }
  assert.deepEqual(seen, ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s', '5m0s']);
});

test('Backoff is in back-off until the window since the exit has passed', () => {
  const clock = new FakeClock();
  const b = new Backoff(clock);
  const finished = clock.now();
  assert.equal(b.isInBackOffSince('k', finished), false);
  b.next('k', finished);
  clock.advance(9_000);
  assert.equal(b.isInBackOffSince('k', finished), true);
  assert.equal(b.remaining('k', finished), 1_000);
  clock.advance(1_000);
  assert.equal(b.isInBackOffSince('k', finished), false);
});

test('Backoff resets to 10s when more than 10 minutes passed since the last update', () => {
  const clock = new FakeClock();
  const b = new Backoff(clock);
  for (let i = 0; i < 4; i++) b.next('k', clock.now());
  assert.equal(b.get('k'), 80_000);
  clock.advance(601_000);
  b.next('k', clock.now());
  assert.equal(b.get('k'), 10_000);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../api/testing/fake-clock.js';
import { EXPECTATIONS_TIMEOUT_MS, Expectations } from './expectations.js';

test('Expectations are satisfied once every expected creation and deletion was observed, or after the timeout', () => {
  const clock = new FakeClock();
  const e = new Expectations(clock);
  assert.equal(e.satisfied('ns/a'), true, 'nothing expected');
  e.expectCreations('ns/a', 2);
  e.creationObserved('ns/a');
  assert.equal(e.satisfied('ns/a'), false);
  e.creationObserved('ns/a');
  assert.equal(e.satisfied('ns/a'), true);
  e.expectDeletions('ns/a', ['ns/p1', 'ns/p2']);
  e.deletionObserved('ns/a', 'ns/p1');
  e.deletionObserved('ns/a', 'ns/p1');
  e.deletionObserved('ns/a', 'ns/other');
  assert.equal(e.satisfied('ns/a'), false, 'each deletion counts once');
  clock.advance(EXPECTATIONS_TIMEOUT_MS + 1);
  assert.equal(e.satisfied('ns/a'), true, 'expired');
  e.expectCreations('ns/a', 1);
  e.forget('ns/a');
  assert.equal(e.satisfied('ns/a'), true);
});

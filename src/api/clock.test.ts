// The wall clock's sleep and the fake clock's timers and sleeps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from './clock.js';
import { FakeClock } from './testing/fake-clock.js';

test('realClock.sleep resolves at once for an aborted signal and early when the signal aborts', async () => {
  const t0 = Date.now();
  await realClock.sleep(60_000, AbortSignal.abort());
  const abort = new AbortController();
  const slept = realClock.sleep(60_000, abort.signal);
  abort.abort();
  await slept;
  assert.ok(Date.now() - t0 < 5_000);
});

test('FakeClock runs timers and sleeps in due order at their own time during advance', async () => {
  const clock = new FakeClock(1_000);
  const seen: [string, number][] = [];
  clock.schedule(() => seen.push(['b', clock.now()]), 200);
  clock.schedule(() => seen.push(['a', clock.now()]), 100);
  const cancelled = clock.schedule(() => seen.push(['never', clock.now()]), 150);
  clock.cancel(cancelled);
  const slept = clock.sleep(300).then(() => seen.push(['sleep', clock.now()]));
  clock.advance(250);
  assert.deepEqual(seen, [['a', 1_100], ['b', 1_200]]);
  clock.advance(50);
  await slept;
  assert.deepEqual(seen, [['a', 1_100], ['b', 1_200], ['sleep', 1_300]]);
  assert.equal(clock.now(), 1_300);
  assert.equal(clock.pendingTimers(), 0);
});

test('FakeClock.sleep ends early on abort and leaves no timer behind', async () => {
  const clock = new FakeClock(0);
  const abort = new AbortController();
  const slept = clock.sleep(10_000, abort.signal);
  assert.equal(clock.pendingTimers(), 1);
  abort.abort();
  await slept;
  assert.equal(clock.pendingTimers(), 0);
  assert.equal(clock.now(), 0);
});

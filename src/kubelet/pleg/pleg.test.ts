import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRuntime } from '../testing/fake-runtime.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { startPleg } from './pleg.js';

/** Lets the relist started by a timer finish (the fake runtime answers within a few turns of the event loop). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

test('PLEG is healthy after a relist and reports when it was last seen active once the runtime stops answering', async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  runtime.down = true;
  const pleg = startPleg({ runtime, onPodChanged: () => {}, clock, periodMs: 10, relistThresholdMs: 180_000 });
  try {
    await pleg.first;
    assert.equal(pleg.healthy(), 'pleg has yet to be successful');
    runtime.down = false;
    clock.advance(10); // the next relist, on the injected clock
    await settle();
    assert.equal(pleg.healthy(), undefined);
    runtime.down = true;
    clock.advance(185_500);
    await settle();
    assert.equal(pleg.healthy(), 'pleg was last seen active 3m5.5s ago; threshold is 3m0s');
  } finally {
    pleg.stop();
  }
});

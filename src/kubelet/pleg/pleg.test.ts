import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRuntime } from '../testing/fake-runtime.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { startPleg } from './pleg.js';

test('PLEG is healthy after a relist and reports when it was last seen active once the runtime stops answering', async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  runtime.down = true;
  const pleg = startPleg({ runtime, onPodChanged: () => {}, clock, periodMs: 10, relistThresholdMs: 180_000 });
  try {
    await pleg.first;
    assert.equal(pleg.healthy(), 'pleg has yet to be successful');
    runtime.down = false;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(pleg.healthy(), undefined);
    runtime.down = true;
    await new Promise((r) => setTimeout(r, 30));
    clock.advance(185_500);
    assert.equal(pleg.healthy(), 'pleg was last seen active 3m5.5s ago; threshold is 3m0s');
  } finally {
    pleg.stop();
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../api/testing/fake-clock.js';
import { createSyncRunner, type SyncRunnerOptions } from './sync-runner.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A runner on a fake clock recording the (relative) time of each sync start; `gate` holds a sync open. */
function setup(overrides: Partial<SyncRunnerOptions> = {}) {
  const clock = new FakeClock(0);
  const starts: number[] = [];
  const errors: unknown[] = [];
  let release: (() => void) | undefined;
  const state = { hold: false, fail: false };
  const runner = createSyncRunner({
    minIntervalMs: 100,
    maxIntervalMs: 30_000,
    retryDelayMs: 1_000,
    timers: clock,
    onError: (e) => errors.push(e),
    async sync() {
      starts.push(clock.now());
      if (state.hold) await new Promise<void>((r) => (release = r));
      if (state.fail) throw new Error('restore failed');
    },
    ...overrides,
  });
  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await tick();
  };
  return { clock, starts, errors, runner, state, advance, release: () => release?.() };
}

describe('sync runner', () => {
  it('runs a request at once and coalesces the requests made before it starts', async () => {
    const t = setup();
    t.runner.run();
    t.runner.run();
    t.runner.run();
    await t.advance(0);
    assert.deepEqual(t.starts, [0]);
    await t.runner.stop();
  });

  it('starts two runs at least minIntervalMs apart', async () => {
    const t = setup();
    t.runner.run();
    await t.advance(0);
    await t.advance(10);
    t.runner.run();
    await t.advance(50);
    assert.deepEqual(t.starts, [0]);
    await t.advance(40);
    assert.deepEqual(t.starts, [0, 100]);
    await t.runner.stop();
  });

  it('runs once more after a run during which requests came', async () => {
    const t = setup();
    t.state.hold = true;
    t.runner.run();
    await t.advance(0);
    t.runner.run();
    t.runner.run();
    await t.advance(500);
    assert.deepEqual(t.starts, [0]);
    t.state.hold = false;
    t.release();
    await tick();
    await t.advance(0);
    assert.deepEqual(t.starts, [0, 500]);
    await t.advance(10_000);
    assert.deepEqual(t.starts, [0, 500]);
    await t.runner.stop();
  });

  it('runs every maxIntervalMs without requests (the periodic resync)', async () => {
    const t = setup();
    await t.advance(29_999);
    assert.deepEqual(t.starts, []);
    await t.advance(1);
    await t.advance(30_000);
    assert.deepEqual(t.starts, [30_000, 60_000]);
    await t.runner.stop();
  });

  it('reports a failed run and retries it after retryDelayMs', async () => {
    const t = setup();
    t.state.fail = true;
    t.runner.run();
    await t.advance(0);
    assert.equal(t.errors.length, 1);
    t.state.fail = false;
    await t.advance(999);
    assert.deepEqual(t.starts, [0]);
    await t.advance(1);
    assert.deepEqual(t.starts, [0, 1000]);
    assert.equal(t.errors.length, 1);
    await t.runner.stop();
  });

  it('stop waits for the run in progress and nothing runs afterwards', async () => {
    const t = setup();
    t.state.hold = true;
    t.runner.run();
    await t.advance(0);
    let stopped = false;
    const stopping = t.runner.stop().then(() => (stopped = true));
    await tick();
    assert.equal(stopped, false);
    t.release();
    await stopping;
    t.runner.run();
    await t.advance(60_000);
    assert.deepEqual(t.starts, [0]);
    assert.equal(t.clock.pendingTimers(), 0);
  });
});

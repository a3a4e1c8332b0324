import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RESTART_BACKOFF, RestartBackoff } from './supervisor.js';

describe('RestartBackoff', () => {
  it('starts at 1 s and doubles up to 30 s while containerd keeps exiting quickly', () => {
    const b = new RestartBackoff();
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map(() => b.next(500)), [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over at 1 s after containerd ran for the reset period', () => {
    const b = new RestartBackoff();
    b.next(100);
    b.next(100);
    assert.equal(b.next(100), 4_000);
    assert.equal(b.next(DEFAULT_RESTART_BACKOFF.resetAfterMs), 1_000);
    assert.equal(b.next(100), 2_000);
  });

  it('takes its timing from options', () => {
    const b = new RestartBackoff({ initialMs: 10, maxMs: 25, resetAfterMs: 100 });
    assert.deepEqual([b.next(0), b.next(99), b.next(99), b.next(100)], [10, 20, 25, 10]);
  });
});

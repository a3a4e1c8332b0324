/** Tests of --eviction-hard parsing (eviction/thresholds.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_EVICTION_HARD, parseEvictionHard, thresholdQuantity } from './thresholds.js';

describe('parseEvictionHard', () => {
  it("reads upstream's Linux defaults", () => {
    const t = parseEvictionHard(DEFAULT_EVICTION_HARD);
    assert.deepEqual(t.map((x) => x.signal), ['memory.available', 'nodefs.available', 'imagefs.available', 'nodefs.inodesFree', 'imagefs.inodesFree']);
    assert.equal(thresholdQuantity(t[0]!.value, 8 * 1024 ** 3), 100 * 1024 ** 2);
    assert.equal(thresholdQuantity(t[1]!.value, 1000), 100);
    assert.equal(thresholdQuantity(t[3]!.value, 1000), 50);
  });
  it('refuses unknown signals, other operators, bad percentages and duplicates in one line', () => {
    assert.throws(() => parseEvictionHard('memory.free<1Gi'), /^Error: unsupported eviction signal memory.free/);
    assert.throws(() => parseEvictionHard('memory.available>1Gi'), /the only operator is </);
    assert.throws(() => parseEvictionHard('nodefs.available<0%'), /must be > 0% and <= 100%/);
    assert.throws(() => parseEvictionHard('memory.available<1Gi,memory.available<2Gi'), /duplicate eviction threshold for signal memory.available/);
    assert.throws(() => parseEvictionHard('memory.available<lots'), /is not a quantity/);
  });
  it('reads an empty value as no thresholds', () => {
    assert.deepEqual(parseEvictionHard(''), []);
  });
});

/** Tests of `--kubelet-arg` parsing (cli/kubelet-args.ts) and its flag. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKubeletArgs } from './kubelet-args.js';
import { parseServerFlags } from './server-flags.js';

describe('--kubelet-arg', () => {
  it('reads max-pods and eviction-hard, repeated on the command line', () => {
    const f = parseServerFlags(['--kubelet-arg=max-pods=3', '--kubelet-arg', 'eviction-hard=memory.available<1Gi,nodefs.available<5%'], { env: {} });
    assert.equal(f.kubeletArgs.maxPods, 3);
    assert.deepEqual(f.kubeletArgs.evictionHard?.map((t) => t.signal), ['memory.available', 'nodefs.available']);
  });
  it('accepts a leading -- as k3s passes kubelet flags', () => {
    assert.equal(parseKubeletArgs(['--max-pods=7']).maxPods, 7);
  });
  it('refuses unknown keys and bad values in one line', () => {
    assert.throws(() => parseServerFlags(['--kubelet-arg=cpu-manager-policy=static'], { env: {} }), (e: Error) => {
      assert.equal(e.message, 'k1s server: invalid value "cpu-manager-policy=static" for --kubelet-arg: unsupported kubelet arg "cpu-manager-policy": k1s\'s built-in kubelet understands max-pods and eviction-hard');
      return true;
    });
    assert.throws(() => parseKubeletArgs(['max-pods=0']), /max-pods=0: want a positive integer/);
    assert.throws(() => parseKubeletArgs(['max-pods']), /is not KEY=VALUE/);
  });
  it('defaults to no kubelet settings', () => {
    assert.deepEqual(parseServerFlags([], { env: {} }).kubeletArgs, {});
  });
});

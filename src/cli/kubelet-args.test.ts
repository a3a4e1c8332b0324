/** Tests of `--kubelet-arg` parsing (cli/kubelet-args.ts) and its flag. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  it('reads a list under kubelet-arg in the config file, as k3s does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k1s-kubelet-arg-'));
    try {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, 'kubelet-arg:\n  - max-pods=5\n  - eviction-hard=memory.available<200Mi\n');
      const f = parseServerFlags(['--config', file], { env: {} });
      assert.equal(f.kubeletArgs.maxPods, 5);
      assert.deepEqual(f.kubeletArgs.evictionHard, [{ signal: 'memory.available', value: { quantity: 200 * 1024 ** 2, text: '200Mi' } }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('defaults to no kubelet settings', () => {
    assert.deepEqual(parseServerFlags([], { env: {} }).kubeletArgs, {});
  });
});

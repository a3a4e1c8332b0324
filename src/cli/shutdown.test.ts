import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runShutdown } from './shutdown.js';

test('runShutdown stops steps in reverse order and goes on after a failing step', async () => {
  const order: string[] = [];
  const r = await runShutdown([
    { name: 'store', stop: () => void order.push('store') },
    { name: 'api', stop: () => Promise.reject(new Error('boom')) },
    { name: 'kubelet', stop: async () => void order.push('kubelet') },
  ]);
  assert.deepEqual(order, ['kubelet', 'store']);
  assert.deepEqual(r.failed, ['api']);
  assert.deepEqual(r.timedOut, []);
});

test('runShutdown abandons a step that never finishes and still runs the ones after it', async () => {
  const order: string[] = [];
  const r = await runShutdown(
    [
      { name: 'containerd', stop: () => void order.push('containerd') },
      { name: 'kubelet', stop: () => new Promise<void>(() => {}) },
    ],
    { stepTimeoutMs: 50 },
  );
  assert.deepEqual(order, ['containerd']);
  assert.deepEqual(r.timedOut, ['kubelet']);
});

// Without the overall deadline this would wait 3 × 10 s and hit the test's own timeout.
test('runShutdown gives later steps no more than what is left of the overall deadline', { timeout: 5_000 }, async () => {
  const never = (): Promise<void> => new Promise<void>(() => {});
  const r = await runShutdown(
    [
      { name: 'a', stop: never },
      { name: 'b', stop: never },
      { name: 'c', stop: never },
    ],
    { stepTimeoutMs: 10_000, deadlineMs: 120 },
  );
  assert.deepEqual(r.timedOut, ['c', 'b', 'a']);
});

test('armShutdownWatchdog kills a process whose event loop is blocked, and its child first', { timeout: 20_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const shutdownJs = fileURLToPath(new URL('./shutdown.js', import.meta.url));
  // The child starts a grandchild (`sleep`), arms the watchdog for 300 ms, reports the grandchild's pid,
  // then blocks its own event loop for good: only the watchdog's thread can end it.
  const script = `
    import { spawn } from 'node:child_process';
    import { writeSync } from 'node:fs';
    import { armShutdownWatchdog } from ${JSON.stringify(shutdownJs)};
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    await armShutdownWatchdog(300, [sleeper.pid]);
    writeSync(1, String(sleeper.pid) + '\\n');
    setImmediate(() => { for (;;) {} });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  assert.equal(signal, 'SIGKILL');
  const grandchild = Number(out.trim());
  assert.ok(grandchild > 0, `grandchild pid reported: ${out}`);
  // Gone, or a zombie waiting for init to reap it (its parent was killed).
  const { readFileSync } = await import('node:fs');
  const alive = (): boolean => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${grandchild}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(), false, 'the child process was killed too');
});

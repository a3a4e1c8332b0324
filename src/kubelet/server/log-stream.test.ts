// Log follow on a fake clock: polls every pollMs, asks whether the container runs at most once a second, ends after it stopped or on abort.

import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { streamLogFile } from './log-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'log-stream-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Turns the event loop (file reads complete on it) until `cond` holds; throws when it never does. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition not reached');
}

function follow(file: string, clock: FakeClock, running: () => boolean, signal?: AbortSignal): { out: () => string; checks: () => number; done: Promise<void>; finished: () => boolean } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  let checks = 0;
  let finished = false;
  const done = streamLogFile(file, { follow: true, timestamps: false }, out, {
    isRunning: async () => {
      checks++;
      return running();
    },
    pollMs: 200,
    clock,
    ...(signal ? { signal } : {}),
  }).then(() => void (finished = true));
  return { out: () => Buffer.concat(chunks).toString(), checks: () => checks, done, finished: () => finished };
}

test('follow polls on the clock, checks the container once a second, and ends one read after it stopped', async () => {
  const file = join(dir, 'follow.log');
  writeFileSync(file, '2025-01-01T00:00:01Z stdout F one\n');
  const clock = new FakeClock();
  let running = true;
  const f = follow(file, clock, () => running);
  await until(() => clock.pendingTimers() === 1); // asleep after the first read and check
  assert.equal(f.out(), 'one\n');
  assert.equal(f.checks(), 1);
  appendFileSync(file, '2025-01-01T00:00:02Z stdout F two\n');
  clock.advance(200);
  await until(() => clock.pendingTimers() === 1 && f.out() === 'one\ntwo\n');
  for (let t = 400; t < 1000; t += 200) {
    clock.advance(200);
    await until(() => clock.pendingTimers() === 1);
  }
  assert.equal(f.checks(), 1); // 800 ms after the first check: not asked again yet
  clock.advance(200);
  await until(() => f.checks() === 2 && clock.pendingTimers() === 1);
  running = false;
  for (let t = 0; t < 1000; t += 200) {
    assert.equal(f.finished(), false);
    clock.advance(200);
    await until(() => f.finished() || clock.pendingTimers() === 1);
  }
  await f.done;
  assert.equal(f.checks(), 4); // the check that saw it stopped, then one more after the last read
  assert.equal(f.out(), 'one\ntwo\n');
});

test('follow ends at once when the request is aborted, without waiting for the clock', async () => {
  const file = join(dir, 'abort.log');
  writeFileSync(file, '');
  const clock = new FakeClock();
  const abort = new AbortController();
  const f = follow(file, clock, () => true, abort.signal);
  await until(() => clock.pendingTimers() === 1);
  abort.abort();
  await f.done;
  assert.equal(clock.pendingTimers(), 0);
  assert.equal(f.out(), '');
});

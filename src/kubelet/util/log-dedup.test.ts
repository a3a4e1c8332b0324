import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { dedupingLog } from './log-dedup.js';

test('dedupingLog prints a repeated message once, then its count at the end of the window', () => {
  const clock = new FakeClock();
  const lines: string[] = [];
  const log = dedupingLog((m) => lines.push(m), { timers: clock, windowMs: 60_000 });
  for (let i = 0; i < 30; i++) {
    log('PLEG relist: connect ECONNREFUSED');
    clock.advance(1_000);
  }
  log('node status: conflict');
  assert.deepEqual(lines, ['PLEG relist: connect ECONNREFUSED', 'node status: conflict']);
  clock.advance(30_000);
  assert.deepEqual(lines.slice(2), ['PLEG relist: connect ECONNREFUSED (repeated 29 times in the last 1m0s)']);
  log('PLEG relist: connect ECONNREFUSED');
  assert.equal(lines.at(-1), 'PLEG relist: connect ECONNREFUSED');
});

test('dedupingLog prints nothing more for a message that was not repeated, and flush reports pending counts', () => {
  const clock = new FakeClock();
  const lines: string[] = [];
  const log = dedupingLog((m) => lines.push(m), { timers: clock, windowMs: 10_000 });
  log('once');
  log('twice');
  log('twice');
  clock.advance(10_000);
  assert.deepEqual(lines, ['once', 'twice', 'twice (repeated 1 times in the last 10s)']);
  log('again');
  log('again');
  log.flush();
  assert.deepEqual(lines.slice(3), ['again', 'again (repeated 1 times in the last 10s)']);
});

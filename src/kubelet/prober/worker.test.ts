// ProbeWorker on a fake clock: initial delay and period, success/failure thresholds, startup gating, stop.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Probe } from '../../api/types.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { container, makePod } from '../testing/builders.js';
import { ResultsManager, type Result } from './results/results-manager.js';
import { ProbeWorker, type ProbeType } from './worker.js';

/** Lets a run the clock started finish (its scripted answer is a resolved promise). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/**
 * Fires what is due now, then moves the clock in 1 s steps, letting each run finish before the next step (so a
 * run due at a step's end also completes at that time and its next period counts from there).
 */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  clock.advance(0);
  await settle();
  for (let t = 0; t < ms; t += 1000) {
    clock.advance(Math.min(1000, ms - t));
    await settle();
  }
}

interface Harness {
  clock: FakeClock;
  worker: ProbeWorker;
  results: ResultsManager;
  startupResults: ResultsManager;
  /** Fake-clock times of each run, ms after t0. */
  runs: number[];
  /** What the next runs answer, in order; 'success' once empty. */
  script: Result[];
  unhealthy: string[];
  changes: number;
  t0: number;
}

function harness(type: ProbeType, probe: Probe, opts: { startedAgoMs?: number; startupProbe?: boolean } = {}): Harness {
  const clock = new FakeClock();
  const t0 = clock.now();
  const c = container('app', opts.startupProbe ? { startupProbe: { exec: { command: ['true'] } } } : {});
  const h: Harness = { clock, t0, runs: [], script: [], unhealthy: [], changes: 0, results: new ResultsManager(), startupResults: new ResultsManager(), worker: undefined as unknown as ProbeWorker };
  h.worker = new ProbeWorker({
    type,
    pod: makePod('p', ['app']),
    container: c,
    probe,
    containerId: 'c1',
    startedAt: t0 - (opts.startedAgoMs ?? 0),
    clock,
    results: h.results,
    startupResults: h.startupResults,
    run: async () => {
      h.runs.push(clock.now() - t0);
      const r = h.script.shift() ?? 'success';
      return [r, r === 'failure' ? 'boom\n' : ''];
    },
    unhealthy: (m) => h.unhealthy.push(m),
    onChange: () => h.changes++,
  });
  return h;
}

const exec = { exec: { command: ['check'] } };

test('a worker first probes initialDelaySeconds after the container started, then every periodSeconds', async () => {
  const h = harness('readiness', { ...exec, initialDelaySeconds: 5, periodSeconds: 3 });
  h.worker.start();
  await advance(h.clock, 12_000);
  assert.deepEqual(h.runs, [5_000, 8_000, 11_000]);
  h.worker.stop();
});

test('a worker counts initialDelaySeconds from startedAt, not from its own start', async () => {
  const h = harness('readiness', { ...exec, initialDelaySeconds: 5, periodSeconds: 10 }, { startedAgoMs: 3_000 });
  h.worker.start();
  await advance(h.clock, 13_000);
  assert.deepEqual(h.runs, [2_000, 12_000]);
  h.worker.stop();
});

test('a worker with no initial delay probes at once and every 10 s by default', async () => {
  const h = harness('readiness', exec);
  h.worker.start();
  await settle();
  assert.deepEqual(h.runs, []);
  await advance(h.clock, 20_000);
  assert.deepEqual(h.runs, [0, 10_000, 20_000]);
  h.worker.stop();
});

test('readiness starts failed and turns success only after successThreshold consecutive successes', async () => {
  const h = harness('readiness', { ...exec, periodSeconds: 1, successThreshold: 3 });
  h.worker.start();
  assert.equal(h.results.get('c1'), 'failure');
  h.script.push('success', 'success', 'failure', 'success', 'success');
  await advance(h.clock, 4_000); // runs at 0..4 s: S S F S S
  assert.equal(h.results.get('c1'), 'failure');
  assert.equal(h.changes, 0);
  await advance(h.clock, 1_000); // the third success in a row
  assert.deepEqual(h.runs, [0, 1_000, 2_000, 3_000, 4_000, 5_000]);
  assert.equal(h.results.get('c1'), 'success');
  assert.equal(h.changes, 1);
  h.worker.stop();
});

test('readiness turns failure only after failureThreshold consecutive failures, and back on one success', async () => {
  const h = harness('readiness', { ...exec, periodSeconds: 1, failureThreshold: 2 });
  h.worker.start();
  h.script.push('success', 'failure', 'success', 'failure');
  await advance(h.clock, 3_000); // runs at 0..3 s: S F S F, never two failures in a row
  assert.equal(h.results.get('c1'), 'success');
  assert.equal(h.changes, 1);
  h.script.push('failure');
  await advance(h.clock, 1_000);
  assert.equal(h.results.get('c1'), 'failure');
  await advance(h.clock, 1_000);
  assert.equal(h.results.get('c1'), 'success');
  assert.deepEqual(h.runs, [0, 1_000, 2_000, 3_000, 4_000, 5_000]);
  assert.equal(h.changes, 3);
  assert.deepEqual(h.unhealthy, ['Readiness probe failed: boom', 'Readiness probe failed: boom', 'Readiness probe failed: boom']);
  h.worker.stop();
});

test('liveness starts success, fails after the default 3 failures and then stops probing', async () => {
  const h = harness('liveness', { ...exec, periodSeconds: 1 });
  h.worker.start();
  assert.equal(h.results.get('c1'), 'success');
  h.script.push('failure', 'failure', 'failure', 'failure');
  await advance(h.clock, 1_000);
  assert.equal(h.results.get('c1'), 'success');
  await advance(h.clock, 5_000);
  assert.equal(h.results.get('c1'), 'failure');
  assert.deepEqual(h.runs, [0, 1_000, 2_000]);
  assert.equal(h.changes, 1);
  assert.deepEqual(h.unhealthy, ['Liveness probe failed: boom', 'Liveness probe failed: boom', 'Liveness probe failed: boom']);
  h.worker.stop();
});

test('a startup probe starts unknown and stops probing once it has a result', async () => {
  const h = harness('startup', { ...exec, periodSeconds: 1, failureThreshold: 30 });
  h.worker.start();
  assert.equal(h.results.get('c1'), undefined);
  h.script.push('failure', 'failure');
  await advance(h.clock, 1_000);
  assert.equal(h.results.get('c1'), undefined);
  await advance(h.clock, 5_000);
  assert.equal(h.results.get('c1'), 'success');
  assert.deepEqual(h.runs, [0, 1_000, 2_000]);
  assert.equal(h.changes, 1);
  h.worker.stop();
});

test('liveness and readiness do not probe until the container startup probe succeeded', async () => {
  for (const type of ['liveness', 'readiness'] as const) {
    const h = harness(type, { ...exec, periodSeconds: 1 }, { startupProbe: true });
    h.worker.start();
    await advance(h.clock, 5_000);
    assert.deepEqual(h.runs, [], type);
    h.startupResults.set('c1', 'failure');
    await advance(h.clock, 2_000);
    assert.deepEqual(h.runs, [], type);
    h.startupResults.set('c1', 'success');
    await advance(h.clock, 2_000);
    // The period kept ticking while gated (rounds at 0..7 s skipped): the first round after startup succeeded runs.
    assert.deepEqual(h.runs, [8_000, 9_000], type);
    h.worker.stop();
  }
});

test('a stopped worker runs no more, drops its result and ignores a run in flight', async () => {
  const h = harness('readiness', { ...exec, periodSeconds: 1 });
  let release: (r: [Result, string]) => void = () => {};
  const slow = new ProbeWorker({
    type: 'readiness',
    pod: makePod('p', ['app']),
    container: container('app'),
    probe: { ...exec, periodSeconds: 1 },
    containerId: 'c2',
    startedAt: h.t0,
    clock: h.clock,
    results: h.results,
    startupResults: h.startupResults,
    run: () => new Promise((resolve) => (release = resolve)),
    unhealthy: (m) => h.unhealthy.push(m),
    onChange: () => h.changes++,
  });
  h.worker.start();
  slow.start();
  h.clock.advance(0);
  await settle();
  assert.equal(h.results.get('c1'), 'success');
  h.worker.stop();
  slow.stop();
  release(['success', '']);
  await advance(h.clock, 5_000);
  assert.deepEqual(h.runs, [0]);
  assert.equal(h.results.get('c1'), undefined);
  assert.equal(h.results.get('c2'), undefined);
  assert.equal(h.changes, 1);
  assert.equal(h.clock.pendingTimers(), 0);
});

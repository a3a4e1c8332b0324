// EventCorrelator on a fake clock: counting identical events, aggregating similar ones, and the per-object spam filter.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event } from '../api/types.js';
import { FakeClock } from '../api/testing/fake-clock.js';
import { rfc3339 } from '../kubelet/util/clock.js';
import { EventCorrelator, TokenBucket, type CorrelateResult } from './event-correlator.js';

let seq = 0;
function ev(clock: FakeClock, reason: string, message: string, pod = 'p'): Event {
  const now = rfc3339(clock.now());
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod}.${++seq}`, namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: pod, uid: `uid-${pod}`, apiVersion: 'v1' },
    reason,
    message,
    type: 'Warning',
    source: { component: 'kubelet', host: 'node1' },
    reportingComponent: 'kubelet',
    reportingInstance: 'node1',
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}

/** Correlates and, like the recorder, reports the written copy back. */
function record(c: EventCorrelator, e: Event): CorrelateResult {
  const r = c.correlate(e);
  if (!r.skip) c.updateState({ ...r.event, metadata: { ...r.event.metadata, resourceVersion: String(++seq) } });
  return r;
}

test('EventCorrelator turns a repeated identical event into a patch of the first with count+1 and a new lastTimestamp', () => {
  const clock = new FakeClock();
  const c = new EventCorrelator(clock);
  const first = record(c, ev(clock, 'BackOff', 'back-off'));
  assert.equal(first.skip, false);
  assert.ok(!first.skip && first.patch === undefined);
  const name = !first.skip ? first.event.metadata.name : '';
  clock.advance(10_000);
  const second = record(c, ev(clock, 'BackOff', 'back-off'));
  assert.ok(!second.skip);
  assert.equal(second.event.metadata.name, name);
  assert.deepEqual(second.patch, { count: 2, lastTimestamp: rfc3339(clock.now()), message: 'back-off' });
  assert.equal(second.event.firstTimestamp, rfc3339(clock.now() - 10_000));
  const third = record(c, ev(clock, 'BackOff', 'back-off'));
  assert.ok(!third.skip);
  assert.equal(third.patch?.count, 3);
});

test('EventCorrelator combines the 10th and later similar events (same reason, new messages) within 10 minutes into one aggregate event', () => {
  const clock = new FakeClock();
  const c = new EventCorrelator(clock);
  const results: CorrelateResult[] = [];
  for (let i = 0; i < 15; i++) {
    results.push(record(c, ev(clock, 'Failed', `Error: container ${i}`)));
    clock.advance(1_000);
  }
  const created = results.filter((r) => !r.skip && !r.patch);
  const patched = results.filter((r) => !r.skip && r.patch);
  assert.equal(created.length, 10, '9 distinct events, then one aggregate');
  assert.ok(!created[9]!.skip);
  assert.equal(created[9]!.event.message, '(combined from similar events): Error: container 9');
  assert.equal(patched.length, 5);
  const last = results[14]!;
  assert.ok(!last.skip);
  assert.equal(last.event.metadata.name, !created[9]!.skip ? created[9]!.event.metadata.name : '');
  assert.deepEqual(last.patch, { count: 6, lastTimestamp: rfc3339(clock.now() - 1_000), message: '(combined from similar events): Error: container 14' });
});

test('EventCorrelator starts aggregation over when similar events are more than 10 minutes apart', () => {
  const clock = new FakeClock();
  const c = new EventCorrelator(clock);
  const messages: string[] = [];
  for (let i = 0; i < 12; i++) {
    const r = record(c, ev(clock, 'Failed', `m${i}`));
    if (!r.skip) messages.push(r.event.message ?? '');
    clock.advance(601_000);
  }
  assert.deepEqual(messages, Array.from({ length: 12 }, (_, i) => `m${i}`));
});

test('EventCorrelator drops events of one object beyond a burst of 25, then lets one through every 5 minutes', () => {
  const clock = new FakeClock();
  const c = new EventCorrelator(clock);
  let written = 0;
  for (let i = 0; i < 100; i++) if (!record(c, ev(clock, 'BackOff', 'same')).skip) written++;
  assert.equal(written, 25);
  clock.advance(299_000);
  assert.equal(record(c, ev(clock, 'BackOff', 'same')).skip, true);
  clock.advance(1_000);
  const r = record(c, ev(clock, 'BackOff', 'same'));
  assert.ok(!r.skip);
  assert.equal(r.patch?.count, 102, 'dropped occurrences still count');
  assert.equal(record(c, ev(clock, 'BackOff', 'same')).skip, true);
  assert.equal(record(c, ev(clock, 'BackOff', 'same', 'other-pod')).skip, false, 'another object has its own bucket');
});

test('TokenBucket refills to at most its burst', () => {
  const clock = new FakeClock();
  const b = new TokenBucket(1 / 1000, 2, clock);
  assert.equal(b.tryAccept(), true);
  assert.equal(b.tryAccept(), true);
  assert.equal(b.tryAccept(), false);
  clock.advance(60_000);
  assert.equal(b.tryAccept(), true);
  assert.equal(b.tryAccept(), true);
  assert.equal(b.tryAccept(), false);
});

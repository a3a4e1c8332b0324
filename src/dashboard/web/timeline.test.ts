import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTimeline, eventContainer, History } from './timeline.js';

const T = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number): string => new Date(T + s * 1000).toISOString().replace('.000', '');

test('buildTimeline draws init containers completed in order, then the app container waiting PodInitializing and running', () => {
  const pod = {
    metadata: { creationTimestamp: at(0) },
    spec: { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'app' }] },
    status: {
      startTime: at(0),
      initContainerStatuses: [
        { name: 'a', restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0, startedAt: at(1), finishedAt: at(3) } } },
        { name: 'b', restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0, startedAt: at(4), finishedAt: at(6) } } },
      ],
      containerStatuses: [{ name: 'app', restartCount: 0, state: { running: { startedAt: at(7) } } }],
    },
  };
  const h = new History();
  h.observe(pod, T + 10_000);
  const tl = buildTimeline(pod, [], h, T + 10_000);
  assert.deepEqual(tl.rows.map((r) => [r.name, r.kind]), [['a', 'init'], ['b', 'init'], ['app', 'app']]);
  assert.deepEqual(tl.rows[1]!.segments.map((s) => [s.state, s.reason, (s.from - T) / 1000, (s.to - T) / 1000]), [['waiting', 'PodInitializing', 0, 4], ['running', '', 4, 6], ['terminated', 'Completed', 6, 10]]);
  assert.deepEqual(tl.rows[2]!.segments.map((s) => [s.state, (s.from - T) / 1000, (s.to - T) / 1000]), [['waiting', 0, 7], ['running', 7, 10]]);
});

test('History keeps every run of a crash-looping container seen across watch updates; the last gap is the current back-off', () => {
  const status = (restarts: number, lastStart: number, state: unknown) => ({
    metadata: { creationTimestamp: at(0) },
    spec: { containers: [{ name: 'c' }] },
    status: { containerStatuses: [{ name: 'c', restartCount: restarts, lastState: { terminated: { reason: 'Error', exitCode: 3, startedAt: at(lastStart), finishedAt: at(lastStart + 1) } }, state }] },
  });
  const h = new History();
  h.observe(status(1, 1, { running: { startedAt: at(12) } }), T + 12_500);
  const last = status(2, 12, { waiting: { reason: 'CrashLoopBackOff' } });
  h.observe(last, T + 14_000);
  const row = buildTimeline(last, [], h, T + 20_000).rows[0]!;
  assert.equal(row.restarts, 2);
  assert.deepEqual(row.segments.map((s) => [s.state, s.reason, s.exitCode]), [['waiting', 'ContainerCreating', undefined], ['running', '', undefined], ['terminated', 'Error', 3], ['running', '', undefined], ['waiting', 'CrashLoopBackOff', 3]]);
  assert.deepEqual(row.restartMarks, [T + 12_000]);
});

test("events land on their container's row (probe failures marked) or the pod's", () => {
  const pod = { metadata: { creationTimestamp: at(0) }, spec: { containers: [{ name: 'web' }] }, status: {} };
  const events = [
    { reason: 'Scheduled', type: 'Normal', message: 'assigned', involvedObject: { kind: 'Pod' }, lastTimestamp: at(1) },
    { reason: 'Unhealthy', type: 'Warning', message: 'Liveness probe failed', count: 3, involvedObject: { kind: 'Pod', fieldPath: 'spec.containers{web}' }, lastTimestamp: at(5) },
  ];
  const tl = buildTimeline(pod, events, new History(), T + 6000);
  assert.deepEqual(tl.podMarks.map((m) => m.reason), ['Scheduled']);
  assert.deepEqual(tl.rows[0]!.marks.map((m) => [m.reason, m.probe, m.count]), [['Unhealthy', true, 3]]);
  assert.equal(eventContainer({ involvedObject: { fieldPath: 'spec.initContainers{init-a}' } }), 'init-a');
});

/** Tests of the events strategy's printing, selectable fields and validation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError } from '../api/errors.js';
import type { Event } from '../api/types.js';
import { eventSelectableFields, eventStrategy } from './events.js';

const now = new Date('2024-01-01T00:10:00Z');

function ev(extra: Partial<Event> = {}): Event {
  return {
    metadata: { name: 'web.17a', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    message: 'Successfully pulled image "busybox"\n',
    source: { component: 'kubelet', host: 'n1' },
    firstTimestamp: '2024-01-01T00:00:00Z',
    lastTimestamp: '2024-01-01T00:08:00Z',
    count: 3,
    type: 'Normal',
    ...extra,
  };
}

test('event table prints LAST SEEN TYPE REASON OBJECT MESSAGE and wide columns', () => {
  assert.deepEqual(eventStrategy.table?.cells(ev(), now), [
    '2m', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, n1', 'Successfully pulled image "busybox"', '10m', 3, 'web.17a',
  ]);
  assert.deepEqual(
    eventStrategy.table?.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name),
    ['Last Seen', 'Type', 'Reason', 'Object', 'Message'],
  );
});

test('event table falls back to firstTimestamp and count 1', () => {
  const e = ev({ count: 0 });
  delete e.lastTimestamp;
  const cells = eventStrategy.table?.cells(e, now);
  assert.equal(cells?.[0], '10m');
  assert.equal(cells?.[8], 1);
});

test('event selectable fields cover involvedObject, reason, source and type', () => {
  const f = eventSelectableFields(ev());
  assert.equal(f['involvedObject.name'], 'web');
  assert.equal(f['involvedObject.kind'], 'Pod');
  assert.equal(f['involvedObject.uid'], 'u1');
  assert.equal(f['source'], 'kubelet');
  assert.equal(f['type'], 'Normal');
  assert.equal(f['reason'], 'Pulled');
});

test('event validation requires the involved object namespace to match', () => {
  assert.deepEqual(eventStrategy.validate(ev()), []);
  const bad = ev({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'web' } });
  assert.deepEqual(eventStrategy.validate(bad).map(formatFieldError), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
});

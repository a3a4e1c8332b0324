import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internalError } from '../api/errors.js';
import type { Event } from '../api/types.js';
import { FakeClock } from '../api/testing/fake-clock.js';
import { FakeApi } from '../controllers/testing/fake-api.js';
import { createEventRecorder } from './event-recorder.js';

test('createEventRecorder writes an Event about any object, and a repeat counts onto the first one', async () => {
  const api = new FakeApi();
  const clock = new FakeClock(Date.parse('2025-03-01T10:00:00Z'));
  const rec = createEventRecorder({ client: api, component: 'deployment-controller', clock });
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team', uid: 'u1', resourceVersion: '7' } };
  rec.event(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-abc from 0 to 1');
  await rec.flush();
  const [ev] = api.all<Event>('/api/v1/namespaces/team/events');
  assert.deepEqual(ev!.involvedObject, { kind: 'Deployment', namespace: 'team', name: 'web', uid: 'u1', apiVersion: 'apps/v1', resourceVersion: '7' });
  assert.deepEqual(ev!.source, { component: 'deployment-controller' });
  assert.equal(ev!.reportingComponent, 'deployment-controller');
  assert.equal(ev!.count, 1);
  assert.equal(ev!.firstTimestamp, '2025-03-01T10:00:00Z');
  assert.match(ev!.metadata.name!, /^web\.[0-9a-f]+$/);
  clock.advance(5000);
  rec.event(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-abc from 0 to 1');
  await rec.flush();
  const all = api.all<Event>('/api/v1/namespaces/team/events');
  assert.equal(all.length, 1);
  assert.equal(all[0]!.count, 2);
  assert.equal(all[0]!.lastTimestamp, '2025-03-01T10:00:05Z');
});

test('createEventRecorder reports write failures to onError and never throws', async () => {
  const api = new FakeApi();
  api.beforeRequest = (verb, path) => {
    if (verb === 'POST' && path.endsWith('/events')) throw internalError('boom');
  };
  const errors: unknown[] = [];
  const rec = createEventRecorder({ client: api, component: 'replicaset-controller', onError: (e) => errors.push(e) });
  rec.event({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default', uid: 'u' } }, 'Normal', 'SuccessfulCreate', 'Created pod: web-x');
  await rec.flush();
  assert.equal(errors.length, 1);
  assert.match((errors[0] as Error).message, /SuccessfulCreate for ReplicaSet default\/web: Internal error occurred: boom/);
});

test('createEventRecorder names the kind of an object that lacks it', async () => {
  const api = new FakeApi();
  const rec = createEventRecorder({ client: api, component: 'replicaset-controller', kind: { apiVersion: 'apps/v1', kind: 'ReplicaSet' } });
  rec.event({ metadata: { name: 'web-1', namespace: 'default', uid: 'u' } }, 'Normal', 'SuccessfulDelete', 'Deleted pod: web-1-x');
  await rec.flush();
  const [ev] = api.all<Event>('/api/v1/namespaces/default/events');
  assert.equal(ev!.involvedObject.kind, 'ReplicaSet');
  assert.equal(ev!.involvedObject.apiVersion, 'apps/v1');
});

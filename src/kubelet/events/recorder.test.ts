// Tests of the kubelet's event recorder: the shared client recorder with source {kubelet, node} about pods and containers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event, Pod } from '../../api/types.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { FakeApi } from '../testing/fake-api.js';
import { containerFieldPath, createEventRecorder } from './recorder.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'team', uid: 'u1', resourceVersion: '4' },
  spec: { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'busybox' }] },
};

test('the kubelet recorder writes Events about a pod container with source {kubelet, node} and counts a repeat', async () => {
  const api = new FakeApi();
  const clock = new FakeClock(Date.parse('2025-03-01T10:00:00Z'));
  const rec = createEventRecorder(api, { component: 'kubelet', host: 'n1' }, clock);
  rec.event(pod, 'Normal', 'Pulled', 'Container image "busybox" already present on machine', containerFieldPath(pod, 'init'));
  await rec.flush();
  const [ev] = [...api.objects.values()] as Event[];
  assert.deepEqual(ev!.involvedObject, { kind: 'Pod', namespace: 'team', name: 'web', uid: 'u1', apiVersion: 'v1', resourceVersion: '4', fieldPath: 'spec.initContainers{init}' });
  assert.deepEqual(ev!.source, { component: 'kubelet', host: 'n1' });
  assert.deepEqual([ev!.reportingComponent, ev!.reportingInstance], ['kubelet', 'n1']);
  assert.deepEqual([ev!.metadata.namespace, ev!.firstTimestamp, ev!.count], ['team', '2025-03-01T10:00:00Z', 1]);
  assert.match(ev!.metadata.name ?? '', /^web\.[0-9a-f]+$/);
  clock.advance(3000);
  rec.event(pod, 'Normal', 'Pulled', 'Container image "busybox" already present on machine', containerFieldPath(pod, 'init'));
  await rec.flush();
  const all = [...api.objects.values()] as Event[];
  assert.equal(all.length, 1);
  assert.deepEqual([all[0]!.count, all[0]!.lastTimestamp], [2, '2025-03-01T10:00:03Z']);
});

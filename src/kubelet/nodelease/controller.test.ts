/** Tests of the kubelet's node lease on the fake clock: creation with owner, renewal period, re-creation, conflicts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lease } from '../../api/coordination.js';
import type { Node } from '../../api/types.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { FakeApi } from '../testing/fake-api.js';
import { startNodeLease } from './controller.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise(setImmediate);
};

function setup(): { api: FakeApi; clock: FakeClock; nodeUid: string } {
  const api = new FakeApi();
  const node = api.seed<Node>('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });
  return { api, clock: new FakeClock(Date.parse('2025-01-01T00:00:00.250Z')), nodeUid: node.metadata.uid ?? '' };
}

const stored = (api: FakeApi): Lease | undefined => api.find<Lease>('leases', 'kube-node-lease', 'node1');

test('the first renewal creates the lease: holder the node, 40 s, renewTime in microseconds, owned by the Node', async () => {
  const { api, clock, nodeUid } = setup();
  const lease = startNodeLease({ client: api, nodeName: 'node1', clock, timers: clock });
  await lease.first;
  const got = stored(api);
  assert.deepEqual(got?.spec, { holderIdentity: 'node1', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.250000Z' });
  assert.deepEqual(got?.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node1', uid: nodeUid }]);
  assert.deepEqual(api.calls, ['POST leases node1']);
  lease.stop();
});

test('the lease is renewed every 10 s and not before', async () => {
  const { api, clock } = setup();
  const lease = startNodeLease({ client: api, nodeName: 'node1', clock, timers: clock });
  await lease.first;
  clock.advance(9_999);
  await flush();
  assert.equal(stored(api)?.spec?.renewTime, '2025-01-01T00:00:00.250000Z');
  clock.advance(1);
  await flush();
  assert.equal(stored(api)?.spec?.renewTime, '2025-01-01T00:00:10.250000Z');
  clock.advance(10_000);
  await flush();
  assert.equal(stored(api)?.spec?.renewTime, '2025-01-01T00:00:20.250000Z');
  assert.deepEqual(api.calls, ['POST leases node1', 'PUT leases node1', 'PUT leases node1']);
  lease.stop();
  clock.advance(60_000);
  await flush();
  assert.equal(api.calls.length, 3);
});

test('a deleted lease is created again; a lease changed by someone else is re-read and renewed', async () => {
  const { api, clock, nodeUid } = setup();
  const lease = startNodeLease({ client: api, nodeName: 'node1', clock, timers: clock });
  await lease.first;
  await api.delete('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node1');
  clock.advance(10_000);
  await flush();
  assert.equal(stored(api)?.spec?.renewTime, '2025-01-01T00:00:10.250000Z');
  const other = stored(api);
  assert.ok(other);
  other.metadata.labels = { touched: 'yes' };
  api.put('leases', other);
  clock.advance(10_000);
  await flush();
  const got = stored(api);
  assert.equal(got?.spec?.renewTime, '2025-01-01T00:00:20.250000Z');
  assert.deepEqual(got?.metadata.labels, { touched: 'yes' });
  assert.deepEqual(got?.metadata.ownerReferences?.map((o) => o.uid), [nodeUid]);
  lease.stop();
});

test('a missing Node leaves the owner unset until a later renewal finds it', async () => {
  const api = new FakeApi();
  const clock = new FakeClock();
  const logs: string[] = [];
  const lease = startNodeLease({ client: api, nodeName: 'node1', clock, timers: clock, log: (m) => logs.push(m) });
  await lease.first;
  assert.equal(stored(api)?.metadata.ownerReferences, undefined);
  assert.match(logs[0] ?? '', /^node lease: cannot set the owner reference to node node1: /);
  const node = api.seed<Node>('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });
  clock.advance(10_000);
  await flush();
  assert.deepEqual(stored(api)?.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node1', uid: node.metadata.uid }]);
  lease.stop();
});

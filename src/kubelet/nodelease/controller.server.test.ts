/**
 * The kubelet's node lease against the real API server: the Lease in kube-node-lease as kube-apiserver stores it
 * (renewTime with 6 fractional digits, the Node as owner), renewed, and printed by kubectl.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';
import type { Lease } from '../../api/coordination.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import type { Node } from '../../api/types.js';
import { createApiClient, type RestClient } from '../../client/rest-client.js';
import { startNodeLease } from './controller.js';

describe('node lease with the API server', () => {
  let t: TestServer;
  let client: RestClient;
  before(async () => {
    t = await startTestServer();
    client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
  });
  after(async () => {
    client.close();
    await t.close();
  });

  it('creates and renews node1\'s Lease owned by its Node', async () => {
    const node = await client.create<Node>('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });
    const clock = new FakeClock(Date.parse('2025-01-01T00:00:00.123Z'));
    const lease = startNodeLease({ client, nodeName: 'node1', clock, timers: clock });
    await lease.first;
    const path = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node1';
    let got = await client.get<Lease>(path);
    assert.deepEqual(got.spec, { holderIdentity: 'node1', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.123000Z' });
    assert.deepEqual(got.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node1', uid: node.metadata.uid }]);
    const rv = got.metadata.resourceVersion;
    clock.advance(10_000);
    for (let i = 0; i < 100 && got.metadata.resourceVersion === rv; i++) {
      await new Promise((r) => setTimeout(r, 10));
      got = await client.get<Lease>(path);
    }
    assert.equal(got.spec?.renewTime, '2025-01-01T00:00:10.123000Z');
    lease.stop();
    const r = await t.kubectl(['get', 'leases', '-n', 'kube-node-lease']);
    assert.match(r.stdout, /^NAME\s+HOLDER\s+AGE\nnode1\s+node1\s+\S+\n$/);
  });
});

describe('node lease as the kubelet, under Node,RBAC authorization', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(undefined, { access: true });
  });
  after(async () => t.close());

  it('system:node:node1 may create and renew its lease', async () => {
    const kubelet = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.kubeletClient.certPem, keyPem: t.pki.kubeletClient.keyPem });
    try {
      const node = await kubelet.create<Node>('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });
      const clock = new FakeClock();
      const logs: string[] = [];
      const lease = startNodeLease({ client: kubelet, nodeName: 'node1', clock, timers: clock, log: (m) => logs.push(m) });
      await lease.first;
      clock.advance(10_000);
      const path = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node1';
      let got = await kubelet.get<Lease>(path);
      for (let i = 0; i < 100 && got.spec?.renewTime !== '2025-01-01T00:00:10.000000Z'; i++) {
        await new Promise((r) => setTimeout(r, 10));
        got = await kubelet.get<Lease>(path);
      }
      lease.stop();
      assert.deepEqual(logs, []);
      assert.equal(got.spec?.renewTime, '2025-01-01T00:00:10.000000Z');
      assert.equal(got.metadata.ownerReferences?.[0]?.uid, node.metadata.uid);
    } finally {
      kubelet.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';
import { createApiClient, type RestClient } from '../../client/rest-client.js';
import { startSystemServicesController, type SystemServicesController } from './controller.js';

async function eventually(what: string, fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('system-services controller against the API server and kubectl', () => {
  let t: TestServer;
  let client: RestClient;
  let controller: SystemServicesController;
  before(async () => {
    t = await startTestServer();
    client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    controller = startSystemServicesController({ client, apiServiceIP: '10.43.0.1', apiAddress: '10.42.0.1', apiPort: 6443, dnsServiceIP: '10.43.0.10', dnsAddress: '10.42.0.1', retryDelayMs: 50 });
  });
  after(async () => {
    await controller.stop();
    client.close();
    await t.close();
  });

  it('creates the kubernetes and kube-dns Services with their endpoints, as kubectl shows them', async () => {
    await eventually('both services', async () => (await t.kubectl(['get', 'svc', '-A', '--no-headers'])).stdout.split('\n').filter(Boolean).length === 2);
    const svc = await t.kubectl(['get', 'svc', '-A']);
    assert.match(svc.stdout, /default\s+kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443\/TCP\s+/);
    assert.match(svc.stdout, /kube-system\s+kube-dns\s+ClusterIP\s+10\.43\.0\.10\s+<none>\s+53\/UDP,53\/TCP\s+/);
    await eventually('endpoints', async () => (await t.kubectl(['get', 'endpoints', 'kubernetes'])).stdout.includes('10.42.0.1:6443'));
    const slices = await t.kubectl(['get', 'endpointslices', '-n', 'kube-system']);
    assert.match(slices.stdout, /kube-dns\s+IPv4\s+53,53\s+10\.42\.0\.1\s+/);
    const info = await t.kubectl(['cluster-info']);
    assert.match(info.stdout, /Kubernetes control plane.* is running at .*https:\/\/127\.0\.0\.1:\d+/);
    assert.match(info.stdout, /CoreDNS.* is running at .*\/api\/v1\/namespaces\/kube-system\/services\/kube-dns:dns\/proxy/);
  });

  it('re-creates a deleted kubernetes Service and repairs its Endpoints', async () => {
    await t.kubectl(['delete', 'svc', 'kubernetes']);
    await eventually('kubernetes service back', async () => (await t.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).stdout === '10.43.0.1');
    const r = await t.kubectl(['patch', 'endpoints', 'kubernetes', '--type=merge', '-p', '{"subsets":[{"addresses":[{"ip":"10.9.9.9"}],"ports":[{"name":"https","port":1}]}]}']);
    assert.equal(r.code, 0, r.stderr);
    await eventually('endpoints repaired', async () => (await t.kubectl(['get', 'endpoints', 'kubernetes'])).stdout.includes('10.42.0.1:6443'));
  });
});

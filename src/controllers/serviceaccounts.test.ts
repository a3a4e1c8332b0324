import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../apiserver/testing/test-server.js';
import { createApiClient } from '../client/rest-client.js';
import { startServiceAccountsController, type ServiceAccountsController } from './serviceaccounts.js';

async function eventually(what: string, fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('ServiceAccounts controller against the API server', () => {
  let t: TestServer;
  let controller: ServiceAccountsController;
  before(async () => {
    t = await startTestServer();
    const client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    controller = startServiceAccountsController({ client, retryDelayMs: 50 });
  });
  after(async () => {
    await controller.stop();
    await t.close();
  });

  const hasDefault = async (ns: string): Promise<boolean> => (await t.kubectl(['get', 'sa', 'default', '-n', ns, '-o', 'name'])).stdout.trim() === 'serviceaccount/default';

  it('gives the system namespaces and every new namespace a default ServiceAccount', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) await eventually(`default SA in ${ns}`, () => hasDefault(ns));
    const r = await t.kubectl(['create', 'namespace', 'team-a']);
    assert.equal(r.code, 0, r.stderr);
    await eventually('default SA in team-a', () => hasDefault('team-a'));
  });

  it('re-creates the default ServiceAccount when it is deleted', async () => {
    const uid = (await t.kubectl(['get', 'sa', 'default', '-n', 'team-a', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    const r = await t.kubectl(['delete', 'sa', 'default', '-n', 'team-a']);
    assert.equal(r.code, 0, r.stderr);
    await eventually('a new default SA in team-a', async () => {
      const now = (await t.kubectl(['get', 'sa', 'default', '-n', 'team-a', '-o', 'jsonpath={.metadata.uid}'])).stdout;
      return now !== '' && now !== uid;
    });
  });
});

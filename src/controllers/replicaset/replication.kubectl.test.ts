import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import type { ReplicationController } from '../../api/workloads.js';
import { startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';
import { createApiClient } from '../../client/rest-client.js';
import type { ApiClient } from '../../client/types.js';
import { startReplicaSetController, type ReplicaSetController } from './controller.js';
import { REPLICATION_CONTROLLER } from './kind.js';

const RC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: web
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
`;

describe('ReplicationControllers with the API server, the replication manager and kubectl 1.32', () => {
  let t: TestServer;
  let client: ApiClient & { close?: () => void };
  let rm: ReplicaSetController;
  const errors: unknown[] = [];
  before(async () => {
    t = await startTestServer();
    client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    rm = startReplicaSetController({ client, kind: REPLICATION_CONTROLLER, onError: (e) => void errors.push(e), retryDelayMs: 50 });
  });
  after(async () => {
    await rm.stop();
    client.close?.();
    await t.close();
  });

  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const r = await t.kubectl(args, input, 30000);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const pods = async (): Promise<Pod[]> => (await client.list<Pod>('/api/v1/namespaces/default/pods')).items;
  const until = async (what: string, fn: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (await fn()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  it('kubectl apply creates the pods; get rc prints NAME DESIRED CURRENT READY AGE; scale and delete work', async () => {
    assert.equal((await kubectl(['apply', '-f', '-'], RC)).trim(), 'replicationcontroller/web created');
    await until('2 pods', async () => (await pods()).length === 2);
    for (const p of await pods()) assert.equal(p.metadata.ownerReferences?.[0]?.kind, 'ReplicationController');
    await until('status.replicas 2', async () => (await client.get<ReplicationController>('/api/v1/namespaces/default/replicationcontrollers/web')).status?.replicas === 2);
    const table = (await kubectl(['get', 'rc', '-o', 'wide'])).split('\n');
    assert.match(table[0] ?? '', /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    assert.match(table[1] ?? '', /^web\s+2\s+2\s+0\s+\S+\s+nginx\s+nginx:1\.25\s+app=web$/);
    assert.equal((await kubectl(['scale', 'rc', 'web', '--replicas=1'])).trim(), 'replicationcontroller/web scaled');
    await until('1 pod left', async () => (await pods()).filter((p) => !p.metadata.deletionTimestamp).length === 1);
    assert.match(await kubectl(['get', 'all']), /replicationcontroller\/web\s+1\s+/);
    assert.equal((await kubectl(['delete', 'rc', 'web'])).trim(), 'replicationcontroller "web" deleted');
    assert.deepEqual(errors, []);
  });
});

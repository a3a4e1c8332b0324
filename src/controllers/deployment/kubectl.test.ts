import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isNotFound } from '../../api/errors.js';
import { rfc3339 } from '../../api/meta.js';
import type { Pod } from '../../api/types.js';
import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import { startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';
import { createApiClient } from '../../client/rest-client.js';
import type { ApiClient } from '../../client/types.js';
import { startReplicaSetController, type ReplicaSetController } from '../replicaset/controller.js';
import { startDeploymentController, type DeploymentController } from './controller.js';

/** Plays the kubelet: every pod of `default` becomes Running and Ready; pods being deleted are finished. */
function standInKubelet(client: ApiClient): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        for (const pod of (await client.list<Pod>('/api/v1/namespaces/default/pods')).items) {
          const path = `/api/v1/namespaces/default/pods/${pod.metadata.name ?? ''}`;
          if (pod.metadata.deletionTimestamp) await client.delete(path, { gracePeriodSeconds: 0 }).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
          else if (!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
            const status = { phase: 'Running' as const, conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: rfc3339() }] };
            await client.update(`${path}/status`, { ...pod, status }).catch(() => {});
          }
        }
      } catch {
        // the next round tries again
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

describe('ReplicaSet and Deployment controllers with the API server and kubectl 1.32', () => {
  let t: TestServer;
  let client: ApiClient & { close?: () => void };
  let rsc: ReplicaSetController;
  let dc: DeploymentController;
  let stopKubelet: () => Promise<void>;
  const errors: unknown[] = [];
  before(async () => {
    t = await startTestServer();
    client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    const onError = (e: unknown): void => void errors.push(e);
    rsc = startReplicaSetController({ client, onError, retryDelayMs: 50 });
    dc = startDeploymentController({ client, onError, retryDelayMs: 50 });
    stopKubelet = standInKubelet(client);
  });
  after(async () => {
    await stopKubelet();
    await dc.stop();
    await rsc.stop();
    client.close?.();
    await t.close();
  });

  const kubectl = async (...args: string[]): Promise<string> => {
    const r = await t.kubectl(args, undefined, 30000);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const replicaSets = async (): Promise<ReplicaSet[]> => (await client.list<ReplicaSet>('/apis/apps/v1/namespaces/default/replicasets')).items;

  it('kubectl create deployment names the ReplicaSet as a v1.32 cluster does, and rollout status completes', async () => {
    assert.equal((await kubectl('create', 'deployment', 'nginx', '--image=nginx', '--replicas=2')).trim(), 'deployment.apps/nginx created');
    assert.match(await kubectl('rollout', 'status', 'deployment/nginx', '--timeout=30s'), /deployment "nginx" successfully rolled out/);
    assert.deepEqual((await replicaSets()).map((rs) => rs.metadata.name), ['nginx-5869d7778c']);
    const pods = (await client.list<Pod>('/api/v1/namespaces/default/pods')).items;
    assert.equal(pods.length, 2);
    for (const p of pods) assert.match(p.metadata.name ?? '', /^nginx-5869d7778c-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const describe = await kubectl('describe', 'deployment', 'nginx');
    assert.match(describe, /ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set nginx-5869d7778c from 0 to 2/);
    assert.match(describe, /Available\s+True\s+MinimumReplicasAvailable/);
    assert.match(describe, /Progressing\s+True\s+NewReplicaSetAvailable/);
  });

  it('set image rolls out revision 2, rollout undo goes back to the first ReplicaSet as revision 3', async () => {
    await kubectl('set', 'image', 'deployment/nginx', 'nginx=nginx:1.25-alpine');
    assert.match(await kubectl('rollout', 'status', 'deployment/nginx', '--timeout=30s'), /successfully rolled out/);
    const history = await kubectl('rollout', 'history', 'deployment/nginx');
    assert.match(history, /^1\s+<none>$/m);
    assert.match(history, /^2\s+<none>$/m);
    assert.match((await kubectl('rollout', 'undo', 'deployment/nginx')).trim(), /^deployment.apps\/nginx rolled back$/);
    assert.match(await kubectl('rollout', 'status', 'deployment/nginx', '--timeout=30s'), /successfully rolled out/);
    const first = (await replicaSets()).find((rs) => rs.metadata.name === 'nginx-5869d7778c')!;
    assert.equal(first.spec.replicas, 2);
    assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    const d = await client.get<Deployment>('/apis/apps/v1/namespaces/default/deployments/nginx');
    assert.equal(d.spec.template.spec?.containers[0]?.image, 'nginx');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  });

  it('scale and rollout restart: the ReplicaSet grows, then a new one takes over', async () => {
    await kubectl('scale', 'deployment', 'nginx', '--replicas=3');
    assert.match(await kubectl('rollout', 'status', 'deployment/nginx', '--timeout=30s'), /successfully rolled out/);
    assert.equal((await replicaSets()).find((rs) => rs.metadata.name === 'nginx-5869d7778c')?.spec.replicas, 3);
    assert.match(await kubectl('rollout', 'restart', 'deployment/nginx'), /restarted/);
    assert.match(await kubectl('rollout', 'status', 'deployment/nginx', '--timeout=30s'), /successfully rolled out/);
    const rss = await replicaSets();
    assert.equal(rss.length, 3);
    const current = rss.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '4')!;
    assert.equal(current.spec.replicas, 3);
    assert.ok(current.spec.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    const wide = await kubectl('get', 'deployment', 'nginx');
    assert.match(wide, /^nginx\s+3\/3\s+3\s+3\s+/m);
    // Conflicts are retried; nothing else went wrong on the way.
    assert.deepEqual(errors.filter((e) => (e as { reason?: string }).reason !== 'Conflict').map((e) => (e as Error).message), []);
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import type { ReplicationController } from '../../api/workloads.js';
import { FakeApi } from '../testing/fake-api.js';
import { eventsFor, eventually, markAllReady, paths, podsOwnedBy, settled } from '../testing/workloads.js';
import { startReplicaSetController, type ReplicaSetController } from './controller.js';
import { REPLICATION_CONTROLLER } from './kind.js';

const rcPath = (ns = 'default'): string => `/api/v1/namespaces/${ns}/replicationcontrollers`;

function rc(name: string, replicas: number): ReplicationController {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name, tier: 'x' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } } },
  };
}

let running: ReplicaSetController | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('replication manager (the ReplicaSet controller over ReplicationControllers)', () => {
  it('creates spec.replicas pods owned by the v1 ReplicationController and writes its status with the label-map selector kept', async () => {
    const api = new FakeApi();
    const owner = api.seed(rcPath(), rc('web', 2));
    running = startReplicaSetController({ client: api, kind: REPLICATION_CONTROLLER, retryDelayMs: 10 });
    await eventually('2 pods', () => podsOwnedBy(api, owner.metadata.uid!).length === 2);
    markAllReady(api);
    await eventually('2 ready', () => api.find<ReplicationController>(`${rcPath()}/web`)?.status?.readyReplicas === 2);
    await settled(api);
    const pods = podsOwnedBy(api, owner.metadata.uid!);
    for (const p of pods) {
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'x' });
    }
    const cur = api.find<ReplicationController>(`${rcPath()}/web`)!;
    assert.deepEqual(cur.spec.selector, { app: 'web' });
    assert.deepEqual(cur.status, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    assert.deepEqual(eventsFor(api, 'web').sort(), pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort());
    const involved = api.all<{ involvedObject: { kind: string; apiVersion: string }; source?: { component?: string } } & Pod>(paths.events()).map((e) => [e.involvedObject.kind, e.involvedObject.apiVersion, e.source?.component]);
    assert.deepEqual(new Set(involved.map((x) => x.join(' '))), new Set(['ReplicationController v1 replication-controller']));
  });

  it('adopts a matching orphan pod instead of creating one', async () => {
    const api = new FakeApi();
    const owner = api.seed(rcPath(), rc('web', 1));
    api.seed(paths.pods(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } } as Pod);
    running = startReplicaSetController({ client: api, kind: REPLICATION_CONTROLLER, retryDelayMs: 10 });
    await eventually('orphan adopted', () => podsOwnedBy(api, owner.metadata.uid!).some((p) => p.metadata.name === 'orphan'));
    await settled(api);
    assert.equal(podsOwnedBy(api, owner.metadata.uid!).length, 1);
    assert.equal(api.find<ReplicationController>(`${rcPath()}/web`)?.status?.replicas, 1);
  });
});

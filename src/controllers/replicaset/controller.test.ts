import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { conflict, internalError } from '../../api/errors.js';
import type { Pod } from '../../api/types.js';
import type { ReplicaSet } from '../../api/workloads.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { FakeApi } from '../testing/fake-api.js';
import { eventsFor, eventually, failNext, markAllReady, markReady, paths, pod, podsOwnedBy, replicaSet, settled } from '../testing/workloads.js';
import { startReplicaSetController, type ReplicaSetController } from './controller.js';

let running: ReplicaSetController | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function start(api: FakeApi, clock?: FakeClock): ReplicaSetController {
  running = startReplicaSetController({ client: api, retryDelayMs: 10, ...(clock ? { clock } : {}) });
  return running;
}

const rsOf = (api: FakeApi, name: string): ReplicaSet => api.find<ReplicaSet>(`${paths.replicaSets()}/${name}`)!;
const podNamed = (api: FakeApi, name: string): Pod | undefined => api.find<Pod>(`${paths.pods()}/${name}`);
const allPods = (api: FakeApi): Pod[] => api.all<Pod>(paths.pods());


describe('ReplicaSet controller', () => {
  it('creates spec.replicas pods named <rs>-xxxxx from the template, owned by the ReplicaSet, with SuccessfulCreate events', async () => {
    const api = new FakeApi();
    const rs = api.seed(paths.replicaSets(), replicaSet('web', 3, { app: 'web' }));
    start(api);
    await eventually('3 pods and status', () => podsOwnedBy(api, rs.metadata.uid!).length === 3 && rsOf(api, 'web').status?.replicas === 3);
    await settled(api);
    const pods = podsOwnedBy(api, rs.metadata.uid!);
    assert.equal(allPods(api).length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(p.metadata.labels, { app: 'web' });
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.deepEqual(p.spec.containers, [{ name: 'app', image: 'busybox:1.36' }]);
    }
    assert.deepEqual(eventsFor(api, 'web').sort(), pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort());
    const status = rsOf(api, 'web').status;
    assert.deepEqual(status, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it('counts ready pods and, once minReadySeconds passed on the clock, available ones', async () => {
    const clock = new FakeClock(Date.parse('2025-03-01T10:00:00Z'));
    const api = new FakeApi(undefined, () => clock.now());
    api.seed(paths.replicaSets(), replicaSet('web', 2, { app: 'web' }, { minReadySeconds: 10 }));
    start(api, clock);
    await eventually('2 pods', () => allPods(api).length === 2);
    markAllReady(api, 'default', clock.now());
    await eventually('2 ready', () => rsOf(api, 'web').status?.readyReplicas === 2);
    assert.equal(rsOf(api, 'web').status?.availableReplicas, undefined);
    clock.advance(11_000);
    await eventually('2 available', () => rsOf(api, 'web').status?.availableReplicas === 2);
    assert.deepEqual(rsOf(api, 'web').status, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
  });

  it('scales down by deleting not-ready pods before ready ones, with SuccessfulDelete events, and observes the new generation', async () => {
    const api = new FakeApi();
    api.seed(paths.replicaSets(), replicaSet('web', 3));
    start(api);
    await eventually('3 pods', () => allPods(api).length === 3);
    const [first, second] = allPods(api);
    markReady(api, first!);
    markReady(api, second!);
    await eventually('2 ready', () => rsOf(api, 'web').status?.readyReplicas === 2);
    const notReady = allPods(api).find((p) => p.status === undefined)!;
    const cur = rsOf(api, 'web');
    api.put(paths.replicaSets(), { ...cur, metadata: { ...cur.metadata, generation: 2 }, spec: { ...cur.spec, replicas: 2 } });
    await eventually('2 pods and generation 2 observed', () => allPods(api).length === 2 && rsOf(api, 'web').status?.observedGeneration === 2);
    assert.equal(podNamed(api, notReady.metadata.name!), undefined);
    assert.ok(eventsFor(api, 'web').includes(`SuccessfulDelete: Deleted pod: ${notReady.metadata.name}`));
    const r = rsOf(api, 'web');
    api.put(paths.replicaSets(), { ...r, metadata: { ...r.metadata, generation: 3 }, spec: { ...r.spec, replicas: 0 } });
    await eventually('no pods', () => allPods(api).length === 0 && rsOf(api, 'web').status?.replicas === 0);
    assert.deepEqual(rsOf(api, 'web').status, { replicas: 0, observedGeneration: 3 });
  });

  it('brings a deleted pod back', async () => {
    const api = new FakeApi();
    const rs = api.seed(paths.replicaSets(), replicaSet('web', 2));
    start(api);
    await eventually('2 pods', () => podsOwnedBy(api, rs.metadata.uid!).length === 2);
    const [gone] = podsOwnedBy(api, rs.metadata.uid!);
    await api.delete(`${paths.pods()}/${gone!.metadata.name}`);
    await eventually('a replacement', () => podsOwnedBy(api, rs.metadata.uid!).length === 2 && podNamed(api, gone!.metadata.name!) === undefined);
    assert.ok(eventsFor(api, 'web').filter((e) => e.startsWith('SuccessfulCreate: ')).length === 3);
  });

  it('replaces a pod that failed or is being deleted, without counting it', async () => {
    const api = new FakeApi();
    // The finalizer holds deleted pods in Terminating, as a kubelet does for the grace period.
    const rs = api.seed(paths.replicaSets(), replicaSet('web', 2, { app: 'web' }, { template: { metadata: { labels: { app: 'web' }, finalizers: ['k1s.test/hold'] }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } } }));
    start(api);
    await eventually('2 pods', () => podsOwnedBy(api, rs.metadata.uid!).length === 2);
    const [a, b] = podsOwnedBy(api, rs.metadata.uid!);
    await api.delete(`${paths.pods()}/${a!.metadata.name}`);
    await eventually('a replacement for the terminating pod', () => podsOwnedBy(api, rs.metadata.uid!).filter((p) => !p.metadata.deletionTimestamp).length === 2);
    const failed = podNamed(api, b!.metadata.name!)!;
    api.put(paths.pods(), { ...failed, status: { phase: 'Failed' } });
    await eventually('a replacement for the failed pod', () => podsOwnedBy(api, rs.metadata.uid!).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed').length === 2);
    const terminating = podNamed(api, a!.metadata.name!)!;
    await api.update(`${paths.pods()}/${a!.metadata.name}`, { ...terminating, metadata: { ...terminating.metadata, finalizers: [] } });
    await settled(api);
    assert.equal(podsOwnedBy(api, rs.metadata.uid!).length, 3, 'two active pods and the failed one');
    assert.equal(rsOf(api, 'web').status?.replicas, 2);
  });

  it('adopts orphans matching its selector and counts them, leaving pods of other controllers alone', async () => {
    const api = new FakeApi();
    const orphan = api.seed(paths.pods(), pod('stray', { app: 'web', extra: 'x' }));
    const foreign = api.seed(paths.pods(), pod('foreign', { app: 'web' }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other', uid: 'other-uid', controller: true }] }));
    const rs = api.seed(paths.replicaSets(), replicaSet('web', 2));
    start(api);
    await eventually('2 owned pods', () => podsOwnedBy(api, rs.metadata.uid!).length === 2 && rsOf(api, 'web').status?.replicas === 2);
    await settled(api);
    const adopted = podNamed(api, 'stray')!;
    assert.deepEqual(adopted.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(adopted.metadata.uid, orphan.metadata.uid);
    assert.deepEqual(podNamed(api, 'foreign')!.metadata.ownerReferences, foreign.metadata.ownerReferences);
    assert.equal(allPods(api).length, 3, 'the orphan, one new pod and the foreign pod');
    assert.ok(api.calls.includes('PATCH(strategic) /api/v1/namespaces/default/pods/stray'));
  });

  it('releases an owned pod whose labels stop matching and creates a replacement', async () => {
    const api = new FakeApi();
    const rs = api.seed(paths.replicaSets(), replicaSet('web', 1));
    start(api);
    await eventually('1 pod', () => podsOwnedBy(api, rs.metadata.uid!).length === 1);
    const [p] = podsOwnedBy(api, rs.metadata.uid!);
    api.put(paths.pods(), { ...p!, metadata: { ...p!.metadata, labels: { app: 'debug' } } });
    await eventually('released and replaced', () => podNamed(api, p!.metadata.name!)?.metadata.ownerReferences?.length === 0 && podsOwnedBy(api, rs.metadata.uid!).length === 1);
    await settled(api);
    assert.equal(allPods(api).length, 2);
    assert.equal(rsOf(api, 'web').status?.replicas, 1);
  });

  it('counts fullyLabeledReplicas only for pods carrying every template label', async () => {
    const api = new FakeApi();
    api.seed(paths.pods(), pod('partial', { app: 'web' }));
    const rs = replicaSet('web', 2, { app: 'web' });
    rs.spec.template!.metadata!.labels = { app: 'web', tier: 'front' };
    api.seed(paths.replicaSets(), rs);
    start(api);
    await eventually('status', () => rsOf(api, 'web').status?.replicas === 2);
    assert.equal(rsOf(api, 'web').status?.fullyLabeledReplicas, 1);
  });

  it('survives conflicts and errors: a failed status write is retried with a fresh read, a failed create sets ReplicaFailure until one succeeds', async () => {
    const api = new FakeApi();
    failNext(api, 'PUT', '/replicasets/web/status', conflict({ group: 'apps', resource: 'replicasets' }, 'web', 'the object has been modified'), 1);
    failNext(api, 'POST', '/namespaces/default/pods', internalError('etcd is sad'), 3);
    const rs = api.seed(paths.replicaSets(), replicaSet('web', 2));
    start(api);
    await eventually('a ReplicaFailure condition', () => rsOf(api, 'web').status?.conditions?.[0]?.reason === 'FailedCreate');
    assert.deepEqual(
      { ...rsOf(api, 'web').status!.conditions![0], lastTransitionTime: undefined },
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'Internal error occurred: etcd is sad', lastTransitionTime: undefined },
    );
    await eventually('2 pods and no condition', () => podsOwnedBy(api, rs.metadata.uid!).length === 2 && rsOf(api, 'web').status?.replicas === 2 && rsOf(api, 'web').status?.conditions === undefined);
    assert.ok(eventsFor(api, 'web').includes('FailedCreate: Error creating: Internal error occurred: etcd is sad'));
    await settled(api);
    assert.equal(allPods(api).length, 2, 'no pod created twice');
  });

  it('stops cleanly: no writes after stop() resolved', async () => {
    const api = new FakeApi();
    api.seed(paths.replicaSets(), replicaSet('web', 1));
    const c = start(api);
    await eventually('1 pod', () => allPods(api).length === 1);
    await c.stop();
    running = undefined;
    const calls = api.calls.length;
    const cur = rsOf(api, 'web');
    api.put(paths.replicaSets(), { ...cur, spec: { ...cur.spec, replicas: 5 } });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.calls.length, calls);
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { FakeApi } from '../testing/fake-api.js';
import { startGarbageCollector, type GarbageCollector } from './garbagecollector.js';

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const RSS = '/apis/apps/v1/namespaces/default/replicasets';
const PODS = '/api/v1/namespaces/default/pods';
const CMS = '/api/v1/namespaces/default/configmaps';

async function eventually(what: string, fn: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function ref(owner: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference {
  return { apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', ...extra };
}

function controllerRef(owner: KubeObject): OwnerReference {
  return ref(owner, { controller: true, blockOwnerDeletion: true });
}

describe('garbage collector', () => {
  let api: FakeApi;
  let gc: GarbageCollector;
  const errors: unknown[] = [];
  beforeEach(() => {
    api = new FakeApi();
    errors.length = 0;
  });
  afterEach(async () => {
    await gc.stop();
    assert.deepEqual(errors, []);
  });
  const start = async (discoveryIntervalMs?: number): Promise<void> => {
    gc = startGarbageCollector({ client: api, retryDelayMs: 20, onError: (e) => errors.push(e), ...(discoveryIntervalMs ? { discoveryIntervalMs } : {}) });
    await gc.synced;
  };
  const gone = (path: string) => (): boolean => api.find(path) === undefined;

  /** A Deployment owning a ReplicaSet owning two pods, as the workload controllers build them. */
  function workload(): { deploy: KubeObject; rs: KubeObject; pods: KubeObject[] } {
    const deploy = api.seed(DEPLOYS, { metadata: { name: 'web' }, spec: {} });
    const rs = api.seed(RSS, { metadata: { name: 'web-5d8f', ownerReferences: [controllerRef(deploy)] }, spec: {} });
    const pods = ['a', 'b'].map((n) => api.seed(PODS, { metadata: { name: `web-5d8f-${n}`, ownerReferences: [controllerRef(rs)] }, spec: { containers: [] } }));
    return { deploy, rs, pods };
  }

  it('background: once the owner is gone its dependents go, and theirs (each deleted with propagationPolicy Background)', async () => {
    const w = workload();
    await start();
    await api.delete(`${DEPLOYS}/web`, { propagationPolicy: 'Background' });
    await eventually('the ReplicaSet and pods to go', () => api.all(PODS).length === 0 && api.find(`${RSS}/web-5d8f`) === undefined);
    const deletes = api.calls.filter((c) => c.startsWith('DELETE'));
    assert.deepEqual(deletes.sort(), [`DELETE ${DEPLOYS}/web`, `DELETE ${RSS}/web-5d8f`, `DELETE ${PODS}/${w.pods[0]!.metadata.name}`, `DELETE ${PODS}/${w.pods[1]!.metadata.name}`].sort());
  });

  it('a dependent with another live owner stays; its reference to the gone owner is removed', async () => {
    const a = api.seed(CMS, { metadata: { name: 'owner-a' } });
    const b = api.seed(CMS, { metadata: { name: 'owner-b' } });
    api.seed(CMS, { metadata: { name: 'shared', ownerReferences: [ref(a), ref(b)] } });
    await start();
    await api.delete(`${CMS}/owner-a`);
    await eventually('the reference to owner-a to go', () => (api.find(`${CMS}/shared`)?.metadata.ownerReferences ?? []).length === 1);
    assert.deepEqual(api.find(`${CMS}/shared`)?.metadata.ownerReferences, [ref(b)]);
  });

  it('a dangling ownerReference (no object with that uid) gets the dependent deleted; a live owner keeps its dependent', async () => {
    const owner = api.seed(CMS, { metadata: { name: 'owner' } });
    api.seed(CMS, { metadata: { name: 'kept', ownerReferences: [ref(owner)] } });
    api.seed(CMS, { metadata: { name: 'stale', ownerReferences: [{ ...ref(owner), uid: 'not-the-owners-uid' }] } });
    api.seed(CMS, { metadata: { name: 'orphaned', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'never-existed', uid: 'u-404' }] } });
    await start();
    await eventually('both dangling dependents to go', () => api.find(`${CMS}/stale`) === undefined && api.find(`${CMS}/orphaned`) === undefined);
    assert.equal(api.find(`${CMS}/kept`)?.metadata.name, 'kept');
    assert.equal(api.find(`${CMS}/owner`)?.metadata.name, 'owner');
  });

  it('an owner in another namespace counts as absent: the dependent is deleted', async () => {
    const owner = api.seed('/api/v1/namespaces/other/configmaps', { metadata: { name: 'owner', namespace: 'other' } });
    api.seed(CMS, { metadata: { name: 'cross', ownerReferences: [ref(owner)] } });
    await start();
    await eventually('the cross-namespace dependent to go', gone(`${CMS}/cross`));
    assert.equal(api.find('/api/v1/namespaces/other/configmaps/owner')?.metadata.name, 'owner');
  });

  it('a cluster-scoped dependent of a namespaced owner is never deleted', async () => {
    const owner = api.seed(CMS, { metadata: { name: 'owner' } });
    api.seed('/api/v1/nodes', { metadata: { name: 'n1', ownerReferences: [ref(owner)] } });
    api.seed(CMS, { metadata: { name: 'dangling', ownerReferences: [{ ...ref(owner), uid: 'gone' }] } });
    await start();
    await eventually('the namespaced dangling dependent to go', gone(`${CMS}/dangling`));
    await api.delete(`${CMS}/owner`);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.find('/api/v1/nodes/n1')?.metadata.name, 'n1');
  });

  it('foreground: the dependents go first (recursively in the foreground), then the owners lose foregroundDeletion and go', async () => {
    const w = workload();
    // Hold one pod like a kubelet still terminating it: the owners must wait for it.
    const held = api.find<KubeObject>(`${PODS}/${w.pods[0]!.metadata.name}`)!;
    api.seed(PODS, { ...held, metadata: { ...held.metadata, finalizers: ['test.k1s.io/hold'] } });
    await start();
    await api.delete(`${DEPLOYS}/web`, { propagationPolicy: 'Foreground' });
    await eventually('the held pod to be terminating and the other gone', () => api.find(`${PODS}/${w.pods[1]!.metadata.name}`) === undefined && api.find(`${PODS}/${w.pods[0]!.metadata.name}`)?.metadata.deletionTimestamp !== undefined);
    const rs = api.find(`${RSS}/web-5d8f`);
    assert.deepEqual(rs?.metadata.finalizers, ['foregroundDeletion']);
    assert.equal(typeof rs?.metadata.deletionTimestamp, 'string');
    assert.deepEqual(api.find(`${DEPLOYS}/web`)?.metadata.finalizers, ['foregroundDeletion']);
    const pod = api.find<KubeObject>(`${PODS}/${w.pods[0]!.metadata.name}`)!;
    await api.patch(`${PODS}/${pod.metadata.name}`, { metadata: { finalizers: null } }, 'merge');
    await eventually('the ReplicaSet and the Deployment to go', () => api.find(`${RSS}/web-5d8f`) === undefined && api.find(`${DEPLOYS}/web`) === undefined);
  });

  it('foreground: a dependent without blockOwnerDeletion is deleted but does not hold its owner back', async () => {
    const owner = api.seed(CMS, { metadata: { name: 'owner' } });
    api.seed(CMS, { metadata: { name: 'loose', finalizers: ['test.k1s.io/hold'], ownerReferences: [ref(owner)] } });
    await start();
    await api.delete(`${CMS}/owner`, { propagationPolicy: 'Foreground' });
    await eventually('the owner to go', gone(`${CMS}/owner`));
    assert.equal(typeof api.find(`${CMS}/loose`)?.metadata.deletionTimestamp, 'string');
  });

  it('foreground: dropping the blocking reference frees the waiting owner', async () => {
    const owner = api.seed(CMS, { metadata: { name: 'owner' } });
    api.seed(CMS, { metadata: { name: 'blocker', finalizers: ['test.k1s.io/hold'], ownerReferences: [controllerRef(owner)] } });
    await start();
    await api.delete(`${CMS}/owner`, { propagationPolicy: 'Foreground' });
    await eventually('the blocker to be terminating', () => api.find(`${CMS}/blocker`)?.metadata.deletionTimestamp !== undefined);
    assert.deepEqual(api.find(`${CMS}/owner`)?.metadata.finalizers, ['foregroundDeletion']);
    await api.patch(`${CMS}/blocker`, { metadata: { ownerReferences: null } }, 'merge');
    await eventually('the owner to go', gone(`${CMS}/owner`));
  });

  it('orphan: the dependents lose their reference to the owner and stay; the orphan finalizer is removed and the owner goes', async () => {
    const w = workload();
    await start();
    await api.delete(`${RSS}/web-5d8f`, { propagationPolicy: 'Orphan' });
    await eventually('the ReplicaSet to go', gone(`${RSS}/web-5d8f`));
    const pods = api.all(PODS);
    assert.deepEqual(pods.map((p) => p.metadata.name).sort(), w.pods.map((p) => p.metadata.name).sort());
    for (const p of pods) assert.equal(p.metadata.ownerReferences, undefined);
    assert.deepEqual(api.find(`${DEPLOYS}/web`)?.metadata.name, 'web');
  });

  it('an object deleted with an orphan finalizer already set keeps it when collected', async () => {
    const owner = api.seed(CMS, { metadata: { name: 'owner' } });
    const mid = api.seed(CMS, { metadata: { name: 'mid', finalizers: ['orphan'], ownerReferences: [ref(owner)] } });
    api.seed(CMS, { metadata: { name: 'leaf', ownerReferences: [ref(mid)] } });
    await start();
    await api.delete(`${CMS}/owner`);
    await eventually('mid to go', gone(`${CMS}/mid`));
    const leaf = api.find(`${CMS}/leaf`);
    assert.equal(leaf?.metadata.name, 'leaf');
    assert.equal(leaf.metadata.ownerReferences, undefined);
  });

  it('watches every deletable resource but events, and resources that appear later', async () => {
    await start(30);
    const watched = api.calls.filter((c) => c.startsWith('WATCH')).map((c) => c.slice('WATCH '.length)).sort();
    assert.deepEqual(watched, [
      '/api/v1/configmaps',
      '/api/v1/endpoints',
      '/api/v1/namespaces',
      '/api/v1/nodes',
      '/api/v1/pods',
      '/api/v1/replicationcontrollers',
      '/api/v1/services',
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/replicasets',
      '/apis/discovery.k8s.io/v1/endpointslices',
    ]);
    (api as unknown as { resources: unknown[] }).resources.push({ group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true });
    const owner = api.seed(CMS, { metadata: { name: 'owner' } });
    api.seed('/apis/example.com/v1/namespaces/default/widgets', { metadata: { name: 'w', ownerReferences: [ref(owner)] } });
    await eventually('the new resource to be watched', () => api.calls.includes('WATCH /apis/example.com/v1/widgets'));
    await api.delete(`${CMS}/owner`);
    await eventually('the widget to go', gone('/apis/example.com/v1/namespaces/default/widgets/w'));
  });
});

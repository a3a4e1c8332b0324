import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeleteOptions, KubeObject } from '../api/types.js';
import type { Strategy } from '../registry/strategy.js';
import { SqliteStore } from '../storage/sqlite.js';
import { deletionFinalizersForGarbageCollection } from './gc-finalizers.js';
import { GenericStore } from './generic-store.js';
import { defaultPatchOps } from './patch-adapter.js';
import { coreStrategies } from '../registry/index.js';

describe('deletionFinalizersForGarbageCollection', () => {
  const cases: { name: string; finalizers: string[]; options: DeleteOptions; want: string[]; changed: boolean }[] = [
    { name: 'no policy, no finalizers: background, nothing added', finalizers: [], options: {}, want: [], changed: false },
    { name: 'Background adds nothing', finalizers: [], options: { propagationPolicy: 'Background' }, want: [], changed: false },
    { name: 'Foreground adds foregroundDeletion', finalizers: [], options: { propagationPolicy: 'Foreground' }, want: ['foregroundDeletion'], changed: true },
    { name: 'Orphan adds orphan', finalizers: [], options: { propagationPolicy: 'Orphan' }, want: ['orphan'], changed: true },
    { name: 'other finalizers are kept, in order', finalizers: ['a.io/x', 'b.io/y'], options: { propagationPolicy: 'Orphan' }, want: ['a.io/x', 'b.io/y', 'orphan'], changed: true },
    { name: 'Orphan replaces foregroundDeletion', finalizers: ['foregroundDeletion'], options: { propagationPolicy: 'Orphan' }, want: ['orphan'], changed: true },
    { name: 'Foreground replaces orphan', finalizers: ['x.io/f', 'orphan'], options: { propagationPolicy: 'Foreground' }, want: ['x.io/f', 'foregroundDeletion'], changed: true },
    { name: 'Background removes both', finalizers: ['orphan', 'x.io/f'], options: { propagationPolicy: 'Background' }, want: ['x.io/f'], changed: true },
    { name: 'no policy honours an existing orphan finalizer', finalizers: ['orphan'], options: {}, want: ['orphan'], changed: false },
    { name: 'no policy honours an existing foregroundDeletion finalizer', finalizers: ['foregroundDeletion'], options: {}, want: ['foregroundDeletion'], changed: false },
    { name: 'an unchanged set keeps its order', finalizers: ['orphan', 'x.io/f'], options: { propagationPolicy: 'Orphan' }, want: ['orphan', 'x.io/f'], changed: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(deletionFinalizersForGarbageCollection(c.finalizers, c.options), { changed: c.changed, finalizers: c.want });
    });
  }
});

describe('GenericStore delete leaves the garbage collector its finalizers', () => {
  let store: SqliteStore;
  let configmaps: GenericStore;
  let pods: GenericStore;
  let now = new Date('2024-05-01T10:00:00Z');
  const write = { dryRun: false };

  before(() => {
    store = new SqliteStore(':memory:', { compactIntervalMs: 0 });
    const deps = {
      store,
      clock: () => now,
      patch: defaultPatchOps,
      getNamespace: async (name: string): Promise<KubeObject> => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } }),
    };
    const strategies = coreStrategies();
    const find = (resource: string): Strategy => strategies.find((s) => s.info.resource === resource)!;
    configmaps = new GenericStore(find('configmaps'), deps);
    pods = new GenericStore(find('pods'), deps);
  });
  after(() => store.close());

  async function configMap(name: string, finalizers?: string[]): Promise<KubeObject> {
    return configmaps.create('default', { metadata: { name, ...(finalizers ? { finalizers } : {}) }, data: { k: 'v' } }, write);
  }
  async function exists(gs: GenericStore, name: string): Promise<KubeObject | undefined> {
    return gs.get('default', name).catch(() => undefined);
  }

  it('Background (and no policy) removes an object without finalizers at once', async () => {
    await configMap('bg');
    await configMap('none');
    assert.equal((await configmaps.delete('default', 'bg', { propagationPolicy: 'Background' }, write)).deleted, true);
    assert.equal((await configmaps.delete('default', 'none', {}, write)).deleted, true);
    assert.equal(await exists(configmaps, 'bg'), undefined);
    assert.equal(await exists(configmaps, 'none'), undefined);
  });

  it('Foreground keeps the object with deletionTimestamp, grace 0 and foregroundDeletion until the finalizer is removed', async () => {
    await configMap('fg');
    const r = await configmaps.delete('default', 'fg', { propagationPolicy: 'Foreground' }, write);
    assert.equal(r.deleted, false);
    const got = await configmaps.get('default', 'fg');
    assert.deepEqual(got.metadata.finalizers, ['foregroundDeletion']);
    assert.equal(got.metadata.deletionTimestamp, '2024-05-01T10:00:00Z');
    assert.equal(got.metadata.deletionGracePeriodSeconds, 0);
    await configmaps.patch('default', 'fg', { metadata: { finalizers: null } }, 'merge', write);
    assert.equal(await exists(configmaps, 'fg'), undefined);
  });

  it('Orphan keeps the object with the orphan finalizer', async () => {
    await configMap('or');
    await configmaps.delete('default', 'or', { propagationPolicy: 'Orphan' }, write);
    const got = await configmaps.get('default', 'or');
    assert.deepEqual(got.metadata.finalizers, ['orphan']);
    assert.equal(typeof got.metadata.deletionTimestamp, 'string');
  });

  it('a second DELETE may switch a pending foreground deletion to orphan; one without a policy changes nothing', async () => {
    await configMap('switch');
    await configmaps.delete('default', 'switch', { propagationPolicy: 'Foreground' }, write);
    const first = await configmaps.get('default', 'switch');
    now = new Date('2024-05-01T10:00:05Z');
    await configmaps.delete('default', 'switch', {}, write);
    const unchanged = await configmaps.get('default', 'switch');
    assert.equal(unchanged.metadata.resourceVersion, first.metadata.resourceVersion);
    await configmaps.delete('default', 'switch', { propagationPolicy: 'Orphan' }, write);
    const switched = await configmaps.get('default', 'switch');
    assert.deepEqual(switched.metadata.finalizers, ['orphan']);
    assert.equal(switched.metadata.deletionTimestamp, first.metadata.deletionTimestamp);
  });

  it('Background removes a foregroundDeletion finalizer set at creation and deletes at once; no policy honours it', async () => {
    await configMap('preset-bg', ['foregroundDeletion']);
    await configMap('preset-none', ['foregroundDeletion']);
    assert.equal((await configmaps.delete('default', 'preset-bg', { propagationPolicy: 'Background' }, write)).deleted, true);
    assert.equal(await exists(configmaps, 'preset-bg'), undefined);
    assert.equal((await configmaps.delete('default', 'preset-none', {}, write)).deleted, false);
    assert.deepEqual((await configmaps.get('default', 'preset-none')).metadata.finalizers, ['foregroundDeletion']);
  });

  it('other finalizers stay beside the garbage collector one', async () => {
    await configMap('mixed', ['example.com/keep']);
    await configmaps.delete('default', 'mixed', { propagationPolicy: 'Foreground' }, write);
    assert.deepEqual((await configmaps.get('default', 'mixed')).metadata.finalizers, ['example.com/keep', 'foregroundDeletion']);
  });

  it('a dry run writes nothing', async () => {
    await configMap('dry');
    const r = await configmaps.delete('default', 'dry', { propagationPolicy: 'Foreground' }, { dryRun: true });
    assert.deepEqual(r.object.metadata.finalizers, ['foregroundDeletion']);
    const got = await configmaps.get('default', 'dry');
    assert.equal(got.metadata.finalizers, undefined);
    assert.equal(got.metadata.deletionTimestamp, undefined);
  });

  it('a scheduled pod deleted in the foreground gets its grace period and the finalizer; a later DELETE that does not shorten it changes nothing', async () => {
    now = new Date('2024-05-01T11:00:00Z');
    await pods.create('default', { metadata: { name: 'p' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } }, write);
    await pods.delete('default', 'p', { propagationPolicy: 'Foreground' }, write);
    const got = await pods.get('default', 'p');
    assert.deepEqual(got.metadata.finalizers, ['foregroundDeletion']);
    assert.equal(got.metadata.deletionGracePeriodSeconds, 30);
    assert.equal(got.metadata.deletionTimestamp, '2024-05-01T11:00:30Z');
    await pods.delete('default', 'p', { propagationPolicy: 'Orphan' }, write);
    assert.deepEqual((await pods.get('default', 'p')).metadata.finalizers, ['foregroundDeletion']);
    // The kubelet's final DELETE (grace 0) leaves the pod to the collector's finalizer.
    await pods.delete('default', 'p', { gracePeriodSeconds: 0 }, write);
    const last = await pods.get('default', 'p');
    assert.equal(last.metadata.deletionGracePeriodSeconds, 0);
    assert.deepEqual(last.metadata.finalizers, ['foregroundDeletion']);
    await pods.patch('default', 'p', { metadata: { finalizers: null } }, 'merge', write);
    assert.equal(await exists(pods, 'p'), undefined);
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { conflict } from '../../api/errors.js';
import type { Pod } from '../../api/types.js';
import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import type { WorkloadCondition } from '../../api/services.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { startReplicaSetController, type ReplicaSetController } from '../replicaset/controller.js';
import { deployment, eventsFor, eventually, failNext, markAllReady, markReady, paths, podsOwnedBy, replicaSet, settled } from '../testing/workloads.js';
import { FakeApi } from '../testing/fake-api.js';
import { startDeploymentController, type DeploymentController } from './controller.js';
import { computeHash } from './hash.js';

let stops: (DeploymentController | ReplicaSetController)[] = [];
afterEach(async () => {
  for (const c of stops) await c.stop();
  stops = [];
});

/** Both controllers against one fake API, as kube-controller-manager runs them. */
function start(api: FakeApi, clock?: FakeClock): void {
  const opts = { client: api, retryDelayMs: 10, ...(clock ? { clock } : {}) };
  stops.push(startReplicaSetController(opts), startDeploymentController(opts));
}

const dep = (api: FakeApi, name = 'web'): Deployment => api.find<Deployment>(`${paths.deployments()}/${name}`)!;
const rsList = (api: FakeApi): ReplicaSet[] => api.all<ReplicaSet>(paths.replicaSets()).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
const rsNamed = (api: FakeApi, name: string): ReplicaSet | undefined => api.find<ReplicaSet>(`${paths.replicaSets()}/${name}`);
const allPods = (api: FakeApi): Pod[] => api.all<Pod>(paths.pods());
const sizes = (api: FakeApi): Record<string, number> => Object.fromEntries(rsList(api).map((rs) => [rs.metadata.name!, rs.spec.replicas!]));
const cond = (d: Deployment, type: string): Omit<WorkloadCondition, 'lastUpdateTime' | 'lastTransitionTime'> | undefined => {
  const c = d.status?.conditions?.find((x) => x.type === type);
  if (!c) return undefined;
  const { lastUpdateTime: _u, lastTransitionTime: _t, ...rest } = c;
  return rest;
};
const scalingEvents = (api: FakeApi, name = 'web'): string[] => eventsFor(api, name).filter((e) => e.startsWith('ScalingReplicaSet: ')).map((e) => e.slice('ScalingReplicaSet: '.length));

/** Edits the Deployment as `kubectl set image` / `scale` / `edit` would (a spec change bumps generation). */
function edit(api: FakeApi, change: (d: Deployment) => void, name = 'web'): void {
  const d = dep(api, name);
  change(d);
  api.put(paths.deployments(), { ...d, metadata: { ...d.metadata, generation: (d.metadata.generation ?? 1) + 1 } });
}

/** Marks every pod ready and waits until both controllers are idle. */
async function readyAndSettle(api: FakeApi): Promise<void> {
  for (;;) {
    await settled(api);
    if (markAllReady(api) === 0) return;
  }
}

describe('Deployment controller', () => {
  it('creates ReplicaSet <name>-<pod-template-hash> with revision 1, and reports the rollout complete once pods are ready', async () => {
    const api = new FakeApi();
    const d = api.seed(paths.deployments(), deployment('web', 3));
    start(api);
    const hash = computeHash(d.spec.template);
    await eventually('the ReplicaSet', () => rsList(api).length === 1);
    const [rs] = rsList(api);
    assert.equal(rs!.metadata.name, `web-${hash}`);
    assert.deepEqual(rs!.metadata.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(rs!.spec.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    assert.deepEqual(rs!.spec.template!.metadata!.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(rs!.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(rs!.metadata.annotations, { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    await eventually('3 pods', () => allPods(api).length === 3);
    await settled(api);
    assert.deepEqual(cond(dep(api), 'Available'), { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    assert.deepEqual(cond(dep(api), 'Progressing'), { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "web-${hash}" is progressing.` });
    for (const p of allPods(api)) assert.equal(p.metadata.labels?.['pod-template-hash'], hash);
    await readyAndSettle(api);
    const done = dep(api);
    assert.equal(done.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual(done.status && { ...done.status, conditions: undefined }, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined });
    assert.deepEqual(cond(done, 'Available'), { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    assert.deepEqual(cond(done, 'Progressing'), { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
    assert.deepEqual(scalingEvents(api), [`Scaled up replica set web-${hash} from 0 to 3`]);
  });

  it('rolls out a new template step by step within maxSurge 1 and maxUnavailable 1 (25% of 4)', async () => {
    const api = new FakeApi();
    api.seed(paths.deployments(), deployment('web', 4, 'nginx:1.24'));
    start(api);
    await eventually('4 pods', () => allPods(api).length === 4);
    await readyAndSettle(api);
    const [old] = rsList(api);
    edit(api, (d) => (d.spec.template.spec!.containers[0]!.image = 'nginx:1.25'));
    const newName = `web-${computeHash(deployment('web', 4, 'nginx:1.25').spec.template)}`;
    const oldName = old!.metadata.name!;
    // The stand-in kubelet readies one pod at a time; each step is then decided by upstream's arithmetic alone.
    const observed: Record<string, number>[] = [];
    for (let step = 0; step < 10; step++) {
      await settled(api);
      const pods = allPods(api);
      const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      assert.ok(pods.length <= 5, `at most replicas + maxSurge pods (step ${step}: ${pods.length})`);
      assert.ok(ready >= 3, `at least replicas - maxUnavailable ready (step ${step}: ${ready})`);
      observed.push(sizes(api));
      const next = pods.find((p) => !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      if (!next) break;
      markReady(api, next);
    }
    assert.deepEqual(observed, [
      { [oldName]: 3, [newName]: 2 },
      { [oldName]: 2, [newName]: 3 },
      { [oldName]: 1, [newName]: 4 },
      { [oldName]: 0, [newName]: 4 },
      { [oldName]: 0, [newName]: 4 },
    ]);
    assert.deepEqual(scalingEvents(api).slice(1), [
      `Scaled up replica set ${newName} from 0 to 1`,
      `Scaled down replica set ${oldName} from 4 to 3`,
      `Scaled up replica set ${newName} from 1 to 2`,
      `Scaled down replica set ${oldName} from 3 to 2`,
      `Scaled up replica set ${newName} from 2 to 3`,
      `Scaled down replica set ${oldName} from 2 to 1`,
      `Scaled up replica set ${newName} from 3 to 4`,
      `Scaled down replica set ${oldName} from 1 to 0`,
    ]);
    const d = dep(api);
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.equal(d.status?.observedGeneration, 2);
    assert.deepEqual(cond(d, 'Progressing'), { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newName}" has successfully progressed.` });
    assert.equal(rsNamed(api, newName)!.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.equal(allPods(api).length, 4);
  });

  it('Recreate scales old ReplicaSets to 0 and creates the new one only after the old pods are gone', async () => {
    const api = new FakeApi();
    const d = deployment('web', 2, 'nginx:1.24', { strategy: { type: 'Recreate' } });
    // The finalizer holds deleted pods in Terminating, as a kubelet does for the grace period.
    d.spec.template.metadata!.finalizers = ['k1s.test/hold'];
    api.seed(paths.deployments(), d);
    start(api);
    await eventually('2 pods', () => allPods(api).length === 2);
    await readyAndSettle(api);
    const [old] = rsList(api);
    edit(api, (d) => (d.spec.template.spec!.containers[0]!.image = 'nginx:1.25'));
    await eventually('old scaled to 0', () => rsNamed(api, old!.metadata.name!)!.spec.replicas === 0);
    await settled(api);
    assert.equal(rsList(api).length, 1, 'no new ReplicaSet while old pods terminate');
    assert.ok(allPods(api).every((p) => p.metadata.deletionTimestamp), 'the old pods are terminating');
    for (const p of allPods(api)) await api.update(`${paths.pods()}/${p.metadata.name}`, { ...p, metadata: { ...p.metadata, finalizers: [] } });
    await eventually('the new ReplicaSet with 2 replicas', () => rsList(api).length === 2 && rsList(api).some((rs) => rs.metadata.name !== old!.metadata.name && rs.spec.replicas === 2));
    const newName = rsList(api).find((rs) => rs.metadata.name !== old!.metadata.name)!.metadata.name!;
    assert.deepEqual(scalingEvents(api).slice(1), [`Scaled down replica set ${old!.metadata.name} from 2 to 0`, `Scaled up replica set ${newName} from 0 to 2`]);
  });

  it('rolls back as kubectl rollout undo does: the old ReplicaSet becomes new again with the next revision', async () => {
    const api = new FakeApi();
    api.seed(paths.deployments(), deployment('web', 2, 'nginx:1.24'));
    start(api);
    await readyAndSettle(api);
    await eventually('rev 1 done', () => dep(api).status?.availableReplicas === 2);
    edit(api, (d) => (d.spec.template.spec!.containers[0]!.image = 'nginx:1.25'));
    await eventually('2 ReplicaSets', () => rsList(api).length === 2);
    await readyAndSettle(api);
    const rev1 = rsList(api).find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1')!;
    // kubectl 1.32 DeploymentRollbacker: JSON patch of spec.template (hash label removed) and metadata.annotations.
    const cur = dep(api);
    const template = structuredClone(rev1.spec.template!);
    delete template.metadata!.labels!['pod-template-hash'];
    const annotations = { 'deployment.kubernetes.io/revision': cur.metadata.annotations!['deployment.kubernetes.io/revision']! };
    await api.patch(
      '/apis/apps/v1/namespaces/default/deployments/web',
      [
        { op: 'replace', path: '/spec/template', value: template },
        { op: 'replace', path: '/metadata/annotations', value: annotations },
      ],
      'json',
    );
    await eventually('revision 3 on the old ReplicaSet', () => rsNamed(api, rev1.metadata.name!)!.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3');
    await readyAndSettle(api);
    const back = rsNamed(api, rev1.metadata.name!)!;
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(back.spec.replicas, 2);
    assert.equal(rsList(api).length, 2, 'no third ReplicaSet');
    assert.equal(dep(api).metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.ok(podsOwnedBy(api, back.metadata.uid!).every((p) => p.spec.containers[0]!.image === 'nginx:1.24'));
    assert.equal(allPods(api).length, 2);
  });

  it('keeps revisionHistoryLimit old ReplicaSets, deleting the oldest revisions', async () => {
    const api = new FakeApi();
    api.seed(paths.deployments(), deployment('web', 1, 'nginx:1', { revisionHistoryLimit: 2 }));
    start(api);
    await readyAndSettle(api);
    for (const tag of ['2', '3', '4', '5']) {
      edit(api, (d) => (d.spec.template.spec!.containers[0]!.image = `nginx:${tag}`));
      await eventually(`revision for nginx:${tag}`, () => rsList(api).some((rs) => rs.spec.template?.spec?.containers[0]?.image === `nginx:${tag}`));
      await readyAndSettle(api);
    }
    const revisions = rsList(api).map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
    assert.deepEqual(revisions, ['3', '4', '5']);
  });

  it('scales with kubectl scale: the only active ReplicaSet takes the new size and annotations', async () => {
    const api = new FakeApi();
    api.seed(paths.deployments(), deployment('web', 3));
    start(api);
    await readyAndSettle(api);
    edit(api, (d) => (d.spec.replicas = 5));
    await eventually('5 pods', () => allPods(api).length === 5);
    await settled(api);
    const [rs] = rsList(api);
    assert.equal(rs!.spec.replicas, 5);
    assert.equal(rs!.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '5');
    assert.equal(rs!.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '7');
    assert.deepEqual(scalingEvents(api), [`Scaled up replica set ${rs!.metadata.name} from 0 to 3`, `Scaled up replica set ${rs!.metadata.name} from 3 to 5`]);
  });

  it('scales proportionally when the size changes in the middle of a rollout', async () => {
    const api = new FakeApi();
    api.seed(paths.deployments(), deployment('web', 10, 'nginx:1.24'));
    start(api);
    await readyAndSettle(api);
    edit(api, (d) => (d.spec.template.spec!.containers[0]!.image = 'nginx:1.25'));
    await eventually('new RS at 5 and old at 8', () => Object.values(sizes(api)).sort((a, b) => a - b).join(',') === '5,8');
    await settled(api);
    edit(api, (d) => (d.spec.replicas = 20));
    // allowed 20 + 5 = 25 for 13 replicas: +12 shared 8:5 by max-replicas 13 → old 8+7=15, new 5+5=10 (leftover to the larger).
    await eventually('proportional sizes', () => Object.values(sizes(api)).sort((a, b) => a - b).join(',') === '10,15');
    const byImage = Object.fromEntries(rsList(api).map((rs) => [rs.spec.template!.spec!.containers[0]!.image, rs.spec.replicas]));
    assert.deepEqual(byImage, { 'nginx:1.24': 15, 'nginx:1.25': 10 });
  });

  it('pauses and resumes: no rollout while paused, with DeploymentPaused / DeploymentResumed conditions', async () => {
    const api = new FakeApi();
    api.seed(paths.deployments(), deployment('web', 1));
    start(api);
    await readyAndSettle(api);
    edit(api, (d) => {
      d.spec.paused = true;
      d.spec.template.spec!.containers[0]!.image = 'nginx:1.26';
    });
    await eventually('paused condition', () => cond(dep(api), 'Progressing')?.reason === 'DeploymentPaused');
    await settled(api);
    assert.deepEqual(cond(dep(api), 'Progressing'), { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    assert.equal(rsList(api).length, 1);
    edit(api, (d) => (d.spec.paused = false));
    await eventually('a second ReplicaSet', () => rsList(api).length === 2);
    await readyAndSettle(api);
    assert.equal(cond(dep(api), 'Progressing')?.reason, 'NewReplicaSetAvailable');
  });

  it('rollout restart (a template annotation) creates a new ReplicaSet', async () => {
    const api = new FakeApi();
    api.seed(paths.deployments(), deployment('web', 1));
    start(api);
    await readyAndSettle(api);
    edit(api, (d) => (d.spec.template.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': '2025-03-01T10:00:00Z' }));
    await eventually('a second ReplicaSet', () => rsList(api).length === 2);
    await readyAndSettle(api);
    const fresh = rsList(api).find((rs) => rs.spec.replicas === 1)!;
    assert.equal(fresh.spec.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], '2025-03-01T10:00:00Z');
    assert.equal(podsOwnedBy(api, fresh.metadata.uid!)[0]!.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'], '2025-03-01T10:00:00Z');
  });

  it('reports ProgressDeadlineExceeded when pods never become ready within progressDeadlineSeconds', async () => {
    const clock = new FakeClock(Date.parse('2025-03-01T10:00:00Z'));
    const api = new FakeApi(undefined, () => clock.now());
    api.seed(paths.deployments(), deployment('web', 1, 'nginx:1', { progressDeadlineSeconds: 30 }));
    start(api, clock);
    await eventually('a pod', () => allPods(api).length === 1);
    await settled(api);
    assert.equal(cond(dep(api), 'Progressing')?.reason, 'ReplicaSetUpdated');
    clock.advance(31_000);
    await eventually('timed out', () => cond(dep(api), 'Progressing')?.reason === 'ProgressDeadlineExceeded');
    const name = rsList(api)[0]!.metadata.name!;
    assert.deepEqual(cond(dep(api), 'Progressing'), { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${name}" has timed out progressing.` });
  });

  it('bumps collisionCount when its ReplicaSet name is taken by another template, and uses the hash with it', async () => {
    const api = new FakeApi();
    const d = deployment('web', 1);
    const hash = computeHash(d.spec.template);
    const squatter = replicaSet(`web-${hash}`, 0, { app: 'other' });
    api.seed(paths.replicaSets(), squatter);
    api.seed(paths.deployments(), d);
    start(api);
    await eventually('collisionCount 1', () => dep(api).status?.collisionCount === 1);
    await eventually('the ReplicaSet named with collisionCount', () => rsNamed(api, `web-${computeHash(d.spec.template, 1)}`) !== undefined);
    assert.notEqual(computeHash(d.spec.template, 1), hash);
  });

  it('adopts an orphan ReplicaSet with its template, and survives conflicting status writes', async () => {
    const api = new FakeApi();
    const d = deployment('web', 2);
    const hash = computeHash(d.spec.template);
    const orphan = replicaSet(`web-${hash}`, 2, { app: 'web', 'pod-template-hash': hash });
    orphan.metadata.labels = { app: 'web', 'pod-template-hash': hash };
    orphan.spec.template = { metadata: { labels: { app: 'web', 'pod-template-hash': hash } }, spec: structuredClone(d.spec.template.spec!) };
    api.seed(paths.replicaSets(), orphan);
    failNext(api, 'PUT', '/deployments/web/status', conflict({ group: 'apps', resource: 'deployments' }, 'web', 'the object has been modified'), 2);
    const seeded = api.seed(paths.deployments(), d);
    start(api);
    await readyAndSettle(api);
    await eventually('complete', () => cond(dep(api), 'Progressing')?.reason === 'NewReplicaSetAvailable');
    assert.equal(rsList(api).length, 1);
    assert.equal(rsList(api)[0]!.metadata.ownerReferences?.[0]?.uid, seeded.metadata.uid);
    assert.equal(allPods(api).length, 2);
  });

  it('stops cleanly: no writes after stop() resolved', async () => {
    const api = new FakeApi();
    api.seed(paths.deployments(), deployment('web', 1));
    start(api);
    await eventually('a ReplicaSet', () => rsList(api).length === 1);
    for (const c of stops) await c.stop();
    stops = [];
    const calls = api.calls.length;
    edit(api, (d) => (d.spec.replicas = 3));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.calls.length, calls);
  });
});

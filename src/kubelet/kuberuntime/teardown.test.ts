// Tests of sandbox teardown: container stops first when asked, stop-then-remove, known-stopped sandboxes, failures left for the next try, orphans.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodSandboxConfig } from '../../cri/types.js';
import { FakeRuntime } from '../testing/fake-runtime.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { POD_UID_LABEL } from '../container/labels.js';
import { removeOrphanedSandboxes, teardownPodSandboxes } from './teardown.js';

const sandboxConfig = (name: string, labels: Record<string, string> = {}): PodSandboxConfig => ({ metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 }, labels });

async function podWith(runtime: FakeRuntime, name: string, containers: { name: string; running: boolean }[]): Promise<{ sandboxId: string; containerIds: string[] }> {
  const config = sandboxConfig(name);
  const sandboxId = await runtime.runPodSandbox(config);
  const containerIds: string[] = [];
  for (const c of containers) {
    const id = await runtime.createContainer(sandboxId, { metadata: { name: c.name, attempt: 0 }, image: { image: 'busybox' } }, config);
    if (c.running) await runtime.startContainer(id);
    containerIds.push(id);
  }
  return { sandboxId, containerIds };
}

test('teardownPodSandboxes stops the running containers with the given timeout, then stops and removes the sandbox', async () => {
  const runtime = new FakeRuntime(new FakeClock());
  const { sandboxId } = await podWith(runtime, 'orphan', [
    { name: 'app', running: true },
    { name: 'done', running: false },
  ]);
  runtime.calls.length = 0;
  const result = await teardownPodSandboxes(runtime, [{ id: sandboxId }], { stopContainersTimeoutSeconds: 2 });
  assert.deepEqual(runtime.calls, ['StopContainer app 2', `StopPodSandbox ${sandboxId}`, `RemovePodSandbox ${sandboxId}`]);
  assert.deepEqual(result, { removed: [sandboxId], failed: [] });
  assert.deepEqual(await runtime.listPodSandbox(), []);
});

test('teardownPodSandboxes skips StopPodSandbox for a sandbox known stopped and removes the given containers afterwards', async () => {
  const runtime = new FakeRuntime(new FakeClock());
  const { sandboxId, containerIds } = await podWith(runtime, 'gone', [{ name: 'app', running: false }]);
  runtime.calls.length = 0;
  const result = await teardownPodSandboxes(runtime, [{ id: sandboxId, ready: false }], { containerIds });
  assert.deepEqual(runtime.calls, [`RemovePodSandbox ${sandboxId}`, `RemoveContainer ${containerIds[0]}`]);
  assert.deepEqual(result.removed, [sandboxId]);
});

test('teardownPodSandboxes leaves a sandbox whose stop failed, reports it, and goes on with the next', async () => {
  const runtime = new FakeRuntime(new FakeClock());
  const first = await podWith(runtime, 'stuck', []);
  const second = await podWith(runtime, 'fine', []);
  const stop = runtime.stopPodSandbox.bind(runtime);
  runtime.stopPodSandbox = async (id: string): Promise<void> => {
    if (id === first.sandboxId) throw Object.assign(new Error('rpc error'), { details: 'failed to stop sandbox: device busy' });
    await stop(id);
  };
  const result = await teardownPodSandboxes(runtime, [{ id: first.sandboxId }, { id: second.sandboxId }]);
  assert.deepEqual(result, { removed: [second.sandboxId], failed: [{ id: first.sandboxId, message: 'failed to stop sandbox: device busy' }] });
  assert.deepEqual(
    (await runtime.listPodSandbox()).map((s) => s.id),
    [first.sandboxId],
  );
});

test('removeOrphanedSandboxes removes the sandboxes of unknown pods, stopping their running containers with 2 s, and keeps the rest', async () => {
  const runtime = new FakeRuntime(new FakeClock());
  const labelled = (uid: string): PodSandboxConfig => sandboxConfig(uid, { [POD_UID_LABEL]: uid, 'io.kubernetes.pod.name': uid, 'io.kubernetes.pod.namespace': 'default' });
  const orphan = await runtime.runPodSandbox(labelled('gone'));
  await runtime.startContainer(await runtime.createContainer(orphan, { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox' } }, labelled('gone')));
  const known = await runtime.runPodSandbox(labelled('kept'));
  const foreign = await runtime.runPodSandbox(sandboxConfig('not-ours'));
  runtime.calls.length = 0;
  const logged: string[] = [];
  await removeOrphanedSandboxes(runtime, (uid) => uid === 'kept', (m) => logged.push(m));
  assert.deepEqual(runtime.calls, ['StopContainer app 2', `StopPodSandbox ${orphan}`, `RemovePodSandbox ${orphan}`]);
  assert.deepEqual(logged, [`removing orphaned sandbox ${orphan} of pod default/gone (gone)`]);
  assert.deepEqual((await runtime.listPodSandbox()).map((s) => s.id).sort(), [known, foreign].sort());
});

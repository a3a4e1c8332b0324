// StatusManager and the status generator: no pods/status write unless the status changed, even as time passes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types.js';
import { ReasonCache } from '../container/reason-cache.js';
import { FakeApi } from '../testing/fake-api.js';
import { container, instance, makePod, runtimeStatus, sandbox } from '../testing/builders.js';
import { generateAPIPodStatus } from './generate.js';
import { StatusManager } from './status-manager.js';

const statusWrites = (api: FakeApi): number => api.calls.filter((c) => c.startsWith('PUT pods/status')).length;

test('StatusManager writes pods/status once for a status set repeatedly without change', async () => {
  const api = new FakeApi();
  const pod = api.seed<Pod>('pods', makePod('p', ['a']));
  const sm = new StatusManager(api);
  const status = { phase: 'Pending' as const, conditions: [{ type: 'Ready', status: 'False' as const }] };
  for (let i = 0; i < 20; i++) await sm.setPodStatus(pod, structuredClone(status));
  assert.equal(statusWrites(api), 1);
  await sm.setPodStatus(pod, { ...status, phase: 'Running' });
  assert.equal(statusWrites(api), 2);
});

test('generateAPIPodStatus gives the same status on every attempt of a container that keeps failing the same way', async () => {
  const api = new FakeApi();
  const c = container('a', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] });
  const pod = api.seed<Pod>('pods', makePod('p', [], { containers: [c] }));
  const sm = new StatusManager(api);
  const reasons = new ReasonCache();
  let now = Date.parse('2025-01-01T00:00:00Z');
  for (let attempt = 0; attempt < 30; attempt++) {
    reasons.set(pod.metadata.uid!, 'a', { reason: 'CreateContainerConfigError', message: 'configmap "cm" not found' });
    const old = sm.getCached(pod.metadata.uid!);
    const status = generateAPIPodStatus({
      pod: old ? { ...pod, status: old } : pod,
      runtime: runtimeStatus(pod, [sandbox()], []),
      reasons,
      runtimeName: 'containerd',
      nodeIP: '127.0.0.1',
      podIsTerminal: false,
      now,
    });
    await sm.setPodStatus(pod, status);
    now += 12_345;
  }
  assert.equal(statusWrites(api), 1);
});

test('generateAPIPodStatus of a crash-looping container changes only when the runtime state changes', async () => {
  const api = new FakeApi();
  const pod = api.seed<Pod>('pods', makePod('p', ['a']));
  const sm = new StatusManager(api);
  const reasons = new ReasonCache();
  const exited = instance('a', 'exited', { exitCode: 1, restartCount: 3 });
  let now = Date.parse('2025-01-01T00:00:00Z');
  for (let attempt = 0; attempt < 10; attempt++) {
    reasons.set(pod.metadata.uid!, 'a', { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=a pod=p_default(uid-p)' });
    const old = sm.getCached(pod.metadata.uid!);
    await sm.setPodStatus(pod, generateAPIPodStatus({ pod: old ? { ...pod, status: old } : pod, runtime: runtimeStatus(pod, [sandbox()], [exited]), reasons, runtimeName: 'containerd', nodeIP: '127.0.0.1', podIsTerminal: false, now }));
    now += 1_000;
  }
  assert.equal(statusWrites(api), 1);
});

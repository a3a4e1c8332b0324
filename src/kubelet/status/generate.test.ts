// Tests of generateAPIPodStatus: phase (§2), conditions (§3), container states and waiting reasons (§4, §9).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, PodStatus } from '../../api/types.js';
import type { RuntimeContainerStatus, RuntimeSandboxStatus } from '../container/runtime.js';
import { ReasonCache } from '../container/reason-cache.js';
import { container, instance, makePod, runtimeStatus, sandbox } from '../testing/builders.js';
import { generateAPIPodStatus } from './generate.js';

const NOW = Date.parse('2025-01-01T00:10:00Z');

function gen(pod: Pod, sbs: RuntimeSandboxStatus[], cs: RuntimeContainerStatus[], opts: { reasons?: ReasonCache; terminal?: boolean } = {}): PodStatus {
  return generateAPIPodStatus({
    pod,
    runtime: runtimeStatus(pod, sbs, cs),
    reasons: opts.reasons ?? new ReasonCache(),
    runtimeName: 'containerd',
    nodeIP: '127.0.0.1',
    podIsTerminal: opts.terminal ?? false,
    now: NOW,
  });
}

function cond(s: PodStatus, type: string): { status: string; reason?: string; message?: string } | undefined {
  return s.conditions?.find((c) => c.type === type);
}

test('generateAPIPodStatus reports a new pod Pending with ContainerCreating', () => {
  const pod = makePod('p', ['a']);
  const s = gen(pod, [], []);
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.containerStatuses?.[0]?.state, { waiting: { reason: 'ContainerCreating' } });
  assert.deepEqual(s.conditions?.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'False');
  assert.equal(s.qosClass, 'BestEffort');
  assert.equal(s.hostIP, '127.0.0.1');
});

test('generateAPIPodStatus reports a running pod Ready with containerd IDs and pod IP', () => {
  const pod = makePod('p', ['a', 'b']);
  const s = gen(pod, [sandbox()], [instance('a', 'running', { id: 'abc' }), instance('b', 'running')]);
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.88.0.5');
  assert.deepEqual(s.podIPs, [{ ip: '10.88.0.5' }]);
  assert.equal(s.containerStatuses?.[0]?.containerID, 'containerd://abc');
  assert.equal(s.containerStatuses?.[0]?.ready, true);
  assert.equal(s.containerStatuses?.[0]?.started, true);
  assert.equal(cond(s, 'Ready')?.status, 'True');
  assert.equal(cond(s, 'ContainersReady')?.status, 'True');
  assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'True');
});

test('generateAPIPodStatus shows CrashLoopBackOff with lastState and stays Running under Always', () => {
  const pod = makePod('p', ['a']);
  const reasons = new ReasonCache();
  reasons.set('uid-p', 'a', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=a pod=p_default(uid-p)' });
  const s = gen(pod, [sandbox()], [instance('a', 'exited', { exitCode: 1, restartCount: 0 }), instance('a', 'exited', { exitCode: 1, restartCount: 1 })], { reasons });
  const cs = s.containerStatuses![0]!;
  assert.equal(s.phase, 'Running');
  assert.equal(cs.state?.waiting?.reason, 'CrashLoopBackOff');
  assert.equal(cs.lastState?.terminated?.exitCode, 1);
  assert.equal(cs.lastState?.terminated?.reason, 'Error');
  assert.equal(cs.restartCount, 1);
  assert.equal(cond(s, 'ContainersReady')?.message, 'containers with unready status: [a]');
});

test('generateAPIPodStatus reports Succeeded for a Never pod whose containers exited 0', () => {
  const pod = makePod('p', ['a'], { restartPolicy: 'Never' });
  const s = gen(pod, [sandbox({ ready: false })], [instance('a', 'exited')]);
  assert.equal(s.phase, 'Succeeded');
  assert.equal(s.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
  assert.deepEqual(cond(s, 'ContainersReady'), { type: 'ContainersReady', status: 'False', reason: 'PodCompleted', lastProbeTime: null, lastTransitionTime: '2025-01-01T00:10:00Z' });
});

test('generateAPIPodStatus reports Failed for a Never pod whose container failed', () => {
  const pod = makePod('p', ['a', 'b'], { restartPolicy: 'Never' });
  const s = gen(pod, [sandbox()], [instance('a', 'exited', { exitCode: 3 }), instance('b', 'exited')]);
  assert.equal(s.phase, 'Failed');
});

test('generateAPIPodStatus keeps a terminal phase sticky', () => {
  const pod = makePod('p', ['a']);
  pod.status = { phase: 'Succeeded' };
  const s = gen(pod, [sandbox()], [instance('a', 'running')]);
  assert.equal(s.phase, 'Succeeded');
});

test('generateAPIPodStatus shows Init:0/2 state while the first init container runs', () => {
  const pod = makePod('p', ['app'], { initContainers: [container('init1'), container('init2')] });
  const s = gen(pod, [sandbox()], [instance('init1', 'running')]);
  assert.equal(s.phase, 'Pending');
  assert.ok(s.initContainerStatuses?.[0]?.state?.running);
  assert.equal(s.initContainerStatuses?.[1]?.state?.waiting?.reason, 'PodInitializing');
  assert.equal(s.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
  assert.deepEqual(
    { status: cond(s, 'Initialized')?.status, reason: cond(s, 'Initialized')?.reason, message: cond(s, 'Initialized')?.message },
    { status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init1 init2]' },
  );
});

test('generateAPIPodStatus marks completed init containers ready and the pod Initialized', () => {
  const pod = makePod('p', ['app'], { initContainers: [container('init1')] });
  const s = gen(pod, [sandbox()], [instance('init1', 'exited'), instance('app', 'running')]);
  assert.equal(s.initContainerStatuses?.[0]?.ready, true);
  assert.equal(cond(s, 'Initialized')?.status, 'True');
  assert.equal(s.phase, 'Running');
});

test('generateAPIPodStatus fails a Never pod whose init container failed', () => {
  const pod = makePod('p', ['app'], { restartPolicy: 'Never', initContainers: [container('init1'), container('init2')] });
  const s = gen(pod, [sandbox()], [instance('init1', 'exited'), instance('init2', 'exited', { exitCode: 1 })]);
  assert.equal(s.phase, 'Failed');
  assert.equal(cond(s, 'Initialized')?.message, 'containers with incomplete status: [init2]');
  assert.equal(s.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
});

test('generateAPIPodStatus treats missing init statuses of an initialized pod as Completed', () => {
  const pod = makePod('p', ['app'], { initContainers: [container('init1')] });
  const s = gen(pod, [sandbox()], [instance('app', 'running')]);
  assert.equal(s.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
  assert.equal(s.initContainerStatuses?.[0]?.ready, true);
});

test('generateAPIPodStatus counts a running sidecar and ignores a terminated one for the phase', () => {
  const pod = makePod('p', ['app'], { restartPolicy: 'Never', initContainers: [container('side', { restartPolicy: 'Always' })] });
  const running = gen(pod, [sandbox()], [instance('side', 'running'), instance('app', 'running')]);
  assert.equal(running.phase, 'Running');
  assert.equal(running.initContainerStatuses?.[0]?.started, true);
  assert.equal(cond(running, 'ContainersReady')?.status, 'True');
  const done = gen(pod, [sandbox({ ready: false })], [instance('side', 'exited', { exitCode: 137 }), instance('app', 'exited')]);
  assert.equal(done.phase, 'Succeeded');
});

test('generateAPIPodStatus keeps lastTransitionTime when a condition did not change', () => {
  const pod = makePod('p', ['a']);
  pod.status = { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-12-31T00:00:00Z' }] };
  const s = gen(pod, [sandbox()], [instance('a', 'running')]);
  assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, '2024-12-31T00:00:00Z');
});

test('generateAPIPodStatus reports ErrImagePull from the reason cache', () => {
  const pod = makePod('p', ['a']);
  const reasons = new ReasonCache();
  reasons.set('uid-p', 'a', { reason: 'ErrImagePull', message: 'not found' });
  const s = gen(pod, [sandbox()], [], { reasons });
  assert.deepEqual(s.containerStatuses?.[0]?.state, { waiting: { reason: 'ErrImagePull', message: 'not found' } });
  assert.equal(s.phase, 'Pending');
});

test('generateAPIPodStatus computes Guaranteed and Burstable QoS', () => {
  const g = makePod('p', []);
  g.spec.containers = [container('a', { resources: { limits: { cpu: '1', memory: '1Gi' } } })];
  assert.equal(gen(g, [], []).qosClass, 'Guaranteed');
  const b = makePod('p', []);
  b.spec.containers = [container('a', { resources: { requests: { cpu: '100m' } } })];
  assert.equal(gen(b, [], []).qosClass, 'Burstable');
});

test('generateAPIPodStatus reports ephemeral containers in ephemeralContainerStatuses, never ready, outside phase and readiness', () => {
  const pod = makePod('p', ['a'], { ephemeralContainers: [container('debug'), container('later')] });
  const reasons = new ReasonCache();
  reasons.set('uid-p', 'later', { reason: 'CreateContainerConfigError', message: 'unable to find target container gone' });
  const s = gen(pod, [sandbox()], [instance('a', 'running'), instance('debug', 'exited', { exitCode: 0, id: 'dbg' })], { reasons });
  assert.equal(s.phase, 'Running');
  assert.equal(cond(s, 'Ready')?.status, 'True');
  assert.deepEqual(s.containerStatuses?.map((c) => c.name), ['a']);
  assert.deepEqual(s.ephemeralContainerStatuses?.map((c) => [c.name, c.ready, c.started]), [
    ['debug', false, undefined],
    ['later', false, undefined],
  ]);
  assert.equal(s.ephemeralContainerStatuses?.[0]?.containerID, 'containerd://dbg');
  assert.equal(s.ephemeralContainerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  assert.deepEqual(s.ephemeralContainerStatuses?.[1]?.state, { waiting: { reason: 'CreateContainerConfigError', message: 'unable to find target container gone' } });
  assert.equal(gen(makePod('p', ['a']), [sandbox()], [instance('a', 'running')]).ephemeralContainerStatuses, undefined);
});

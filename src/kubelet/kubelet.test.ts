// End-to-end tests of the kubelet against the in-memory API and the fake CRI: lifecycle, ordering, restart safety.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Event, Node, Pod } from '../api/types.js';
import { startKubelet, type Kubelet } from './kubelet.js';
import { container, makePod } from './testing/builders.js';
import { FakeApi } from './testing/fake-api.js';
import { FakeRuntime } from './testing/fake-runtime.js';
import { FakeClock } from '../api/testing/fake-clock.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Env {
  api: FakeApi;
  cri: FakeRuntime;
  clock: FakeClock;
  kubelet: Kubelet;
  root: string;
}

async function setup(opts: { api?: FakeApi; cri?: FakeRuntime; root?: string; clock?: FakeClock; resyncMs?: number; plegPeriodMs?: number; podWarnings?: (pod: Pod) => { reason: string; message: string; fieldPath?: string }[] } = {}): Promise<Env> {
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'kubelet-test-'));
  if (!opts.root) dirs.push(root);
  const clock = opts.clock ?? new FakeClock(Date.now());
  const api = opts.api ?? new FakeApi();
  const cri = opts.cri ?? new FakeRuntime(clock);
  cri.addImage('busybox:1.36');
  const kubelet = await startKubelet({
    client: api,
    runtime: cri,
    images: cri,
    nodeName: 'node1',
    rootDir: join(root, 'kubelet'),
    podLogsDir: join(root, 'pod-logs'),
    server: { host: '127.0.0.1', port: 0 },
    clock,
    resyncMs: opts.resyncMs ?? 100,
    ...(opts.plegPeriodMs !== undefined ? { plegPeriodMs: opts.plegPeriodMs } : {}),
    syncBackOffMs: 200,
    log: () => {},
    ...(opts.podWarnings ? { podWarnings: opts.podWarnings } : {}),
  });
  return { api, cri, clock, kubelet, root };
}

function bind(api: FakeApi, pod: Pod): Pod {
  pod.spec.nodeName = 'node1';
  return api.seed('pods', pod);
}

function podStatus(api: FakeApi, name: string): Pod['status'] {
  return api.find<Pod>('pods', 'default', name)?.status;
}

test('kubelet registers its node with Ready, addresses and the server port', async () => {
  const env = await setup();
  try {
    const node = await until('node', () => env.api.find<Node>('nodes', '', 'node1')?.status?.nodeInfo ? env.api.find<Node>('nodes', '', 'node1') : undefined);
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, env.kubelet.port);
    assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, 'containerd://1.6.20');
    assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.32.0+k1s1');
    assert.deepEqual(node.status?.addresses?.[0], { type: 'InternalIP', address: '127.0.0.1' });
    assert.equal(node.status?.capacity?.pods, '110');
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet reports the node NotReady within seconds while its runtime is down, and Ready again after', async () => {
  const env = await setup();
  const ready = () => env.api.find<Node>('nodes', '', 'node1')?.status?.conditions?.find((c) => c.type === 'Ready');
  try {
    bind(env.api, makePod('stays', ['a']));
    await until('running', () => podStatus(env.api, 'stays')?.containerStatuses?.[0]?.state?.running);
    const id = podStatus(env.api, 'stays')?.containerStatuses?.[0]?.containerID;
    await until('Ready', () => ready()?.status === 'True');
    env.cri.down = true;
    const notReady = await until('NotReady', () => (ready()?.status === 'False' ? ready() : undefined), 3_000);
    assert.equal(notReady.reason, 'KubeletNotReady');
    assert.equal(notReady.message, 'container runtime is down');
    env.cri.down = false;
    const back = await until('Ready again', () => (ready()?.status === 'True' ? ready() : undefined), 3_000);
    assert.equal(back.reason, 'KubeletReady');
    assert.equal(back.message, 'kubelet is posting ready status');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(podStatus(env.api, 'stays')?.containerStatuses?.[0]?.containerID, id);
    assert.equal(env.cri.calls.filter((c) => c.startsWith('CreateContainer')).length, 1);
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet runs a pod to Running and records Pulled, Created and Started events', async () => {
  const env = await setup();
  try {
    bind(env.api, makePod('web', ['a', 'b']));
    const st = await until('running', () => (podStatus(env.api, 'web')?.containerStatuses?.every((c) => c.state?.running) ? podStatus(env.api, 'web') : undefined));
    assert.equal(st?.phase, 'Running');
    assert.match(st?.podIP ?? '', /^10\.88\.0\./);
    await until('events', () => [...env.api.objects.values()].filter((o) => o.kind === 'Event').length >= 6);
    const events = [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event');
    const msgs = events.map((e) => `${e.reason} ${e.involvedObject.fieldPath} ${e.message}`);
    assert.ok(msgs.includes('Pulled spec.containers{a} Container image "busybox:1.36" already present on machine'), msgs.join('\n'));
    assert.ok(msgs.includes('Created spec.containers{a} Created container: a'));
    assert.ok(msgs.includes('Started spec.containers{b} Started container b'));
    assert.equal(events[0]?.source?.component, 'kubelet');
    assert.equal(env.cri.calls.filter((c) => c.startsWith('RunPodSandbox')).length, 1);
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet runs init containers one at a time in order, then the app containers', async () => {
  const env = await setup();
  env.cri.onStart = (c) => {
    if (c.config.metadata.name.startsWith('init')) env.cri.finish(c, 0);
  };
  try {
    bind(env.api, makePod('p', ['app'], { initContainers: [container('init1'), container('init2')] }));
    await until('app running', () => podStatus(env.api, 'p')?.containerStatuses?.[0]?.state?.running);
    const starts = env.cri.calls.filter((c) => c.startsWith('StartContainer'));
    assert.deepEqual(starts, ['StartContainer init1', 'StartContainer init2', 'StartContainer app']);
    const st = podStatus(env.api, 'p');
    assert.equal(st?.initContainerStatuses?.[1]?.state?.terminated?.reason, 'Completed');
    assert.equal(st?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet starts the app containers soon after a short init container exits, without waiting for a resync or the PLEG', async () => {
  // resync and relist a minute apart: only the pod worker's own re-check after starting the init container sees it exit
  const env = await setup({ resyncMs: 60_000, plegPeriodMs: 60_000 });
  env.cri.onStart = (c) => {
    if (c.config.metadata.name === 'init') setTimeout(() => env.cri.finish(c, 0), 200);
  };
  try {
    bind(env.api, makePod('p', ['app'], { initContainers: [container('init')] }));
    await until('app running', () => podStatus(env.api, 'p')?.containerStatuses?.[0]?.state?.running, 3000);
    assert.deepEqual(env.cri.calls.filter((c) => c.startsWith('StartContainer')), ['StartContainer init', 'StartContainer app']);
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet starts sidecars before the next init container and the pod completes when the app exits', async () => {
  const env = await setup();
  env.cri.onStart = (c) => {
    if (c.config.metadata.name === 'init1') env.cri.finish(c, 0);
  };
  try {
    bind(env.api, makePod('job', ['app'], { restartPolicy: 'Never', initContainers: [container('side1', { restartPolicy: 'Always' }), container('init1'), container('side2', { restartPolicy: 'Always' })] }));
    await until('app running', () => podStatus(env.api, 'job')?.containerStatuses?.[0]?.state?.running);
    assert.deepEqual(env.cri.calls.filter((c) => c.startsWith('StartContainer')), ['StartContainer side1', 'StartContainer init1', 'StartContainer side2', 'StartContainer app']);
    env.cri.exit('app', 0);
    const st = await until('succeeded', () => (podStatus(env.api, 'job')?.phase === 'Succeeded' ? podStatus(env.api, 'job') : undefined));
    assert.equal(st.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
    const stops = env.cri.calls.filter((c) => c.startsWith('StopContainer')).map((c) => c.split(' ')[1]);
    assert.deepEqual(stops, ['side2', 'side1'], 'sidecars stop in reverse order');
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet terminates a deleted pod: regular containers first, sidecars in reverse, then removes the object', async () => {
  const env = await setup();
  try {
    const pod = bind(env.api, makePod('del', ['a', 'b'], { terminationGracePeriodSeconds: 5, initContainers: [container('s1', { restartPolicy: 'Always' }), container('s2', { restartPolicy: 'Always' })] }));
    await until('running', () => podStatus(env.api, 'del')?.containerStatuses?.every((c) => c.state?.running));
    const current = env.api.find<Pod>('pods', 'default', 'del')!;
    current.metadata.deletionTimestamp = new Date().toISOString();
    current.metadata.deletionGracePeriodSeconds = 5;
    env.api.put('pods', current);
    await until('deleted', () => !env.api.find('pods', 'default', 'del'));
    const stops = env.cri.calls.filter((c) => c.startsWith('StopContainer'));
    assert.deepEqual(stops.slice(0, 2).map((c) => c.split(' ')[1]).sort(), ['a', 'b']);
    assert.deepEqual(stops.slice(2).map((c) => c.split(' ')[1]), ['s2', 's1']);
    assert.ok(stops.every((c) => c.endsWith(' 5')), stops.join(','));
    assert.ok(env.api.calls.includes('DELETE pods del grace=0'));
    assert.equal(env.cri.sandboxes.size, 0);
    const killing = [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event' && o.reason === 'Killing').map((e) => e.message);
    assert.ok(killing.includes('Stopping container a'));
    assert.equal(pod.metadata.uid, current.metadata.uid);
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet restarts a crashed container with back-off and reports CrashLoopBackOff', async () => {
  const env = await setup();
  try {
    bind(env.api, makePod('crash', ['a']));
    await until('running', () => podStatus(env.api, 'crash')?.containerStatuses?.[0]?.state?.running);
    env.cri.exit('a', 1); // first crash: restarted at once, opening a 10 s window
    await until('restart 1', () => podStatus(env.api, 'crash')?.containerStatuses?.[0]?.restartCount === 1 && podStatus(env.api, 'crash')?.containerStatuses?.[0]?.state?.running);
    env.cri.exit('a', 1); // second crash inside the window → CrashLoopBackOff
    const st = await until('backoff', () => (podStatus(env.api, 'crash')?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' ? podStatus(env.api, 'crash') : undefined));
    assert.equal(st.containerStatuses?.[0]?.state?.waiting?.message, `back-off 10s restarting failed container=a pod=crash_default(uid-crash)`);
    assert.equal(st.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
    assert.equal(st.phase, 'Running');
    env.clock.advance(11_000);
    await until('restart 2', () => podStatus(env.api, 'crash')?.containerStatuses?.[0]?.restartCount === 2 && podStatus(env.api, 'crash')?.containerStatuses?.[0]?.state?.running);
  } finally {
    await env.kubelet.stop();
  }
});

test("kubelet records a pod's spec warnings as Warning events once, and a restarted kubelet does not repeat them", async () => {
  const podWarnings = (pod: Pod) => pod.spec.containers.slice(1).map((c) => ({ reason: 'MultiContainerLint', message: `about ${c.name}`, fieldPath: `spec.containers{${c.name}}` }));
  const lintEvents = () => [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event' && (o as Event).reason === 'MultiContainerLint');
  const env = await setup({ podWarnings });
  bind(env.api, makePod('warned', ['a', 'b']));
  await until('running', () => podStatus(env.api, 'warned')?.containerStatuses?.every((c) => c.state?.running));
  await until('lint event', () => lintEvents().length > 0);
  await env.kubelet.stop();
  const again = await setup({ api: env.api, cri: env.cri, root: env.root, clock: env.clock, podWarnings });
  try {
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(
      lintEvents().map((e) => [e.type, e.involvedObject.name, e.involvedObject.fieldPath, e.message, e.count, e.source?.component]),
      [['Warning', 'warned', 'spec.containers{b}', 'about b', 1, 'kubelet']],
    );
  } finally {
    await again.kubelet.stop();
  }
});

test('a restarted kubelet adopts running containers and never re-runs completed init containers', async () => {
  const env = await setup();
  env.cri.onStart = (c) => {
    if (c.config.metadata.name === 'init') env.cri.finish(c, 0);
  };
  bind(env.api, makePod('keep', ['app'], { initContainers: [container('init')] }));
  await until('app running', () => podStatus(env.api, 'keep')?.containerStatuses?.[0]?.state?.running);
  await env.kubelet.stop();
  const callsBefore = env.cri.calls.length;
  // the runtime garbage-collected the completed init container meanwhile
  for (const [id, c] of env.cri.containers) if (c.config.metadata.name === 'init') env.cri.containers.delete(id);
  const again = await setup({ api: env.api, cri: env.cri, root: env.root, clock: env.clock });
  try {
    await new Promise((r) => setTimeout(r, 600));
    const newCalls = env.cri.calls.slice(callsBefore).filter((c) => /^(RunPodSandbox|CreateContainer|StartContainer|StopContainer)/.test(c));
    assert.deepEqual(newCalls, []);
    assert.equal(podStatus(env.api, 'keep')?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
  } finally {
    await again.kubelet.stop();
  }
});

test('a restarted kubelet replaces the container its predecessor created but never started, without counting a restart', async () => {
  const env = await setup();
  bind(env.api, makePod('half', ['a', 'b']));
  await until('both running', () => podStatus(env.api, 'half')?.containerStatuses?.every((c) => c.state?.running));
  await env.kubelet.stop();
  // as if the kubelet had been killed between CreateContainer and StartContainer of b
  const b = env.cri.latest('b')!;
  b.state = 'CONTAINER_CREATED';
  b.startedAt = 0;
  const callsBefore = env.cri.calls.length;
  const again = await setup({ api: env.api, cri: env.cri, root: env.root, clock: env.clock });
  try {
    await until('b running again', () => podStatus(env.api, 'half')?.containerStatuses?.find((c) => c.name === 'b')?.state?.running && env.cri.latest('b')?.state === 'CONTAINER_RUNNING');
    const newCalls = env.cri.calls.slice(callsBefore).filter((c) => /^(RunPodSandbox|CreateContainer|StartContainer|StopContainer|RemoveContainer)/.test(c));
    assert.deepEqual(newCalls, ['RemoveContainer b', 'CreateContainer b', 'StartContainer b']);
    const st = podStatus(env.api, 'half')?.containerStatuses?.find((c) => c.name === 'b');
    assert.equal(st?.containerID, `containerd://${env.cri.latest('b')!.id}`);
    assert.equal(st?.restartCount, 0);
    assert.equal(env.cri.latest('b')!.config.metadata.attempt, 0);
  } finally {
    await again.kubelet.stop();
  }
});

test('kubelet reports CreateContainerConfigError for a missing configmap and starts once it exists', async () => {
  const env = await setup();
  try {
    bind(env.api, makePod('cfg', [], { containers: [container('a', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] })] }));
    const st = await until('config error', () => podStatus(env.api, 'cfg')?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' && podStatus(env.api, 'cfg'));
    assert.equal(st.containerStatuses?.[0]?.state?.waiting?.message, 'configmap "cm" not found');
    env.api.seed('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { k: 'v' } });
    await until('running', () => podStatus(env.api, 'cfg')?.containerStatuses?.[0]?.state?.running, 8000);
    const c = env.cri.latest('a')!;
    assert.deepEqual(c.config.envs, [{ key: 'X', value: 'v' }]);
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet fails a Never pod whose init container failed without starting the app', async () => {
  const env = await setup();
  env.cri.onStart = (c) => {
    if (c.config.metadata.name === 'init') env.cri.finish(c, 2);
  };
  try {
    bind(env.api, makePod('bad', ['app'], { restartPolicy: 'Never', initContainers: [container('init')] }));
    const st = await until('failed', () => (podStatus(env.api, 'bad')?.phase === 'Failed' ? podStatus(env.api, 'bad') : undefined));
    assert.equal(st.initContainerStatuses?.[0]?.state?.terminated?.exitCode, 2);
    assert.equal(st.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
    assert.ok(!env.cri.calls.includes('StartContainer app'));
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet probes readiness and restarts a container whose liveness probe fails', async () => {
  const env = await setup();
  let ready = false;
  let alive = true;
  env.cri.execHandler = (_c, cmd) => ({ stdout: Buffer.alloc(0), stderr: Buffer.from('nope'), exitCode: (cmd[0] === 'ready' ? ready : alive) ? 0 : 1 });
  try {
    bind(env.api, makePod('probed', [], {
      containers: [
        container('a', {
          readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 },
          livenessProbe: { exec: { command: ['alive'] }, periodSeconds: 1, failureThreshold: 1 },
        }),
      ],
    }));
    await until('running not ready', () => podStatus(env.api, 'probed')?.containerStatuses?.[0]?.state?.running);
    assert.equal(podStatus(env.api, 'probed')?.containerStatuses?.[0]?.ready, false);
    const unhealthy = (): string[] => [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event' && (o as Event).reason === 'Unhealthy').map((e) => e.message ?? '');
    await until('readiness failure event', () => unhealthy().includes('Readiness probe failed: nope'));
    ready = true;
    await until('ready', () => podStatus(env.api, 'probed')?.conditions?.find((c) => c.type === 'Ready')?.status === 'True', 5000);
    alive = false;
    await until('restarted', () => (podStatus(env.api, 'probed')?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 8000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}: ${env.cri.calls.join(', ')} ${JSON.stringify(podStatus(env.api, 'probed')?.containerStatuses)}`);
    });
    alive = true;
    const killing = [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event' && (o as Event).reason === 'Killing').map((e) => e.message);
    assert.ok(killing.includes('Container a failed liveness probe, will be restarted'), killing.join());
    assert.ok(unhealthy().includes('Liveness probe failed: nope'));
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet retries a failed RunPodSandbox with the next attempt number and records FailedCreatePodSandBox', async () => {
  const env = await setup();
  const reserved = 'failed to reserve sandbox name "retry_default_x_0": name "retry_default_x_0" is reserved for "4f2c"';
  env.cri.failRunSandbox = reserved;
  try {
    bind(env.api, makePod('retry', ['a']));
    await until('first attempt', () => env.cri.calls.includes('RunPodSandbox retry'));
    env.cri.failRunSandbox = undefined;
    await until('running', () => podStatus(env.api, 'retry')?.containerStatuses?.[0]?.state?.running, 5_000);
    assert.deepEqual([...env.cri.sandboxes.values()].map((sb) => sb.config.metadata.attempt), [1]);
    const events = [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event' && (o as Event).reason === 'FailedCreatePodSandBox');
    assert.deepEqual(events.map((e) => [e.type, e.message]), [['Warning', `Failed to create pod sandbox: ${reserved}`]]);
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet reports the runtime handlers CRI Status gives as node.status.runtimeHandlers, and none when it gives none', async () => {
  const clock = new FakeClock(Date.now());
  const cri = new FakeRuntime(clock);
  cri.reportedHandlers = [{ name: '', features: { recursiveReadOnlyMounts: true, userNamespaces: false } }, { name: 'runc', features: { recursiveReadOnlyMounts: true } }];
  const env = await setup({ clock, cri });
  try {
    const node = await until('node', () => env.api.find<Node>('nodes', '', 'node1')?.status?.runtimeHandlers ? env.api.find<Node>('nodes', '', 'node1') : undefined);
    assert.deepEqual(node.status?.runtimeHandlers, [
      { name: '', features: { recursiveReadOnlyMounts: true, userNamespaces: false } },
      { name: 'runc', features: { recursiveReadOnlyMounts: true, userNamespaces: false } },
    ]);
  } finally {
    await env.kubelet.stop();
  }
  const plain = await setup();
  try {
    const node = await until('node', () => plain.api.find<Node>('nodes', '', 'node1')?.status?.nodeInfo ? plain.api.find<Node>('nodes', '', 'node1') : undefined);
    assert.equal(node.status?.runtimeHandlers, undefined);
  } finally {
    await plain.kubelet.stop();
  }
});

test('kubelet runs a pod\'s sandbox with its RuntimeClass\'s handler; a pod without one gets the default handler', async () => {
  const env = await setup();
  try {
    env.api.seed('runtimeclasses', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'plain' }, handler: 'runc' });
    bind(env.api, { ...makePod('classy', ['a']), spec: { ...makePod('classy', ['a']).spec, runtimeClassName: 'plain' } });
    bind(env.api, makePod('unclassed', ['a']));
    await until('both running', () => ['classy', 'unclassed'].every((n) => podStatus(env.api, n)?.containerStatuses?.[0]?.state?.running));
    const handlers = Object.fromEntries([...env.cri.sandboxes.values()].map((sb) => [sb.config.metadata.name, sb.runtimeHandler]));
    assert.deepEqual(handlers, { classy: 'runc', unclassed: '' });
    assert.deepEqual((await env.cri.listPodSandbox()).map((sb) => [sb.metadata?.name, sb.runtimeHandler]).sort(), [['classy', 'runc'], ['unclassed', '']]);
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet fails the sandbox of a pod whose RuntimeClass does not exist, and runs it once the class appears', async () => {
  const env = await setup();
  try {
    bind(env.api, { ...makePod('ghostly', ['a']), spec: { ...makePod('ghostly', ['a']).spec, runtimeClassName: 'ghost' } });
    const failures = (): Event[] => [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event' && (o as Event).reason === 'FailedCreatePodSandBox');
    await until('FailedCreatePodSandBox', () => failures().length > 0);
    assert.deepEqual(failures().map((e) => [e.type, e.message]), [['Warning', 'Failed to create pod sandbox: runtimeclass.node.k8s.io "ghost" not found']]);
    assert.equal(env.cri.calls.filter((c) => c === 'RunPodSandbox ghostly').length, 0, 'no RunPodSandbox without a handler');
    assert.equal(podStatus(env.api, 'ghostly')?.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
    env.api.seed('runtimeclasses', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'ghost' }, handler: 'runc' });
    await until('running', () => podStatus(env.api, 'ghostly')?.containerStatuses?.[0]?.state?.running, 5_000);
    assert.deepEqual([...env.cri.sandboxes.values()].map((sb) => sb.runtimeHandler), ['runc']);
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet records the runtime\'s answer to an unknown handler as Go prints a CRI error, and keeps the pod ContainerCreating', async () => {
  const env = await setup();
  try {
    env.api.seed('runtimeclasses', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'exotic' }, handler: 'nosuch' });
    bind(env.api, { ...makePod('exotic', ['a']), spec: { ...makePod('exotic', ['a']).spec, runtimeClassName: 'exotic' } });
    const failures = (): Event[] => [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event' && (o as Event).reason === 'FailedCreatePodSandBox');
    await until('FailedCreatePodSandBox', () => failures().length > 0);
    assert.deepEqual(failures().map((e) => [e.type, e.message]), [
      ['Warning', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nosuch" is configured'],
    ]);
    assert.equal(env.cri.sandboxes.size, 0);
    await until('ContainerCreating', () => podStatus(env.api, 'exotic')?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating');
    assert.equal(podStatus(env.api, 'exotic')?.phase, 'Pending');
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet backs off a pod whose sandbox cannot be created; status writes coming back through the watch do not retry it', async () => {
  const env = await setup();
  env.cri.failRunSandbox = 'cni plugin not initialized';
  try {
    bind(env.api, makePod('nosb', ['a']));
    await until('first attempt', () => env.cri.calls.includes('RunPodSandbox nosb'));
    const t0 = Date.now();
    // pod/status writes (as the status manager's come back through the watch) while the pod is in back-off
    for (let i = 0; i < 50; i++) {
      const cur = env.api.find<Pod>('pods', 'default', 'nosb')!;
      await env.api.update(`/api/v1/namespaces/default/pods/nosb/status`, { ...cur, status: { ...cur.status, message: `write ${i}` } });
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 1_000 - (Date.now() - t0)));
    const attempts = env.cri.calls.filter((c) => c === 'RunPodSandbox nosb').length;
    // back-off 200–300 ms in this setup: at most 1 + 1000/200 attempts in the first second
    assert.ok(attempts <= 6, `${attempts} sandbox attempts in ~1 s`);
    const events = [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event' && (o as Event).reason === 'FailedCreatePodSandBox');
    assert.equal(events.length, 1, 'identical failures are one Event');
    assert.equal(events[0]?.count, attempts);
  } finally {
    await env.kubelet.stop();
  }
});

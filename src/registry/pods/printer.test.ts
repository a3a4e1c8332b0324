/** Table-driven tests of printPod's READY, STATUS and RESTARTS (k8s-pod-semantics §1). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerStatus, Pod } from '../../api/types.js';
import { podTable, summarizePod } from './printer.js';

const now = new Date('2024-01-01T01:00:00Z');

function cs(name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, ready: false, restartCount: 0, image: 'busybox', imageID: '', ...extra };
}
const running = (name: string, ready = true, extra: Partial<ContainerStatus> = {}): ContainerStatus =>
  cs(name, { state: { running: { startedAt: '2024-01-01T00:00:00Z' } }, ready, started: true, ...extra });
const waiting = (name: string, reason?: string, extra: Partial<ContainerStatus> = {}): ContainerStatus =>
  cs(name, { state: { waiting: reason ? { reason } : {} }, ...extra });
const terminated = (name: string, exitCode: number, reason?: string, extra: Partial<ContainerStatus> = {}): ContainerStatus =>
  cs(name, { state: { terminated: { exitCode, ...(reason ? { reason } : {}) } }, ...extra });

function pod(p: { inits?: { name: string; sidecar?: boolean }[]; apps?: string[]; status?: Pod['status']; deleting?: boolean }): Pod {
  return {
    metadata: {
      name: 'p',
      namespace: 'default',
      creationTimestamp: '2024-01-01T00:00:00Z',
      ...(p.deleting ? { deletionTimestamp: '2024-01-01T00:59:00Z' } : {}),
    },
    spec: {
      initContainers: (p.inits ?? []).map((c) => ({ name: c.name, image: 'busybox', ...(c.sidecar ? { restartPolicy: 'Always' as const } : {}) })),
      containers: (p.apps ?? ['app']).map((name) => ({ name, image: 'busybox' })),
    },
    ...(p.status ? { status: p.status } : {}),
  };
}

const cases: { name: string; pod: Pod; ready: string; status: string; restarts?: string }[] = [
  { name: 'Pending with no statuses', pod: pod({ status: { phase: 'Pending' } }), ready: '0/1', status: 'Pending' },
  {
    name: 'SchedulingGated from the PodScheduled condition',
    pod: pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
    ready: '0/1',
    status: 'SchedulingGated',
  },
  {
    name: 'ContainerCreating from a waiting app container',
    pod: pod({ status: { phase: 'Pending', containerStatuses: [waiting('app', 'ContainerCreating')] } }),
    ready: '0/1',
    status: 'ContainerCreating',
  },
  {
    name: 'Init:0/2 while the first init container runs',
    pod: pod({
      inits: [{ name: 'i1' }, { name: 'i2' }],
      status: { phase: 'Pending', initContainerStatuses: [running('i1', false), waiting('i2', 'PodInitializing')], containerStatuses: [waiting('app', 'PodInitializing')] },
    }),
    ready: '0/1',
    status: 'Init:0/2',
  },
  {
    name: 'Init:1/2 after the first init container completed',
    pod: pod({
      inits: [{ name: 'i1' }, { name: 'i2' }],
      status: { phase: 'Pending', initContainerStatuses: [terminated('i1', 0, 'Completed'), running('i2', false)] },
    }),
    ready: '0/1',
    status: 'Init:1/2',
  },
  {
    name: 'Init:1/2 with a started sidecar before a running init container, sidecar counted in READY',
    pod: pod({
      inits: [{ name: 'side', sidecar: true }, { name: 'i2' }],
      status: { phase: 'Pending', initContainerStatuses: [running('side', true), running('i2', false)] },
    }),
    ready: '1/2',
    status: 'Init:1/2',
  },
  {
    name: 'Init:Error for a failed init container',
    pod: pod({ inits: [{ name: 'i1' }], status: { phase: 'Failed', initContainerStatuses: [terminated('i1', 1, 'Error')] } }),
    ready: '0/1',
    status: 'Init:Error',
  },
  {
    name: 'Init:ExitCode:3 for a failed init container without reason',
    pod: pod({ inits: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [terminated('i1', 3)] } }),
    ready: '0/1',
    status: 'Init:ExitCode:3',
  },
  {
    name: 'Init:Signal:9 for a signalled init container without reason',
    pod: pod({ inits: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [cs('i1', { state: { terminated: { exitCode: 137, signal: 9 } } })] } }),
    ready: '0/1',
    status: 'Init:Signal:9',
  },
  {
    name: 'Init:CrashLoopBackOff for a waiting init container',
    pod: pod({ inits: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [waiting('i1', 'CrashLoopBackOff', { restartCount: 4 })] } }),
    ready: '0/1',
    status: 'Init:CrashLoopBackOff',
    restarts: '4',
  },
  {
    name: 'PodInitializing once init work is done',
    pod: pod({
      inits: [{ name: 'i1' }],
      status: { phase: 'Pending', initContainerStatuses: [terminated('i1', 0, 'Completed')], containerStatuses: [waiting('app', 'PodInitializing')] },
    }),
    ready: '0/1',
    status: 'PodInitializing',
  },
  {
    name: 'Running with a ready sidecar and a ready app container',
    pod: pod({
      inits: [{ name: 'side', sidecar: true }],
      status: { phase: 'Running', initContainerStatuses: [running('side', true)], containerStatuses: [running('app', true)] },
    }),
    ready: '2/2',
    status: 'Running',
  },
  {
    name: 'Running but not ready counts no ready container',
    pod: pod({ status: { phase: 'Running', containerStatuses: [running('app', false)] } }),
    ready: '0/1',
    status: 'Running',
  },
  {
    name: 'Completed when every container terminated with Completed',
    pod: pod({ status: { phase: 'Succeeded', containerStatuses: [terminated('app', 0, 'Completed')] } }),
    ready: '0/1',
    status: 'Completed',
  },
  {
    name: 'NotReady when one container completed and another runs without pod Ready',
    pod: pod({ apps: ['a', 'b'], status: { phase: 'Running', containerStatuses: [terminated('a', 0, 'Completed'), running('b', true)] } }),
    ready: '1/2',
    status: 'NotReady',
  },
  {
    name: 'Running when one container completed, another runs and the pod is Ready',
    pod: pod({
      apps: ['a', 'b'],
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [terminated('a', 0, 'Completed'), running('b', true)] },
    }),
    ready: '1/2',
    status: 'Running',
  },
  {
    name: 'Error for a failed container',
    pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated('app', 1, 'Error')] } }),
    ready: '0/1',
    status: 'Error',
  },
  {
    name: 'ExitCode:2 for a terminated container without reason',
    pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated('app', 2)] } }),
    ready: '0/1',
    status: 'ExitCode:2',
  },
  {
    name: 'CrashLoopBackOff with restarts and the age of the last termination',
    pod: pod({
      status: {
        phase: 'Running',
        containerStatuses: [
          waiting('app', 'CrashLoopBackOff', { restartCount: 5, lastState: { terminated: { exitCode: 1, finishedAt: '2024-01-01T00:57:30Z' } } }),
        ],
      },
    }),
    ready: '0/1',
    status: 'CrashLoopBackOff',
    restarts: '5 (2m30s ago)',
  },
  {
    name: 'the lowest-index waiting/terminated container decides STATUS',
    pod: pod({ apps: ['a', 'b'], status: { phase: 'Running', containerStatuses: [waiting('a', 'ErrImagePull'), terminated('b', 1, 'Error')] } }),
    ready: '0/2',
    status: 'ErrImagePull',
  },
  {
    name: 'Terminating while deletion is pending and phase is not terminal',
    pod: pod({ deleting: true, status: { phase: 'Running', containerStatuses: [running('app', true)] } }),
    ready: '1/1',
    status: 'Terminating',
  },
  {
    name: 'Completed (not Terminating) for a deleted Succeeded pod',
    pod: pod({ deleting: true, status: { phase: 'Succeeded', containerStatuses: [terminated('app', 0, 'Completed')] } }),
    ready: '0/1',
    status: 'Completed',
  },
  {
    name: 'Unknown for a deleted pod on a lost node',
    pod: pod({ deleting: true, status: { phase: 'Running', reason: 'NodeLost' } }),
    ready: '0/1',
    status: 'Unknown',
  },
  {
    name: 'Evicted from status.reason',
    pod: pod({ status: { phase: 'Failed', reason: 'Evicted' } }),
    ready: '0/1',
    status: 'Evicted',
  },
  {
    name: 'DeadlineExceeded overwritten by a container terminated reason',
    pod: pod({ status: { phase: 'Failed', reason: 'DeadlineExceeded', containerStatuses: [terminated('app', 137, 'Error')] } }),
    ready: '0/1',
    status: 'Error',
  },
  {
    name: 'RESTARTS drops regular init restarts after initialization but keeps sidecar restarts',
    pod: pod({
      inits: [{ name: 'i1' }, { name: 'side', sidecar: true }],
      status: {
        phase: 'Running',
        initContainerStatuses: [
          terminated('i1', 0, 'Completed', { restartCount: 3 }),
          running('side', true, { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: '2024-01-01T00:50:00Z' } } }),
        ],
        containerStatuses: [running('app', true, { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: '2024-01-01T00:55:00Z' } } })],
      },
    }),
    ready: '2/2',
    status: 'Running',
    restarts: '3 (5m ago)',
  },
  {
    name: 'a crash-looping sidecar after initialization keeps its Init: reason but counts restarts like part B (upstream code)',
    pod: pod({
      inits: [{ name: 'side', sidecar: true }],
      status: {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [waiting('side', 'CrashLoopBackOff', { restartCount: 1, started: false })],
        containerStatuses: [running('app', true)],
      },
    }),
    ready: '1/2',
    status: 'Init:CrashLoopBackOff',
    restarts: '1',
  },
];

for (const c of cases) {
  test(`printPod: ${c.name}`, () => {
    const s = summarizePod(c.pod, now);
    assert.equal(s.ready, c.ready, 'READY');
    assert.equal(s.status, c.status, 'STATUS');
    assert.equal(s.restarts, c.restarts ?? '0', 'RESTARTS');
  });
}

test('podTable prints all cells with wide defaults and age', () => {
  const p = pod({ status: { phase: 'Running', containerStatuses: [running('app', true)] } });
  assert.deepEqual(podTable.cells(p, now), ['p', '1/1', 'Running', '0', '60m', '<none>', '<none>', '<none>', '<none>']);
  p.spec.nodeName = 'node1';
  p.spec.readinessGates = [{ conditionType: 'x' }, { conditionType: 'y' }];
  p.status = { ...p.status, podIPs: [{ ip: '10.0.0.5' }], conditions: [{ type: 'x', status: 'True' }, { type: 'y', status: 'False' }] };
  assert.deepEqual(podTable.cells(p, now).slice(5), ['10.0.0.5', 'node1', '<none>', '1/2']);
  assert.deepEqual(
    podTable.columnDefinitions.map((c) => [c.name, c.priority]),
    [['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1]],
  );
});

test('podTable row conditions mark finished pods Completed', () => {
  assert.deepEqual(podTable.conditions?.(pod({ status: { phase: 'Succeeded' } })), [
    { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  ]);
  assert.equal(podTable.conditions?.(pod({ status: { phase: 'Failed' } }))?.[0]?.reason, 'Failed');
  assert.equal(podTable.conditions?.(pod({ status: { phase: 'Running' } })), undefined);
});

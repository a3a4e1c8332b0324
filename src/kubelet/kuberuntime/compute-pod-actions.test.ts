// Table-driven tests of computePodActions (kuberuntime_manager_test.go TestComputePodActions and sidecar cases).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types.js';
import { container, instance, makePod, runtimeStatus, sandbox } from '../testing/builders.js';
import { computePodActions, type PodActions } from './compute-pod-actions.js';
import type { RuntimePodStatus } from '../container/runtime.js';

type Expect = Partial<Omit<PodActions, 'containersToKill'>> & { kill?: string[]; killMessages?: string[] };

function check(name: string, pod: Pod, status: RuntimePodStatus, want: Expect): void {
  test(`computePodActions ${name}`, () => {
    const got = computePodActions(pod, status);
    const { kill, killMessages, ...rest } = want;
    for (const [k, v] of Object.entries(rest)) assert.deepEqual(got[k as keyof PodActions], v, `field ${k}`);
    if (kill) assert.deepEqual(got.containersToKill.map((c) => c.name).sort(), [...kill].sort());
    if (killMessages) assert.deepEqual(got.containersToKill.map((c) => c.message), killMessages);
  });
}

const simple = makePod('p', ['a', 'b']);

check('creates the sandbox and starts every container of a new pod', simple, runtimeStatus(simple, [], []), {
  createSandbox: true,
  killPod: true,
  attempt: 0,
  containersToStart: [0, 1],
  initContainersToStart: [],
});

check('does nothing when every container runs', simple, runtimeStatus(simple, [sandbox()], [instance('a', 'running'), instance('b', 'running')]), {
  createSandbox: false,
  killPod: false,
  containersToStart: [],
  kill: [],
});

check('restarts a crashed container under restartPolicy Always', simple, runtimeStatus(simple, [sandbox()], [instance('a', 'running'), instance('b', 'exited', { exitCode: 1 })]), {
  containersToStart: [1],
  killPod: false,
});

const onFailure = makePod('p', ['a', 'b'], { restartPolicy: 'OnFailure' });
check('does not restart a succeeded container under OnFailure', onFailure, runtimeStatus(onFailure, [sandbox()], [instance('a', 'running'), instance('b', 'exited', { exitCode: 0 })]), {
  containersToStart: [],
  killPod: false,
});

const never = makePod('p', ['a'], { restartPolicy: 'Never' });
check('kills the pod when nothing runs or restarts under Never', never, runtimeStatus(never, [sandbox()], [instance('a', 'exited', { exitCode: 1 })]), {
  killPod: true,
  createSandbox: false,
  containersToStart: [],
});

check('recreates a dead sandbox with the next attempt and restarts all containers', simple, runtimeStatus(simple, [sandbox({ ready: false, attempt: 2 })], [instance('a', 'exited'), instance('b', 'exited')]), {
  createSandbox: true,
  killPod: true,
  attempt: 3,
  sandboxId: 'sb1',
  containersToStart: [0, 1],
});

check('does not recreate the sandbox of a finished Never pod', never, runtimeStatus(never, [sandbox({ ready: false })], [instance('a', 'exited')]), {
  createSandbox: false,
  killPod: true,
});

check('kills and restarts a running container whose image changed', simple, runtimeStatus(simple, [sandbox()], [instance('a', 'running', { hash: 'old' }), instance('b', 'running')]), {
  containersToStart: [0],
  killMessages: ['Container a definition changed, will be restarted'],
});

check('kills and restarts a container in unknown state', simple, runtimeStatus(simple, [sandbox()], [instance('a', 'unknown'), instance('b', 'running')]), {
  containersToStart: [0],
  kill: ['a'],
});

// ---- init containers
const withInit = makePod('p', ['app'], { initContainers: [container('init1'), container('init2')] });

check('starts the first init container in a new sandbox', withInit, runtimeStatus(withInit, [], []), {
  createSandbox: true,
  initContainersToStart: [0],
  containersToStart: [],
});

check('waits while an init container runs', withInit, runtimeStatus(withInit, [sandbox()], [instance('init1', 'running')]), {
  initContainersToStart: [],
  containersToStart: [],
  killPod: false,
});

check('starts the next init container after one succeeded', withInit, runtimeStatus(withInit, [sandbox()], [instance('init1', 'exited')]), {
  initContainersToStart: [1],
  containersToStart: [],
});

check('starts app containers after the last init container succeeded', withInit, runtimeStatus(withInit, [sandbox()], [instance('init1', 'exited'), instance('init2', 'exited')]), {
  initContainersToStart: [],
  containersToStart: [0],
});

check('restarts a failed init container under Always', withInit, runtimeStatus(withInit, [sandbox()], [instance('init1', 'exited', { exitCode: 1 })]), {
  initContainersToStart: [0],
  killPod: false,
});

const initNever = makePod('p', ['app'], { restartPolicy: 'Never', initContainers: [container('init1'), container('init2')] });
check('kills the pod when an init container fails under Never', initNever, runtimeStatus(initNever, [sandbox()], [instance('init1', 'exited'), instance('init2', 'exited', { exitCode: 1 })]), {
  killPod: true,
  initContainersToStart: [],
  containersToStart: [],
});

check('never re-runs completed init containers once an app container exists (restart safety)', withInit, runtimeStatus(withInit, [sandbox()], [instance('app', 'running')]), {
  initContainersToStart: [],
  containersToStart: [],
  killPod: false,
});

check('does not re-run init containers when the app container crashed', withInit, runtimeStatus(withInit, [sandbox()], [instance('init1', 'exited'), instance('init2', 'exited'), instance('app', 'exited', { exitCode: 2 })]), {
  initContainersToStart: [],
  containersToStart: [0],
});

// ---- native sidecars
const sidecars = makePod('p', ['app'], {
  restartPolicy: 'Never',
  initContainers: [container('init1'), container('side1', { restartPolicy: 'Always' }), container('init2'), container('side2', { restartPolicy: 'Always' })],
});

check('starts the init container after a running sidecar', sidecars, runtimeStatus(sidecars, [sandbox()], [instance('init1', 'exited'), instance('side1', 'running')]), {
  initContainersToStart: [2],
});

check('starts the app container once the last sidecar runs', sidecars, runtimeStatus(sidecars, [sandbox()], [instance('init1', 'exited'), instance('side1', 'running'), instance('init2', 'exited'), instance('side2', 'running')]), {
  initContainersToStart: [],
  containersToStart: [0],
});

check('restarts an exited sidecar even under restartPolicy Never', sidecars, runtimeStatus(sidecars, [sandbox()], [instance('init1', 'exited'), instance('side1', 'running'), instance('init2', 'exited'), instance('side2', 'running'), instance('app', 'running'), instance('side1', 'exited', { exitCode: 1, createdAt: 99999 })]), {
  initContainersToStart: [1],
  containersToStart: [],
  killPod: false,
});

check('kills the pod (sidecars included) once the app container finished under Never', sidecars, runtimeStatus(sidecars, [sandbox()], [instance('init1', 'exited'), instance('side1', 'running'), instance('init2', 'exited'), instance('side2', 'running'), instance('app', 'exited')]), {
  killPod: true,
  initContainersToStart: [],
});

check('kills and restarts a sidecar whose image changed', sidecars, runtimeStatus(sidecars, [sandbox()], [instance('init1', 'exited'), instance('side1', 'running', { hash: 'old' }), instance('init2', 'running')]), {
  initContainersToStart: [1],
  killMessages: ['Init container side1 definition changed'],
});

// ---- ephemeral containers
const debugged = makePod('p', ['app'], { ephemeralContainers: [{ ...container('debug-1'), targetContainerName: 'app' }, container('debug-2')] });

check('starts ephemeral containers that never ran in a running pod', debugged, runtimeStatus(debugged, [sandbox()], [instance('app', 'running'), instance('debug-1', 'exited')]), {
  ephemeralContainersToStart: [1],
  containersToStart: [],
  killPod: false,
});

check('never restarts an exited ephemeral container, even under restartPolicy Always', debugged, runtimeStatus(debugged, [sandbox()], [instance('app', 'running'), instance('debug-1', 'exited', { exitCode: 1 }), instance('debug-2', 'exited')]), {
  ephemeralContainersToStart: [],
  killPod: false,
});

check('starts ephemeral containers before initialization completes', makePod('p', ['app'], { initContainers: [container('init')], ephemeralContainers: [container('debug')] }), runtimeStatus(makePod('p', ['app']), [sandbox()], [instance('init', 'running')]), {
  ephemeralContainersToStart: [0],
  initContainersToStart: [],
});

check('a new sandbox starts no ephemeral container', debugged, runtimeStatus(debugged, [], []), {
  createSandbox: true,
  ephemeralContainersToStart: [],
  containersToStart: [0],
});

const finished = makePod('p', ['app'], { restartPolicy: 'Never', ephemeralContainers: [container('debug')] });
check('a running ephemeral container does not keep a finished pod alive', finished, runtimeStatus(finished, [sandbox()], [instance('app', 'exited'), instance('debug', 'running')]), {
  killPod: true,
});

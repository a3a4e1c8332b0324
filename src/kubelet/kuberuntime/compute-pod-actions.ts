// Plans what to do to one pod: a pure function from (desired pod, runtime status) to an action record (computePodActions).

import type { Container, Pod } from '../../api/types.js';
import {
  hasAnyRegularContainerCreated,
  hashContainer,
  isSidecar,
  podSandboxChanged,
  shouldContainerBeRestarted,
  shouldRestartOnFailure,
} from '../container/helpers.js';
import { findContainerStatus, type RuntimeContainerStatus, type RuntimePodStatus } from '../container/runtime.js';

/** Why a container is killed (kuberuntime `containerKillReason`). */
export type KillReason = '' | 'StartupProbe' | 'LivenessProbe' | 'Unknown';

/** One container instance to stop before (re)starting. */
export interface ContainerToKill {
  containerId: string;
  name: string;
  container: Container;
  /** Killing event message, e.g. `Container app definition changed, will be restarted`. */
  message: string;
  reason: KillReason;
}

/** The plan for one sync (kuberuntime `podActions`). Indices refer to spec.initContainers / spec.containers / spec.ephemeralContainers. */
export interface PodActions {
  /** Stop every container and the sandbox. */
  killPod: boolean;
  createSandbox: boolean;
  /** Id of the current (or dead) sandbox, '' when none. */
  sandboxId: string;
  /** Attempt number for a new sandbox. */
  attempt: number;
  /** Init containers (regular and sidecars) to start, in spec order. */
  initContainersToStart: number[];
  containersToStart: number[];
  /** Ephemeral containers never run yet (they are never restarted), started before init containers. */
  ephemeralContainersToStart: number[];
  containersToKill: ContainerToKill[];
}

/** Probe results the planner consults; absent results mean "not yet probed". */
export interface ProbeResults {
  liveness(containerId: string): 'success' | 'failure' | undefined;
  startup(containerId: string): 'success' | 'failure' | undefined;
}

/** No prober: every probe reports success. */
export const noProbes: ProbeResults = { liveness: () => 'success', startup: () => 'success' };

function containerSucceeded(c: Container, status: RuntimePodStatus): boolean {
  const s = findContainerStatus(status, c.name);
  return s !== undefined && s.state === 'exited' && s.exitCode === 0;
}

function isInitContainerFailed(s: RuntimeContainerStatus): boolean {
  if (s.state === 'exited' && s.exitCode !== 0) return true;
  if (s.state === 'unknown') return true;
  return false;
}

function changed(c: Container, s: RuntimeContainerStatus): boolean {
  return s.hash !== '' && s.hash !== hashContainer(c);
}

/**
 * `computeInitContainerActions` with native sidecars: walks init containers from last to first, fills
 * initContainersToStart / containersToKill / killPod and returns whether initialization has completed.
 */
function computeInitContainerActions(pod: Pod, status: RuntimePodStatus, actions: PodActions, probes: ProbeResults): boolean {
  const inits = pod.spec.initContainers ?? [];
  if (inits.length === 0) return true;
  let podHasInitialized = hasAnyRegularContainerCreated(pod, status);
  let previouslyInitialized = podHasInitialized;
  const restartOnFailure = shouldRestartOnFailure(pod);
  const toStart: number[] = [];
  const kill = (s: RuntimeContainerStatus, c: Container, message: string, reason: KillReason): void => {
    actions.containersToKill.push({ containerId: s.id, name: c.name, container: c, message, reason });
  };

  for (let i = inits.length - 1; i >= 0; i--) {
    const c = inits[i]!;
    const s = findContainerStatus(status, c.name);
    if (!s) {
      if (previouslyInitialized && isSidecar(c)) toStart.push(i);
      continue;
    }
    if (previouslyInitialized && !isSidecar(c)) continue;

    switch (s.state) {
      case 'created':
        toStart.push(i);
        break;
      case 'running': {
        if (!isSidecar(c)) break;
        if (c.startupProbe) {
          const r = probes.startup(s.id);
          if (r === undefined) break;
          if (r === 'failure') {
            kill(s, c, `Init container ${c.name} failed startup probe`, 'StartupProbe');
            toStart.push(i);
            break;
          }
        }
        if (i === inits.length - 1) podHasInitialized = true;
        else if (!previouslyInitialized) toStart.push(i + 1);
        if (changed(c, s)) {
          kill(s, c, `Init container ${c.name} definition changed`, '');
          toStart.push(i);
          break;
        }
        if (c.livenessProbe && probes.liveness(s.id) === 'failure') {
          kill(s, c, `Init container ${c.name} failed liveness probe`, 'LivenessProbe');
          toStart.push(i);
        }
        break;
      }
      case 'exited':
        if (isSidecar(c)) {
          toStart.push(i);
        } else if (isInitContainerFailed(s)) {
          if (!restartOnFailure) {
            actions.killPod = true;
            actions.initContainersToStart = [];
            return false;
          }
          toStart.push(i);
        } else if (i === inits.length - 1) {
          podHasInitialized = true;
        } else {
          toStart.push(i + 1);
        }
        break;
      case 'unknown':
        if (!isSidecar(c) && !restartOnFailure) {
          actions.killPod = true;
          actions.initContainersToStart = [];
          return false;
        }
        kill(s, c, `Init container is in "unknown" state, try killing it before restart`, 'Unknown');
        toStart.push(i);
        break;
    }
    previouslyInitialized = true;
  }
  if (!previouslyInitialized) toStart.push(0);
  actions.initContainersToStart = toStart.reverse();
  return podHasInitialized;
}

/**
 * Plans one sync of `pod` against its runtime `status` (kuberuntime_manager.go `computePodActions`).
 * Pure: reads only its arguments. Sandbox recreation restarts from the first init container unless nothing
 * needs to run again; after initialization completed-init containers are never re-run; running containers
 * whose image changed are killed and restarted; a pod with nothing left to run or keep is killed. Ephemeral containers
 * without any instance are started once the sandbox exists; they neither keep a pod alive nor restart.
 */
export function computePodActions(pod: Pod, status: RuntimePodStatus, probes: ProbeResults = noProbes): PodActions {
  const [createSandbox, attempt, sandboxId] = podSandboxChanged(pod, status);
  const actions: PodActions = {
    killPod: createSandbox,
    createSandbox,
    sandboxId,
    attempt,
    initContainersToStart: [],
    containersToStart: [],
    ephemeralContainersToStart: [],
    containersToKill: [],
  };
  const inits = pod.spec.initContainers ?? [];

  if (createSandbox) {
    if (!shouldRestartOnFailure(pod) && attempt !== 0 && status.containers.length !== 0) {
      actions.createSandbox = false;
      return actions;
    }
    const toStart: number[] = [];
    pod.spec.containers.forEach((c, idx) => {
      if (pod.spec.restartPolicy === 'OnFailure' && containerSucceeded(c, status)) return;
      toStart.push(idx);
    });
    if (toStart.length === 0 && hasAnyRegularContainerCreated(pod, status)) {
      actions.createSandbox = false;
      return actions;
    }
    if (pod.metadata.deletionTimestamp) {
      actions.createSandbox = false;
      return actions;
    }
    if (inits.length !== 0) {
      actions.initContainersToStart = [0];
      return actions;
    }
    actions.containersToStart = toStart;
    return actions;
  }

  // Ephemeral containers may start before initialization completes; one that ever ran is never started again.
  (pod.spec.ephemeralContainers ?? []).forEach((c, idx) => {
    if (!findContainerStatus(status, c.name)) actions.ephemeralContainersToStart.push(idx);
  });

  const initialized = computeInitContainerActions(pod, status, actions, probes);
  if (actions.killPod || !initialized) return actions;

  let keepCount = 0;
  pod.spec.containers.forEach((c, idx) => {
    const s = findContainerStatus(status, c.name);
    if (!s || s.state !== 'running') {
      if (shouldContainerBeRestarted(c, pod, status)) {
        actions.containersToStart.push(idx);
        if (s && s.state === 'unknown') {
          actions.containersToKill.push({
            containerId: s.id,
            name: c.name,
            container: c,
            message: `Container is in "unknown" state, try killing it before restart`,
            reason: 'Unknown',
          });
        }
      }
      return;
    }
    let restart = shouldRestartOnFailure(pod);
    let message: string;
    let reason: KillReason = '';
    if (changed(c, s)) {
      message = `Container ${c.name} definition changed`;
      restart = true;
    } else if (c.livenessProbe && probes.liveness(s.id) === 'failure') {
      message = `Container ${c.name} failed liveness probe`;
      reason = 'LivenessProbe';
    } else if (c.startupProbe && probes.startup(s.id) === 'failure') {
      message = `Container ${c.name} failed startup probe`;
      reason = 'StartupProbe';
    } else {
      keepCount++;
      return;
    }
    if (restart && !pod.metadata.deletionTimestamp) {
      message = `${message}, will be restarted`;
      actions.containersToStart.push(idx);
    }
    actions.containersToKill.push({ containerId: s.id, name: c.name, container: c, message, reason });
  });

  if (keepCount === 0 && actions.containersToStart.length === 0) {
    actions.killPod = true;
    actions.initContainersToStart = [];
  }
  return actions;
}

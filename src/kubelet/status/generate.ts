// The API PodStatus the kubelet reports for a pod (kubelet_pods.go `generateAPIPodStatus`).

import type { Container, ContainerStatus, Pod, PodStatus } from '../../api/types.js';
import { hasAnyRegularContainerCreated, podSandboxChanged } from '../container/helpers.js';
import type { RuntimePodStatus } from '../container/runtime.js';
import { rfc3339 } from '../util/clock.js';
import { assembleConditions, containersReadyCondition, initializedCondition, readyCondition } from './conditions.js';
import type { ReasonLookup } from '../container/reason-cache.js';
import { convertContainerStatuses } from './container-statuses.js';
import { getPhase } from './phase.js';

/** Readiness/startup answers from the prober, by container id; absent → derived from the running state. */
export interface ProbeStatus {
  ready(containerId: string, container: Container): boolean | undefined;
  started(containerId: string, container: Container): boolean | undefined;
}

/** Inputs of {@link generateAPIPodStatus}. */
export interface GenerateOptions {
  pod: Pod;
  runtime: RuntimePodStatus;
  reasons: ReasonLookup;
  runtimeName: string;
  /** Node IP reported as hostIP(s). */
  nodeIP: string;
  /** True once the pod worker decided no container will run again. */
  podIsTerminal: boolean;
  /** ms since the epoch. */
  now: number;
  probes?: ProbeStatus;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

function containerIdOf(s: ContainerStatus): string {
  return (s.containerID ?? '').replace(/^[a-z]+:\/\//, '');
}

/** `qosClass` (pkg/apis/core/helper/qos `GetPodQOS`), simplified to requests/limits of cpu and memory. */
export function podQOSClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function fillReadiness(statuses: ContainerStatus[], containers: Container[], probes: ProbeStatus | undefined, isInit: boolean): void {
  for (const s of statuses) {
    const c = containers.find((x) => x.name === s.name);
    if (!c) continue;
    const running = s.state?.running !== undefined;
    if (isInit && c.restartPolicy !== 'Always') {
      s.ready = s.state?.terminated?.exitCode === 0;
      s.started = running;
      continue;
    }
    const id = containerIdOf(s);
    const started = running && (probes?.started(id, c) ?? true);
    s.started = started;
    s.ready = started && running && (probes?.ready(id, c) ?? true);
  }
}

/**
 * Generates the full status the kubelet would write for `pod` (`generateAPIPodStatus`): container statuses, phase (terminal
 * phases sticky; reason/message kept while the phase is unchanged), conditions in kubelet order, pod/host IPs
 * from the newest sandbox and node, startTime set once, qosClass. Pure apart from reading `opts`.
 */
export function generateAPIPodStatus(opts: GenerateOptions): PodStatus {
  const { pod, runtime } = opts;
  const old = pod.status ?? {};
  const podHasInitialized = hasAnyRegularContainerCreated(pod, runtime);
  const ctx = { pod, runtime, reasons: opts.reasons, runtimeName: opts.runtimeName, podHasInitialized };
  const inits = pod.spec.initContainers ?? [];
  const initStatuses = convertContainerStatuses(ctx, inits, old.initContainerStatuses, true);
  const statuses = convertContainerStatuses(ctx, pod.spec.containers, old.containerStatuses, false);
  const ephemerals = pod.spec.ephemeralContainers ?? [];
  // Ephemeral containers: converted like app containers, never ready nor probed, no part of phase or conditions.
  const ephemeralStatuses = ephemerals.length > 0 ? convertContainerStatuses(ctx, ephemerals, old.ephemeralContainerStatuses, false) : [];
  fillReadiness(initStatuses, inits, opts.probes, true);
  fillReadiness(statuses, pod.spec.containers, opts.probes, false);

  let phase = getPhase(pod, initStatuses, statuses, opts.podIsTerminal, podHasInitialized);
  if (old.phase && TERMINAL.has(old.phase) && !TERMINAL.has(phase)) phase = old.phase;
  if (old.phase && TERMINAL.has(old.phase) && TERMINAL.has(phase) && phase !== old.phase) phase = old.phase;

  const status: PodStatus = { phase };
  if (old.phase === phase) {
    if (old.reason) status.reason = old.reason;
    if (old.message) status.message = old.message;
  }

  const [sandboxChanged] = podSandboxChanged(pod, runtime);
  const nowIso = rfc3339(opts.now);
  const containersReady = containersReadyCondition(pod, initStatuses, statuses, phase);
  const oldConds = old.conditions ?? [];
  const scheduled = oldConds.find((c) => c.type === 'PodScheduled');
  status.conditions = assembleConditions(
    [
      { type: 'PodReadyToStartContainers', status: sandboxChanged ? 'False' : 'True' },
      initializedCondition(pod, initStatuses, statuses, phase),
      readyCondition(pod, containersReady, oldConds),
      containersReady,
      { type: 'PodScheduled', status: 'True' },
    ],
    oldConds,
    nowIso,
  );
  // PodScheduled keeps the scheduler's transition time.
  const ps = status.conditions.find((c) => c.type === 'PodScheduled');
  if (ps && scheduled?.status === 'True' && scheduled.lastTransitionTime) ps.lastTransitionTime = scheduled.lastTransitionTime;

  if (opts.nodeIP) {
    status.hostIP = opts.nodeIP;
    status.hostIPs = [{ ip: opts.nodeIP }];
  }
  const sandbox = runtime.sandboxes[0];
  if (pod.spec.hostNetwork && opts.nodeIP) {
    status.podIP = opts.nodeIP;
    status.podIPs = [{ ip: opts.nodeIP }];
  } else if (sandbox && sandbox.ips.length > 0 && sandbox.ready) {
    status.podIP = sandbox.ips[0]!;
    status.podIPs = sandbox.ips.map((ip) => ({ ip }));
  } else if (old.podIP) {
    status.podIP = old.podIP;
    if (old.podIPs) status.podIPs = old.podIPs;
  }
  status.startTime = old.startTime ?? nowIso;
  if (inits.length > 0) status.initContainerStatuses = initStatuses;
  status.containerStatuses = statuses;
  if (ephemerals.length > 0) status.ephemeralContainerStatuses = ephemeralStatuses;
  status.qosClass = old.qosClass ?? podQOSClass(pod);
  if (old.nominatedNodeName) status.nominatedNodeName = old.nominatedNodeName;
  return status;
}

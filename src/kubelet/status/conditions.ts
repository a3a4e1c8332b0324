// Kubelet-owned pod conditions (pkg/kubelet/status/generate.go).

import type { ContainerStatus, Pod, PodCondition, PodPhase } from '../../api/types.js';

type Cond = Omit<PodCondition, 'lastTransitionTime' | 'lastProbeTime'>;

function names(list: string[]): string {
  return `[${list.join(' ')}]`;
}

/** `GeneratePodInitializedCondition`. */
export function initializedCondition(pod: Pod, initStatuses: ContainerStatus[], statuses: ContainerStatus[], phase: PodPhase): Cond {
  const inits = pod.spec.initContainers ?? [];
  if (inits.length === 0) return { type: 'Initialized', status: 'True' };
  if (phase === 'Succeeded') return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  // any regular container already started means initialization completed (restarting sidecars)
  if (statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated)) {
    return { type: 'Initialized', status: 'True' };
  }
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of inits) {
    const s = initStatuses.find((x) => x.name === c.name);
    if (!s) {
      unknown.push(c.name);
      continue;
    }
    const done = c.restartPolicy === 'Always' ? s.started === true : s.ready;
    if (!done) incomplete.push(c.name);
  }
  if (unknown.length === 0 && incomplete.length === 0) return { type: 'Initialized', status: 'True' };
  const msgs: string[] = [];
  if (incomplete.length) msgs.push(`containers with incomplete status: ${names(incomplete)}`);
  if (unknown.length) msgs.push(`containers with unknown status: ${names(unknown)}`);
  return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: msgs.join(', ') };
}

/** `GenerateContainersReadyCondition`: all regular containers and sidecars ready. */
export function containersReadyCondition(pod: Pod, initStatuses: ContainerStatus[], statuses: ContainerStatus[], phase: PodPhase): Cond {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of pod.spec.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    const s = initStatuses.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  for (const c of pod.spec.containers) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded') return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { type: 'ContainersReady', status: 'False', reason: 'PodFailed' };
  if (unknown.length === 0 && unready.length === 0) return { type: 'ContainersReady', status: 'True' };
  const msgs: string[] = [];
  if (unknown.length) msgs.push(`containers with unknown status: ${names(unknown)}`);
  if (unready.length) msgs.push(`containers with unready status: ${names(unready)}`);
  return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: msgs.join(', ') };
}

/** `GeneratePodReadyCondition`: ContainersReady plus readiness gates. */
export function readyCondition(pod: Pod, containersReady: Cond, existing: PodCondition[]): Cond {
  if (containersReady.status !== 'True') {
    const c: Cond = { type: 'Ready', status: containersReady.status };
    if (containersReady.reason) c.reason = containersReady.reason;
    if (containersReady.message) c.message = containersReady.message;
    return c;
  }
  const msgs: string[] = [];
  for (const gate of pod.spec.readinessGates ?? []) {
    const cond = existing.find((x) => x.type === gate.conditionType);
    if (!cond) msgs.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (cond.status !== 'True') {
      msgs.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${cond.status}`);
    }
  }
  if (msgs.length) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: msgs.join(', ') };
  return { type: 'Ready', status: 'True' };
}

const OWNED = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

/**
 * Assembles the condition list in kubelet order (PodReadyToStartContainers, Initialized, Ready, ContainersReady,
 * PodScheduled, then conditions the kubelet does not own, preserved). `lastTransitionTime` is kept from `old`
 * when the status did not change, else `nowIso`; `lastProbeTime` is null.
 */
export function assembleConditions(generated: Cond[], old: PodCondition[], nowIso: string): PodCondition[] {
  const out: PodCondition[] = generated.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    const lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : nowIso;
    return { ...c, lastProbeTime: null, lastTransitionTime };
  });
  for (const o of old) if (!OWNED.has(o.type)) out.push(o);
  return out;
}

// Stops containers and pods: grace periods, preStop hooks, sidecar termination order (kuberuntime `killContainer`, `killPodWithSyncResult`).

import type { Container, LifecycleHandler, Pod } from '../../api/types.js';
import { containerFieldPath } from '../events/recorder.js';
import { isSidecar } from '../container/helpers.js';
import type { ContainerToKill } from './compute-pod-actions.js';
import { runLifecycleHandler } from './lifecycle.js';
import { errorText, formatPod, type RuntimeContext } from './runtime-context.js';
import type { RuntimePodStatus } from '../container/runtime.js';

/** Minimum grace before SIGKILL once a stop is issued (`minimumGracePeriodInSeconds`). */
export const MINIMUM_GRACE_SECONDS = 2;
const DEFAULT_GRACE_SECONDS = 30;

/** `setTerminationGracePeriod`: deletion grace, else probe-level grace for probe kills, else the pod's (default 30). */
export function terminationGracePeriod(pod: Pod, container: Container | undefined, reason: ContainerToKill['reason']): number {
  if (pod.metadata.deletionGracePeriodSeconds !== undefined) return pod.metadata.deletionGracePeriodSeconds;
  if (reason === 'StartupProbe' && container?.startupProbe?.terminationGracePeriodSeconds !== undefined) {
    return container.startupProbe.terminationGracePeriodSeconds;
  }
  if (reason === 'LivenessProbe' && container?.livenessProbe?.terminationGracePeriodSeconds !== undefined) {
    return container.livenessProbe.terminationGracePeriodSeconds;
  }
  return pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
}

/** Options of {@link killContainer}. */
export interface KillOptions {
  /** Overrides the computed grace (seconds), e.g. 0 for an immediate kill. */
  gracePeriodOverride?: number;
  /** Resolves when the container may receive its stop signal (sidecars wait for later containers). */
  waitBefore?: Promise<unknown>;
  podIP?: string;
}

/**
 * Kills one container instance (kuberuntime_container.go `killContainer`): Killing event, preStop hook bounded by the grace period (its
 * duration is subtracted), optional wait for the termination order, then CRI StopContainer with the remaining
 * grace raised to at least 2 s. Never throws; errors are logged.
 */
export async function killContainer(ctx: RuntimeContext, pod: Pod, target: ContainerToKill, opts: KillOptions = {}): Promise<void> {
  const fieldPath = containerFieldPath(pod, target.name);
  let grace = opts.gracePeriodOverride ?? terminationGracePeriod(pod, target.container, target.reason);
  const started = ctx.clock.now();
  ctx.recorder.event(pod, 'Normal', 'Killing', target.message || `Stopping container ${target.name}`, fieldPath);
  const preStop: LifecycleHandler | undefined = target.container.lifecycle?.preStop;
  if (preStop && grace > 0) {
    const abort = new AbortController();
    const hook = runLifecycleHandler(ctx.runtime, target.containerId, target.container, formatPod(pod), preStop, opts.podIP ?? '', grace, abort.signal);
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(''), grace * 1000).unref());
    const msg = await Promise.race([hook, timeout]);
    abort.abort();
    if (msg) ctx.recorder.event(pod, 'Warning', 'FailedPreStopHook', 'PreStopHook failed', fieldPath);
    grace -= Math.floor((ctx.clock.now() - started) / 1000);
  }
  if (opts.waitBefore) {
    const waited = ctx.clock.now();
    const remaining = Math.max(0, grace * 1000 - (waited - started));
    await Promise.race([opts.waitBefore, new Promise((r) => setTimeout(r, remaining).unref())]);
    grace -= Math.floor((ctx.clock.now() - waited) / 1000);
  }
  if (opts.gracePeriodOverride === undefined) grace = Math.max(grace, MINIMUM_GRACE_SECONDS);
  try {
    await ctx.runtime.stopContainer(target.containerId, Math.max(0, grace));
  } catch (err) {
    ctx.log(`stop container ${target.name} of ${formatPod(pod)}: ${errorText(err)}`);
  }
}

/** The spec of a container by name (init, regular or ephemeral), or a stub for names no longer in the spec. */
function specOf(pod: Pod, name: string): Container {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])].find((c) => c.name === name) ?? { name };
}

/**
 * Kills every live container of the pod in Kubernetes' termination order (kuberuntime_container.go `killContainersWithSyncResult`, KEP-753 for sidecars): regular containers in
 * parallel; each sidecar runs its preStop at once but receives its stop signal only after all regular
 * containers and every sidecar declared after it have stopped (reverse declaration order). Then stops
 * every sandbox. Never throws.
 */
export async function killPod(ctx: RuntimeContext, pod: Pod, status: RuntimePodStatus, opts: { gracePeriodOverride?: number; podIP?: string } = {}): Promise<void> {
  const live = new Map<string, string>();
  for (const c of status.containers) {
    if (c.state === 'exited' || live.has(c.name)) continue;
    live.set(c.name, c.id);
  }
  const inits = pod.spec.initContainers ?? [];
  const sidecarOrder = inits.filter(isSidecar).map((c) => c.name);
  const kills = new Map<string, Promise<void>>();
  const base: KillOptions = {};
  if (opts.gracePeriodOverride !== undefined) base.gracePeriodOverride = opts.gracePeriodOverride;
  if (opts.podIP) base.podIP = opts.podIP;

  const target = (name: string, id: string): ContainerToKill => ({ containerId: id, name, container: specOf(pod, name), message: '', reason: '' });
  for (const [name, id] of live) {
    if (sidecarOrder.includes(name)) continue;
    kills.set(name, killContainer(ctx, pod, target(name, id), base));
  }
  const regularDone = Promise.all([...kills.values()]);
  // sidecars from last to first: each waits for the regular containers and the sidecars after it
  let after: Promise<unknown> = regularDone;
  for (const name of [...sidecarOrder].reverse()) {
    const id = live.get(name);
    if (!id) continue;
    const p = killContainer(ctx, pod, target(name, id), { ...base, waitBefore: after });
    kills.set(name, p);
    after = Promise.all([after, p]);
  }
  await Promise.all(kills.values());
  for (const sb of status.sandboxes) {
    if (!sb.ready) continue;
    try {
      await ctx.runtime.stopPodSandbox(sb.id);
    } catch (err) {
      ctx.log(`stop sandbox of ${formatPod(pod)}: ${errorText(err)}`);
    }
  }
}

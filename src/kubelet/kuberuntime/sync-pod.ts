// The executor of a PodActions plan (kuberuntime_manager.go `SyncPod`): kill, sandbox, init containers, containers.

import { mkdir } from 'node:fs/promises';
import type { Pod } from '../../api/types.js';
import type { DNSConfig, PodSandboxConfig } from '../../cri/types.js';
import { etcHostsPath, podLogDir } from '../config/paths.js';
import type { MountedVolume } from '../volumes/volume-manager.js';
import { isSidecar } from '../container/helpers.js';
import { computePodActions, type PodActions } from './compute-pod-actions.js';
import { killContainer, killPod } from './container-kill.js';
import { startContainer, StartError } from './container-start.js';
import type { EnvFacts } from '../container/env.js';
import { errorText, formatPod, goErrorText, type RuntimeContext } from './runtime-context.js';
import type { RuntimePodStatus } from '../container/runtime.js';
import { POD_UID_LABEL } from '../container/labels.js';
import { generatePodSandboxConfig, writeEtcHosts } from './sandbox-config.js';

/** Outcome of one sync: the plan, start failures, and when the worker should sync again (ms, 0 = normal resync; set at the end of a crash-loop window). */
export interface SyncPodResult {
  actions: PodActions;
  errors: { name: string; reason: string; message: string }[];
  requeueAfterMs: number;
}

/**
 * How soon to look again after starting a regular init container, ms; while it runs, the next look comes after a
 * quarter of its age (at least this), until it is {@link INIT_WATCH_MS} old. Most init containers finish in well
 * under a second; without this the next one (or the app containers) would wait for the PLEG's next relist (1 s).
 * Past the window the PLEG alone notices the exit.
 */
export const INIT_RECHECK_MS = 50;
/** See {@link INIT_RECHECK_MS}, ms. */
export const INIT_WATCH_MS = 2_000;

/** Removes exited instances beyond the newest `keep` of each container name (container GC, maxPerPodContainer). */
async function pruneInstances(ctx: RuntimeContext, status: RuntimePodStatus, names: Set<string>, keep: number): Promise<void> {
  const seen = new Map<string, number>();
  for (const c of status.containers) {
    if (!names.has(c.name)) continue;
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    if (n > keep && c.state === 'exited') await ctx.runtime.removeContainer(c.id).catch(() => undefined);
  }
}

/**
 * After a failed RunPodSandbox: stops and removes whatever that attempt left in the runtime (a sandbox the
 * runtime created before failing, or one whose status could not be read), so the retry starts clean.
 * Errors are ignored: the next sync's plan sees what is left.
 */
async function removeFailedSandboxes(ctx: RuntimeContext, uid: string, attempt: number, createdId: string): Promise<void> {
  try {
    const leftovers = (await ctx.runtime.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: uid } })).filter(
      (sb) => sb.id === createdId || ((sb.metadata?.attempt ?? 0) === attempt && sb.state !== 'SANDBOX_READY'),
    );
    for (const sb of leftovers) {
      await ctx.runtime.stopPodSandbox(sb.id).catch(() => undefined);
      await ctx.runtime.removePodSandbox(sb.id).catch(() => undefined);
    }
  } catch {
    // the runtime is unreachable: nothing to clean now
  }
}

/**
 * Brings the runtime in line with `pod` for one pass (kuberuntime_manager.go `SyncPod`): computes the plan, kills what must die
 * (recreating the sandbox purges init containers), creates the sandbox, starts new ephemeral containers, then init containers in order
 * (a failing regular init container stops the pass) and the regular containers. A new sandbox runs with the
 * handler of the pod's RuntimeClass. Sandbox failures (a missing RuntimeClass too) emit FailedCreatePodSandBox. Start failures are recorded in the reason cache and returned.
 */
export async function syncPod(
  ctx: RuntimeContext,
  pod: Pod,
  status: RuntimePodStatus,
  volumes: Map<string, MountedVolume>,
  facts: EnvFacts,
): Promise<SyncPodResult> {
  const actions = computePodActions(pod, status, ctx.probes);
  const result: SyncPodResult = { actions, errors: [], requeueAfterMs: 0 };
  const inits = pod.spec.initContainers ?? [];

  if (actions.createSandbox && actions.sandboxId) {
    ctx.recorder.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
  }
  if (actions.killPod) {
    await killPod(ctx, pod, status, { podIP: facts.podIP });
    if (actions.createSandbox) {
      const initNames = new Set(inits.map((c) => c.name));
      for (const c of status.containers) {
        if (initNames.has(c.name)) await ctx.runtime.removeContainer(c.id).catch(() => undefined);
      }
      status = { ...status, containers: status.containers.filter((c) => !initNames.has(c.name)) };
    }
  } else {
    await Promise.all(actions.containersToKill.map((k) => killContainer(ctx, pod, k, { podIP: facts.podIP })));
  }
  if (!actions.createSandbox && actions.killPod) return result;

  // keep only the newest exited instance of regular init containers, two of everything else
  await pruneInstances(ctx, status, new Set(inits.filter((c) => !isSidecar(c)).map((c) => c.name)), 1);
  await pruneInstances(ctx, status, new Set([...inits.filter(isSidecar), ...pod.spec.containers].map((c) => c.name)), 2);

  let sandboxId = actions.sandboxId;
  let podIPs = status.sandboxes[0]?.ips ?? [];
  // The resolv.conf matters only to a new sandbox; CreateContainer ignores the sandbox config's DNS part.
  let dnsConfig: DNSConfig = {};
  if (actions.createSandbox) {
    try {
      const dns = ctx.dns.getPodDNS(pod);
      for (const w of dns.warnings) ctx.recorder.event(pod, 'Warning', w.reason, w.message);
      dnsConfig = dns.config;
    } catch (err) {
      // createPodSandbox: "Failed to generate sandbox config for pod ..." surfaces as FailedCreatePodSandBox
      const msg = `Failed to generate sandbox config for pod "${formatPod(pod)}": ${errorText(err)}`;
      ctx.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${msg}`);
      result.errors.push({ name: '', reason: 'FailedCreatePodSandBox', message: msg });
      return result;
    }
  }
  // createPodSandbox: the RuntimeClass's handler (runtimeclass_manager.go LookupRuntimeHandler). Upstream resolves it while
  // generating the sandbox config (NamespacesForPod), so a missing class fails as "Failed to generate sandbox config".
  let runtimeHandler = '';
  if (actions.createSandbox && ctx.runtimeClasses) {
    try {
      runtimeHandler = await ctx.runtimeClasses.lookupRuntimeHandler(pod.spec.runtimeClassName);
    } catch (err) {
      const msg = `Failed to generate sandbox config for pod "${formatPod(pod)}": ${errorText(err)}`;
      ctx.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errorText(err)}`);
      ctx.log(`CreatePodSandbox for pod failed pod="${pod.metadata.namespace}/${pod.metadata.name}": ${msg}`);
      result.errors.push({ name: '', reason: 'FailedCreatePodSandBox', message: msg });
      return result;
    }
  }
  const uid = pod.metadata.uid ?? '';
  const failedAttempt = ctx.failedSandboxAttempts?.get(uid);
  const attempt = actions.createSandbox && failedAttempt !== undefined ? Math.max(actions.attempt, failedAttempt + 1) : actions.attempt;
  const sandboxConfig: PodSandboxConfig = generatePodSandboxConfig(pod, attempt, ctx.paths, dnsConfig);
  if (actions.createSandbox) {
    await mkdir(podLogDir(ctx.paths, pod), { recursive: true });
    try {
      sandboxId = await ctx.runtime.runPodSandbox(sandboxConfig, runtimeHandler);
      ctx.failedSandboxAttempts?.delete(uid);
      const sb = await ctx.runtime.podSandboxStatus(sandboxId);
      const ip = sb.network?.ip ?? '';
      podIPs = ip ? [ip, ...(sb.network?.additionalIps ?? []).map((x) => x.ip).filter((x) => x)] : [];
    } catch (err) {
      const msg = errorText(err);
      // SyncPod: the event carries the runtime's error as Go prints it ("rpc error: code = Unknown desc = ...")
      ctx.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${goErrorText(err)}`);
      ctx.log(`create sandbox for ${formatPod(pod)} (attempt ${attempt}${runtimeHandler ? `, runtime handler "${runtimeHandler}"` : ''}): ${msg}`);
      result.errors.push({ name: '', reason: 'FailedCreatePodSandBox', message: msg });
      ctx.failedSandboxAttempts?.set(uid, attempt);
      await removeFailedSandboxes(ctx, uid, attempt, sandboxId === actions.sandboxId ? '' : sandboxId);
      return result;
    }
  }
  if (!pod.spec.hostNetwork) await writeEtcHosts(etcHostsPath(ctx.paths, pod.metadata.uid ?? ''), pod, podIPs, ctx.dns.settings.clusterDomain);
  const podFacts: EnvFacts = { ...facts, podIP: podIPs[0] ?? facts.podIP, podIPs: podIPs.length ? podIPs : facts.podIPs };
  if (pod.spec.hostNetwork) {
    podFacts.podIP = facts.hostIP;
    podFacts.podIPs = [facts.hostIP];
  }

  const start = async (index: number, init: boolean): Promise<boolean> => {
    const container = init ? inits[index]! : pod.spec.containers[index]!;
    try {
      await startContainer(ctx, { pod, container, status, sandboxId, sandboxConfig, volumes, facts: podFacts });
      return true;
    } catch (err) {
      const e = err instanceof StartError ? err : new StartError('RunContainerError', errorText(err));
      result.errors.push({ name: container.name, reason: e.reason, message: e.message });
      // a crash-loop window ends at a known time: sync again then (other failures back off in the pod worker)
      if (e.retryAfterMs > 0) {
        const wait = e.retryAfterMs + 100;
        result.requeueAfterMs = result.requeueAfterMs ? Math.min(result.requeueAfterMs, wait) : wait;
      }
      return false;
    }
  };

  // Ephemeral containers start before init containers, so a pod whose init container fails can still be debugged.
  for (const idx of actions.ephemeralContainersToStart) {
    const container = pod.spec.ephemeralContainers?.[idx];
    if (!container) continue;
    try {
      await startContainer(ctx, { pod, container, status, sandboxId, sandboxConfig, volumes, facts: podFacts, ephemeral: true });
    } catch (err) {
      const e = err instanceof StartError ? err : new StartError('RunContainerError', errorText(err));
      result.errors.push({ name: container.name, reason: e.reason, message: e.message });
    }
  }
  const recheck = (ageMs = 0) => {
    const wait = Math.max(INIT_RECHECK_MS, Math.round(ageMs / 4));
    result.requeueAfterMs = result.requeueAfterMs ? Math.min(result.requeueAfterMs, wait) : wait;
  };
  // a regular init container started lately and still running: its exit is the next step (see INIT_RECHECK_MS)
  const now = ctx.clock.now();
  for (const c of inits) {
    if (isSidecar(c)) continue;
    const s = status.containers.find((x) => x.name === c.name);
    if (s?.state === 'running' && now - s.startedAt < INIT_WATCH_MS) recheck(now - s.startedAt);
  }
  for (const idx of actions.initContainersToStart) {
    const ok = await start(idx, true);
    if (!ok && !isSidecar(inits[idx]!)) return result;
    if (ok && !isSidecar(inits[idx]!)) recheck();
  }
  for (const idx of actions.containersToStart) await start(idx, false);
  return result;
}

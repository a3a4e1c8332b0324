// The kubelet's per-pod sync steps (kubelet.go SyncPod, SyncTerminatingPod, SyncTerminatedPod) over runtime, volumes and status.

import { mkdir, rm } from 'node:fs/promises';
import type { Pod, PodStatus } from '../api/types.js';
import type { EnvFacts } from './container/env.js';
import { killPod } from './kuberuntime/container-kill.js';
import { formatPod, type RuntimeContext } from './kuberuntime/runtime-context.js';
import type { RuntimePodStatus } from './container/runtime.js';
import { getRuntimePodStatus } from './kuberuntime/runtime-pod.js';
import { syncPod } from './kuberuntime/sync-pod.js';
import { teardownPodSandboxes } from './kuberuntime/teardown.js';
import { podDir, podLogDir } from './config/paths.js';
import type { PodSyncer } from './pod-workers/pod-workers.js';
import { activeDeadlineRemainingMs, DEADLINE_EXCEEDED_MESSAGE, DEADLINE_EXCEEDED_REASON, pastActiveDeadline } from './status/active-deadline.js';
import { generateAPIPodStatus, type ProbeStatus } from './status/generate.js';
import type { StatusManager } from './status/status-manager.js';
import { SYSCTL_FORBIDDEN_REASON, sysctlAdmitError } from './sysctl-admission.js';
import { rfc3339 } from './util/clock.js';
import { unmountAll } from './volumes/empty-dir.js';
import type { VolumeManager } from './volumes/volume-manager.js';

/** Collaborators of {@link KubeletPodSyncer}. */
export interface PodSyncDeps {
  ctx: RuntimeContext;
  volumes: VolumeManager;
  statusManager: StatusManager;
  nodeName: string;
  nodeIP: string;
  /** e.g. `containerd` (prefix of container IDs). */
  runtimeName(): string;
  allocatable: Record<string, string>;
  /**
   * Kubelet admission beyond sysctls (canAdmitPod's other handlers: eviction, resource predicates), asked once for
   * a pod that never ran; returns the rejection. It must record an admitted pod as admitted. Default: admit all.
   */
  admit?: (pod: Pod) => { reason: string; message: string } | undefined;
  /** Readiness/startup answers for status, and the hook that keeps probe workers in step with containers. */
  prober?: ProbeStatus & { sync(pod: Pod, status: RuntimePodStatus): void; forget(uid: string): void };
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

/** The message prefix of a pod the kubelet's admission refused (rejectPod); such a status is final. */
const REJECTED_PREFIX = 'Pod was rejected: ';

/** Waiting reasons that are a back-off in progress, not a sync failure (kubelet.go SyncPod ignores them). */
const BACKOFF_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff']);

/**
 * A sync that failed (a container or the sandbox could not be started, volumes could not be set up): the pod
 * worker backs off before the next attempt. The message reads like upstream's
 * `failed to "StartContainer" for "app" with CreateContainerError: "..."`.
 */
export class PodSyncError extends Error {
  constructor(
    message: string,
    /** When set (ms), the worker retries no later than this (the pod's active deadline falls inside the back-off). */
    readonly retryBeforeMs?: number,
  ) {
    super(message);
    this.name = 'PodSyncError';
  }
}

/** Implements the pod worker's three steps for this kubelet. */
export class KubeletPodSyncer implements PodSyncer {
  /** Pods the eviction manager chose (uid → the status it gives them, killPodNow's status function). */
  private readonly evictions = new Map<string, { reason: string; message: string; gracePeriodSeconds: number; disruptionTarget?: boolean }>();

  constructor(private readonly d: PodSyncDeps) {}

  /** Marks pod `uid` evicted: its next sync terminates it with phase Failed and this reason and message. */
  evict(uid: string, eviction: { reason: string; message: string; gracePeriodSeconds: number; disruptionTarget?: boolean }): void {
    this.evictions.set(uid, eviction);
  }

  /** True when the pod's status is final (rejected or evicted): it is no longer an active pod. */
  isEvicted(uid: string): boolean {
    return this.evictions.has(uid);
  }

  private runtimeStatus(pod: Pod): Promise<RuntimePodStatus> {
    return getRuntimePodStatus(this.d.ctx.runtime, pod.metadata.uid ?? '', pod.metadata.name ?? '', pod.metadata.namespace ?? '');
  }

  private facts(pod: Pod, status: RuntimePodStatus): EnvFacts {
    const ips = status.sandboxes[0]?.ips ?? [];
    return { podIP: ips[0] ?? '', podIPs: ips, hostIP: this.d.nodeIP, nodeName: this.d.nodeName, allocatable: this.d.allocatable };
  }

  /**
   * Generates the status, hands it to the status manager; returns its phase and the pending write. A `rejection`
   * (kubelet admission) fails the pod as rejectPod does: phase Failed, its reason, `Pod was rejected: <message>`.
   */
  private report(pod: Pod, status: RuntimePodStatus, podIsTerminal: boolean, rejection?: { reason: string; message: string }): { terminal: boolean; written: Promise<void> } {
    const uid = pod.metadata.uid ?? '';
    const old = this.d.statusManager.getCached(uid) ?? pod.status;
    const withOld: Pod = old ? { ...pod, status: old } : pod;
    const opts: Parameters<typeof generateAPIPodStatus>[0] = {
      pod: withOld,
      runtime: status,
      reasons: this.d.ctx.reasons,
      runtimeName: this.d.runtimeName(),
      nodeIP: this.d.nodeIP,
      podIsTerminal,
      now: this.d.ctx.clock.now(),
    };
    if (this.d.prober) opts.probes = this.d.prober;
    const apiStatus = generateAPIPodStatus(opts);
    // activeDeadlineHandler.ShouldEvict, applied in generateAPIPodStatus upstream
    if (!TERMINAL.has(apiStatus.phase ?? '') || apiStatus.reason === DEADLINE_EXCEEDED_REASON) {
      if (pastActiveDeadline(pod, apiStatus.startTime, opts.now)) {
        if (old?.reason !== DEADLINE_EXCEEDED_REASON) this.d.ctx.recorder.event(pod, 'Normal', DEADLINE_EXCEEDED_REASON, DEADLINE_EXCEEDED_MESSAGE);
        apiStatus.phase = 'Failed';
        apiStatus.reason = DEADLINE_EXCEEDED_REASON;
        apiStatus.message = DEADLINE_EXCEEDED_MESSAGE;
      }
    }
    if (rejection) {
      // rejectPod: the event, and a status of phase, reason, message and qosClass only; nothing is written after it.
      if (old?.reason !== rejection.reason) this.d.ctx.recorder.event(pod, 'Warning', rejection.reason, rejection.message);
      const rejected: PodStatus = { phase: 'Failed', reason: rejection.reason, message: `${REJECTED_PREFIX}${rejection.message}` };
      if (apiStatus.qosClass) rejected.qosClass = apiStatus.qosClass;
      return { terminal: true, written: this.d.statusManager.setPodStatus(pod, rejected) };
    }
    if (old?.message?.startsWith(REJECTED_PREFIX) && old.phase === 'Failed') return { terminal: true, written: Promise.resolve() };
    const eviction = this.evictions.get(uid);
    if (eviction) {
      // The eviction manager's status function: Failed, Evicted, its message, and (for a pressure eviction, not a
      // local storage one) the DisruptionTarget condition.
      apiStatus.phase = 'Failed';
      apiStatus.reason = eviction.reason;
      apiStatus.message = eviction.message;
    }
    if (eviction && eviction.disruptionTarget !== false) {
      const prev = old?.conditions?.find((c) => c.type === 'DisruptionTarget');
      const disruption = {
        type: 'DisruptionTarget',
        status: 'True' as const,
        lastProbeTime: null,
        lastTransitionTime: prev?.lastTransitionTime ?? rfc3339(opts.now),
        reason: 'TerminationByKubelet',
        message: eviction.message,
      };
      apiStatus.conditions = [...(apiStatus.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), disruption];
    }
    if (eviction) {
      if (old?.reason !== eviction.reason) this.d.ctx.recorder.event(pod, 'Warning', eviction.reason, eviction.message);
    }
    const written = this.d.statusManager.setPodStatus(pod, apiStatus);
    return { terminal: TERMINAL.has(apiStatus.phase ?? ''), written };
  }

  /**
   * SyncPod: reports the status (failing a pod past its activeDeadlineSeconds), sets up volumes, runs the
   * runtime plan and reports again. Asks for a requeue at the end of a crash-loop window and at the active
   * deadline. Throws PodSyncError (after reporting) when volumes, the sandbox or a container failed for any
   * reason other than a back-off in progress.
   */
  async syncPod(pod: Pod): Promise<{ terminal: boolean; requeueAfterMs: number }> {
    const status = await this.runtimeStatus(pod);
    // Admission (HandlePodAdditions → canAdmitPod): a pod that never ran is refused forbidden sysctls.
    const fresh = status.sandboxes.length === 0 && status.containers.length === 0;
    const sysctl = fresh ? sysctlAdmitError(pod) : undefined;
    const rejection = sysctl ? { reason: SYSCTL_FORBIDDEN_REASON, message: sysctl } : fresh ? this.d.admit?.(pod) : undefined;
    if (this.report(pod, status, false, rejection).terminal) return { terminal: true, requeueAfterMs: 0 };

    const uid = pod.metadata.uid ?? '';
    await mkdir(podDir(this.d.ctx.paths, uid), { recursive: true });
    const facts = this.facts(pod, status);
    const vols = await this.d.volumes.setUpPodVolumes(pod, facts);
    if (vols.errors.length > 0) {
      for (const e of vols.errors) {
        this.d.ctx.recorder.event(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${e.volume}" : ${e.message}`);
      }
      throw new PodSyncError(`unable to attach or mount volumes for pod ${formatPod(pod)}: ${vols.errors.map((e) => `volume "${e.volume}": ${e.message}`).join('; ')}`);
    }
    const result = await syncPod(this.d.ctx, pod, status, vols.mounted, facts);
    const after = await this.runtimeStatus(pod);
    this.d.prober?.sync(pod, after);
    const reported = this.report(pod, after, false);
    let left = activeDeadlineRemainingMs(pod, this.d.statusManager.getCached(pod.metadata.uid ?? '')?.startTime, this.d.ctx.clock.now());
    if (left !== undefined) left = Math.max(left, 1);
    const failures = result.errors.filter((e) => !BACKOFF_REASONS.has(e.reason));
    if (failures.length > 0 && !reported.terminal) {
      throw new PodSyncError(
        failures.map((e) => (e.name ? `failed to "StartContainer" for "${e.name}" with ${e.reason}: "${e.message}"` : `failed to "CreatePodSandbox" for "${formatPod(pod)}" with ${e.reason}: "${e.message}"`)).join(', '),
        left,
      );
    }
    let requeueAfterMs = result.requeueAfterMs;
    if (left !== undefined) requeueAfterMs = requeueAfterMs > 0 ? Math.min(requeueAfterMs, left) : left;
    return { terminal: reported.terminal, requeueAfterMs };
  }

  async syncTerminatingPod(pod: Pod): Promise<void> {
    const status = await this.runtimeStatus(pod);
    const eviction = this.evictions.get(pod.metadata.uid ?? '');
    await killPod(this.d.ctx, pod, status, { podIP: status.sandboxes[0]?.ip ?? '', ...(eviction ? { gracePeriodOverride: eviction.gracePeriodSeconds } : {}) });
    const after = await this.runtimeStatus(pod);
    await this.report(pod, after, true).written;
  }

  async syncTerminatedPod(pod: Pod, deleted: boolean, removedFromApi: boolean): Promise<void> {
    const { ctx } = this.d;
    const uid = pod.metadata.uid ?? '';
    if (!deleted) {
      await unmountAll(podDir(ctx.paths, uid));
      return;
    }
    const status = await this.runtimeStatus(pod);
    if (status.containers.some((c) => c.state === 'running')) {
      await killPod(ctx, pod, status, { gracePeriodOverride: 0 });
    }
    const teardown = await teardownPodSandboxes(ctx.runtime, status.sandboxes, { containerIds: status.containers.map((c) => c.id) });
    for (const f of teardown.failed) ctx.log(`remove sandbox of ${formatPod(pod)}: ${f.message}`);
    await this.d.volumes.tearDownPod(uid);
    await rm(podLogDir(ctx.paths, pod), { recursive: true, force: true });
    ctx.reasons.clearPod(uid);
    ctx.failedSandboxAttempts?.delete(uid);
    this.evictions.delete(uid);
    this.d.prober?.forget(uid);
    ctx.crashBackoff.resetPrefix(`${pod.metadata.name}_${pod.metadata.namespace}_${uid}_`);
    if (!removedFromApi) await this.d.statusManager.deletePod(pod);
    this.d.statusManager.forget(uid);
  }
}

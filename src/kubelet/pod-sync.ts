// The kubelet's per-pod sync steps (kubelet.go SyncPod, SyncTerminatingPod, SyncTerminatedPod) over runtime, volumes and status.

import { mkdir, rm } from 'node:fs/promises';
import type { Pod } from '../api/types.js';
import type { EnvFacts } from './kuberuntime/env.js';
import { killPod } from './kuberuntime/container-kill.js';
import { errorText, formatPod, type RuntimeContext } from './kuberuntime/runtime-context.js';
import { getRuntimePodStatus, type RuntimePodStatus } from './kuberuntime/runtime-pod.js';
import { syncPod } from './kuberuntime/sync-pod.js';
import { podDir, podLogDir } from './paths.js';
import type { PodSyncer } from './pod-workers/pod-workers.js';
import { generateAPIPodStatus, type ProbeStatus } from './status/generate.js';
import type { StatusManager } from './status/status-manager.js';
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
  /** Readiness/startup answers for status, and the hook that keeps probe workers in step with containers. */
  prober?: ProbeStatus & { sync(pod: Pod, status: RuntimePodStatus): void; forget(uid: string): void };
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

/** Implements the pod worker's three steps for this kubelet. */
export class KubeletPodSyncer implements PodSyncer {
  constructor(private readonly d: PodSyncDeps) {}

  private runtimeStatus(pod: Pod): Promise<RuntimePodStatus> {
    return getRuntimePodStatus(this.d.ctx.runtime, pod.metadata.uid ?? '', pod.metadata.name ?? '', pod.metadata.namespace ?? '');
  }

  private facts(pod: Pod, status: RuntimePodStatus): EnvFacts {
    const ips = status.sandboxes[0]?.ips ?? [];
    return { podIP: ips[0] ?? '', podIPs: ips, hostIP: this.d.nodeIP, nodeName: this.d.nodeName, allocatable: this.d.allocatable };
  }

  /** Generates the status, hands it to the status manager; returns its phase and the pending write. */
  private report(pod: Pod, status: RuntimePodStatus, podIsTerminal: boolean): { terminal: boolean; written: Promise<void> } {
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
    const written = this.d.statusManager.setPodStatus(pod, apiStatus);
    return { terminal: TERMINAL.has(apiStatus.phase ?? ''), written };
  }

  async syncPod(pod: Pod): Promise<{ terminal: boolean; requeueAfterMs: number }> {
    const status = await this.runtimeStatus(pod);
    if (this.report(pod, status, false).terminal) return { terminal: true, requeueAfterMs: 0 };

    const uid = pod.metadata.uid ?? '';
    await mkdir(podDir(this.d.ctx.paths, uid), { recursive: true });
    const facts = this.facts(pod, status);
    const vols = await this.d.volumes.setUpPodVolumes(pod, facts);
    if (vols.errors.length > 0) {
      for (const e of vols.errors) {
        this.d.ctx.recorder.event(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${e.volume}" : ${e.message}`);
      }
      return { terminal: false, requeueAfterMs: 2_000 };
    }
    const result = await syncPod(this.d.ctx, pod, status, vols.mounted, facts);
    const after = await this.runtimeStatus(pod);
    this.d.prober?.sync(pod, after);
    return { terminal: this.report(pod, after, false).terminal, requeueAfterMs: result.requeueAfterMs };
  }

  async syncTerminatingPod(pod: Pod): Promise<void> {
    const status = await this.runtimeStatus(pod);
    await killPod(this.d.ctx, pod, status, { podIP: status.sandboxes[0]?.ip ?? '' });
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
    for (const sb of status.sandboxes) {
      try {
        if (sb.ready) await ctx.runtime.stopPodSandbox(sb.id);
        await ctx.runtime.removePodSandbox(sb.id);
      } catch (err) {
        ctx.log(`remove sandbox of ${formatPod(pod)}: ${errorText(err)}`);
      }
    }
    for (const c of status.containers) await ctx.runtime.removeContainer(c.id).catch(() => undefined);
    await this.d.volumes.tearDownPod(uid);
    await rm(podLogDir(ctx.paths, pod), { recursive: true, force: true });
    ctx.reasons.clearPod(uid);
    this.d.prober?.forget(uid);
    ctx.crashBackoff.resetPrefix(`${pod.metadata.name}_${pod.metadata.namespace}_${uid}_`);
    if (!removedFromApi) await this.d.statusManager.deletePod(pod);
    this.d.statusManager.forget(uid);
  }
}

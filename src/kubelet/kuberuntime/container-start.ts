// Starts one container instance: back-off check, image, config, create, start, postStart (kuberuntime `startContainer`).

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, EphemeralContainer, Pod } from '../../api/types.js';
import type { PodSandboxConfig } from '../../cri/types.js';
import { containerFieldPath } from '../events/recorder.js';
import { ImageError } from '../images/image-manager.js';
import { podLogDir } from '../config/paths.js';
import { goDuration } from '../util/clock.js';
import type { MountedVolume } from '../volumes/volume-manager.js';
import { generateContainerConfig } from './container-config.js';
import { killContainer } from './container-kill.js';
import type { EnvFacts } from '../container/env.js';
import { hashContainer } from '../container/helpers.js';
import { runLifecycleHandler } from './lifecycle.js';
import { errorText, formatPod, stableKey, type RuntimeContext } from './runtime-context.js';
import { findContainerStatus, type RuntimeContainerStatus, type RuntimePodStatus } from '../container/runtime.js';

/** A failed start: `reason` is the waiting reason (CrashLoopBackOff, ErrImagePull, RunContainerError...). */
export class StartError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    /** For CrashLoopBackOff: ms until the window ends. */
    readonly retryAfterMs = 0,
  ) {
    super(message);
    this.name = 'StartError';
  }
}

/** What to start and where. */
export interface StartSpec {
  pod: Pod;
  container: Container;
  status: RuntimePodStatus;
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
  volumes: Map<string, MountedVolume>;
  facts: EnvFacts;
  /** An ephemeral container (spec.ephemeralContainers): its `targetContainerName` must be running; it joins that process namespace. */
  ephemeral?: boolean;
}

/**
 * `startSpec.getTargetID`: the runtime id of the running container an ephemeral container targets, undefined without a
 * target. Throws StartError CreateContainerConfigError `unable to find target container NAME` when it is not running.
 */
export function ephemeralTargetId(spec: StartSpec): string | undefined {
  const target = spec.ephemeral ? (spec.container as EphemeralContainer).targetContainerName : undefined;
  if (!target) return undefined;
  const s = findContainerStatus(spec.status, target);
  if (!s || s.state !== 'running') throw new StartError('CreateContainerConfigError', `unable to find target container ${target}`);
  return s.id;
}

/** Highest `<n>.log` in the container's log dir + 1, or 0 (`calcRestartCountByLogDir`). */
async function restartCountFromLogs(ctx: RuntimeContext, pod: Pod, name: string): Promise<number> {
  try {
    const files = await readdir(join(podLogDir(ctx.paths, pod), name));
    let max = -1;
    for (const f of files) {
      const m = /^(\d+)\.log$/.exec(f);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max + 1;
  } catch {
    return 0;
  }
}

/**
 * `doBackOff`: when the newest exited instance finished inside the current back-off window, emits the
 * BackOff event and throws StartError CrashLoopBackOff; otherwise opens the next window.
 */
function doBackOff(ctx: RuntimeContext, spec: StartSpec): void {
  const { pod, container, status } = spec;
  const exited = status.containers.find((c) => c.name === container.name && c.state === 'exited');
  if (!exited) return;
  const key = stableKey(pod, container.name, hashContainer(container));
  if (ctx.crashBackoff.isInBackOffSince(key, exited.finishedAt)) {
    ctx.recorder.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${formatPod(pod)}`, containerFieldPath(pod, container.name));
    throw new StartError(
      'CrashLoopBackOff',
      `back-off ${goDuration(ctx.crashBackoff.get(key))} restarting failed container=${container.name} pod=${formatPod(pod)}`,
      ctx.crashBackoff.remaining(key, exited.finishedAt),
    );
  }
  ctx.crashBackoff.next(key, exited.finishedAt);
}

/**
 * True when `instance` is a created, never started instance of `spec.container` in the current sandbox with
 * the current spec hash: startContainer replaces it without counting a restart.
 */
export function isUnstartedInstance(instance: RuntimeContainerStatus, spec: Pick<StartSpec, 'container' | 'sandboxId'>): boolean {
  return instance.state === 'created' && instance.startedAt === 0 && instance.podSandboxId === spec.sandboxId && instance.hash === hashContainer(spec.container);
}

/**
 * Starts a new instance of `spec.container` (at the same restartCount when it replaces an instance a previous
 * sync created and never started, see isUnstartedInstance). Records the outcome in the reason cache (cleared on success)
 * and emits Created/Started/Failed events. Throws StartError on any failure.
 */
export async function startContainer(ctx: RuntimeContext, spec: StartSpec): Promise<string> {
  const { pod, container } = spec;
  const uid = pod.metadata.uid ?? '';
  const fieldPath = containerFieldPath(pod, container.name);
  const fail = (reason: string, message: string, retryAfterMs = 0): StartError => {
    ctx.reasons.set(uid, container.name, { reason, message });
    return new StartError(reason, message, retryAfterMs);
  };
  try {
    doBackOff(ctx, spec);
  } catch (err) {
    const e = err as StartError;
    throw fail(e.reason, e.message, e.retryAfterMs);
  }

  let imageRef: string;
  try {
    imageRef = await ctx.images.ensureImageExists(pod, container, spec.sandboxConfig);
  } catch (err) {
    const reason = err instanceof ImageError ? err.reason : 'ErrImagePull';
    ctx.recorder.event(pod, 'Warning', 'Failed', `Error: ${reason}`, fieldPath);
    throw fail(reason, errorText(err));
  }

  const prev = spec.status.containers.find((c) => c.name === container.name);
  // An instance created for this sandbox and spec but never started (the kubelet was killed between
  // CreateContainer and StartContainer, or the runtime died in between) never ran: it is replaced at the same
  // restartCount, not counted as a restart. It is not started as it is: a containerd restarted since has lost
  // its IO pipes ("failed to start io pipe copy"). Upstream counts it as a restart (ShouldContainerBeRestarted).
  const unstarted = prev !== undefined && isUnstartedInstance(prev, spec);
  const restartCount = !prev ? await restartCountFromLogs(ctx, pod, container.name) : unstarted ? prev.restartCount : prev.restartCount + 1;
  if (prev && prev.state === 'created') await ctx.runtime.removeContainer(prev.id).catch(() => undefined);

  let targetId: string | undefined;
  try {
    targetId = ephemeralTargetId(spec);
  } catch (err) {
    const msg = errorText(err);
    ctx.recorder.event(pod, 'Warning', 'Failed', `Error: ${msg}`, fieldPath);
    throw fail('CreateContainerConfigError', msg);
  }

  let config;
  try {
    const imageUser = await ctx.images.imageUser(imageRef);
    config = await generateContainerConfig({
      imageUser,
      pod,
      container,
      restartCount,
      imageRef,
      volumes: spec.volumes,
      objects: ctx.objects,
      facts: spec.facts,
      paths: ctx.paths,
      ...(ctx.services ? { services: ctx.services } : {}),
      ...(targetId ? { targetId } : {}),
    });
  } catch (err) {
    const msg = errorText(err);
    ctx.recorder.event(pod, 'Warning', 'Failed', `Error: ${msg}`, fieldPath);
    throw fail('CreateContainerConfigError', msg);
  }

  let id: string;
  try {
    id = await ctx.runtime.createContainer(spec.sandboxId, config, spec.sandboxConfig);
  } catch (err) {
    const msg = errorText(err);
    ctx.recorder.event(pod, 'Warning', 'Failed', `Error: ${msg}`, fieldPath);
    throw fail('CreateContainerError', msg);
  }
  ctx.recorder.event(pod, 'Normal', 'Created', `Created container: ${container.name}`, fieldPath);

  try {
    await ctx.runtime.startContainer(id);
  } catch (err) {
    const msg = errorText(err);
    ctx.recorder.event(pod, 'Warning', 'Failed', `Error: ${msg}`, fieldPath);
    throw fail('RunContainerError', msg);
  }
  ctx.recorder.event(pod, 'Normal', 'Started', `Started container ${container.name}`, fieldPath);

  const postStart = container.lifecycle?.postStart;
  if (postStart) {
    const msg = await runLifecycleHandler(ctx.runtime, id, container, formatPod(pod), postStart, spec.facts.podIP, 0);
    if (msg) {
      ctx.recorder.event(pod, 'Warning', 'FailedPostStartHook', 'PostStartHook failed', fieldPath);
      await killContainer(ctx, pod, { containerId: id, name: container.name, container, message: 'FailedPostStartHook', reason: '' });
      throw fail('PostStartHookError', msg);
    }
  }
  ctx.reasons.clear(uid, container.name);
  return id;
}

// Removes pod sandboxes from the runtime: the kubelet's one copy of sandbox teardown (StopPodSandbox, then RemovePodSandbox).

import type { RuntimeService } from '../../cri/types.js';
import { podIdentityFromLabels } from '../container/labels.js';
import { MINIMUM_GRACE_SECONDS } from './container-kill.js';
import { errorText } from './runtime-context.js';

/** The CRI calls a teardown makes. */
export type TeardownRuntime = Pick<RuntimeService, 'listPodSandbox' | 'listContainers' | 'stopContainer' | 'stopPodSandbox' | 'removePodSandbox' | 'removeContainer'>;

/** One sandbox to tear down; `ready: false` says it is known stopped, so StopPodSandbox is skipped. */
export interface SandboxToRemove {
  id: string;
  ready?: boolean;
}

/** Options of {@link teardownPodSandboxes}. */
export interface TeardownOptions {
  /**
   * When set, each sandbox's running containers are stopped first, with this timeout in seconds (CRI
   * StopContainer; errors ignored, the sandbox stop kills what is left). The kubelet's orphan clean-up uses 2 s
   * (`minimumGracePeriodInSeconds`): the pod is gone from the API, its grace period unknown. Pods the kubelet
   * still knows have their containers killed by `killPod` instead, with their own grace periods and hooks.
   */
  stopContainersTimeoutSeconds?: number;
  /** Container instances to remove after the sandboxes (CRI RemoveContainer; errors ignored: removing a sandbox removes most of them). */
  containerIds?: readonly string[];
}

/** What {@link teardownPodSandboxes} did. */
export interface TeardownResult {
  /** Sandboxes stopped and removed. */
  removed: string[];
  /** Sandboxes whose StopPodSandbox or RemovePodSandbox failed, with the runtime's message; they are left for the next try. */
  failed: { id: string; message: string }[];
}

/**
 * Tears down `sandboxes` in order: optionally stops their running containers, then StopPodSandbox (unless the
 * sandbox is known stopped) and RemovePodSandbox. A sandbox whose stop fails is not removed, as upstream removes
 * only stopped sandboxes (kuberuntime `killPodWithSyncResult`, then the container GC's `removeSandbox`); the
 * next sync or housekeeping pass tries again. Never throws: failures are in the result.
 */
export async function teardownPodSandboxes(runtime: TeardownRuntime, sandboxes: readonly SandboxToRemove[], opts: TeardownOptions = {}): Promise<TeardownResult> {
  const result: TeardownResult = { removed: [], failed: [] };
  for (const sb of sandboxes) {
    if (opts.stopContainersTimeoutSeconds !== undefined) {
      const timeout = opts.stopContainersTimeoutSeconds;
      try {
        for (const c of await runtime.listContainers({ podSandboxId: sb.id })) {
          if (c.state === 'CONTAINER_RUNNING') await runtime.stopContainer(c.id, timeout).catch(() => undefined);
        }
      } catch {
        // The sandbox stop below kills what is still running.
      }
    }
    try {
      if (sb.ready !== false) await runtime.stopPodSandbox(sb.id);
      await runtime.removePodSandbox(sb.id);
      result.removed.push(sb.id);
    } catch (err) {
      result.failed.push({ id: sb.id, message: errorText(err) });
    }
  }
  for (const id of opts.containerIds ?? []) await runtime.removeContainer(id).catch(() => undefined);
  return result;
}

/**
 * Removes the sandboxes of pods the kubelet no longer knows (HandlePodCleanups' orphaned pods): every sandbox
 * carrying a pod uid label for which `isKnown` is false, its running containers stopped first with the 2 s
 * minimum grace (the pod is gone from the API, its grace period unknown). Sandboxes without the label are not
 * the kubelet's and are left alone. Logs each removal; a failed one is retried on the next call. Rejects only
 * when the sandboxes cannot be listed.
 */
export async function removeOrphanedSandboxes(runtime: TeardownRuntime, isKnown: (uid: string) => boolean, log: (msg: string) => void): Promise<void> {
  for (const sb of await runtime.listPodSandbox()) {
    const id = podIdentityFromLabels(sb.labels);
    if (!id || isKnown(id.uid)) continue;
    log(`removing orphaned sandbox ${sb.id} of pod ${id.namespace}/${id.name} (${id.uid})`);
    await teardownPodSandboxes(runtime, [{ id: sb.id }], { stopContainersTimeoutSeconds: MINIMUM_GRACE_SECONDS });
  }
}

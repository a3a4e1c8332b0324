// Reads one pod's runtime status from CRI (kuberuntime `GetPodStatus`), rebuilt from CRI labels and annotations.

import { readFile } from 'node:fs/promises';
import type { CriContainerStatus, PodSandboxStatus, RuntimeService } from '../../cri/types.js';
import {
  CONTAINER_HASH_ANNOTATION,
  CONTAINER_NAME_LABEL,
  CONTAINER_RESTART_COUNT_ANNOTATION,
  intAnnotation,
  POD_UID_LABEL,
  TERMINATION_MESSAGE_PATH_ANNOTATION,
  TERMINATION_MESSAGE_POLICY_ANNOTATION,
} from '../container/labels.js';
import type { RuntimeContainerState, RuntimeContainerStatus, RuntimePodStatus, RuntimeSandboxStatus } from '../container/runtime.js';

const STATE: Record<string, RuntimeContainerState> = {
  CONTAINER_CREATED: 'created',
  CONTAINER_RUNNING: 'running',
  CONTAINER_EXITED: 'exited',
  CONTAINER_UNKNOWN: 'unknown',
};

/** ns → ms, keeping the fraction so instances created within one ms still order correctly. */
const ns2ms = (ns: number): number => (ns > 0 ? ns / 1e6 : 0);

/** Maximum bytes of a termination message (`MaxContainerTerminationMessageLength`). */
export const MAX_TERMINATION_MESSAGE_BYTES = 4096;
const FALLBACK_LOG_LINES = 80;
const FALLBACK_LOG_BYTES = 2048;

async function readTail(path: string, maxBytes: number): Promise<string> {
  try {
    const buf = await readFile(path);
    return buf.subarray(Math.max(0, buf.length - maxBytes)).toString('utf8');
  } catch {
    return '';
  }
}

/** Tail of a CRI log file as plain text: last `lines` lines, at most `bytes` bytes. */
async function logTail(path: string, lines: number, bytes: number): Promise<string> {
  const text = await readTail(path, 1 << 20);
  const msgs = text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const parts = l.split(' ');
      return parts.slice(3).join(' ') + (parts[2] === 'P' ? '' : '\n');
    });
  const out = msgs.slice(-lines).join('');
  const b = Buffer.from(out);
  return b.subarray(Math.max(0, b.length - bytes)).toString('utf8');
}

/**
 * The termination message of an exited container (kuberuntime `getTerminationMessage` + FallbackToLogsOnError):
 * the last 4096 bytes of the host file bound at the container's terminationMessagePath, or the log tail.
 */
export async function terminationMessage(s: CriContainerStatus): Promise<string> {
  const path = s.annotations[TERMINATION_MESSAGE_PATH_ANNOTATION] ?? '';
  const policy = s.annotations[TERMINATION_MESSAGE_POLICY_ANNOTATION] ?? 'File';
  let msg = '';
  const mount = path ? s.mounts.find((m) => m.containerPath === path) : undefined;
  if (mount) msg = await readTail(mount.hostPath, MAX_TERMINATION_MESSAGE_BYTES);
  if (!msg && policy === 'FallbackToLogsOnError' && s.exitCode !== 0 && s.logPath) {
    msg = await logTail(s.logPath, FALLBACK_LOG_LINES, FALLBACK_LOG_BYTES);
  }
  return msg;
}

/** Converts a CRI container status (`toKubeContainerStatus`); reads the termination message of exited ones. */
export async function toRuntimeContainerStatus(s: CriContainerStatus, podSandboxId: string): Promise<RuntimeContainerStatus> {
  const state = STATE[s.state] ?? 'unknown';
  let message = s.message;
  if (state === 'exited') {
    const tm = await terminationMessage(s);
    if (tm) message = message ? `${message}: ${tm}` : tm;
  }
  return {
    id: s.id,
    name: s.labels[CONTAINER_NAME_LABEL] ?? s.metadata?.name ?? '',
    podSandboxId,
    state,
    createdAt: ns2ms(s.createdAt),
    startedAt: ns2ms(s.startedAt),
    finishedAt: ns2ms(s.finishedAt),
    exitCode: s.exitCode,
    reason: s.reason,
    message,
    image: s.image?.image || s.image?.userSpecifiedImage || '',
    imageRef: s.imageRef,
    restartCount: intAnnotation(s.annotations, CONTAINER_RESTART_COUNT_ANNOTATION, s.metadata?.attempt ?? 0),
    hash: s.annotations[CONTAINER_HASH_ANNOTATION] ?? '',
    logPath: s.logPath,
  };
}

/** Converts a CRI sandbox status. */
export function toRuntimeSandboxStatus(s: PodSandboxStatus): RuntimeSandboxStatus {
  const ip = s.network?.ip ?? '';
  const ips = ip ? [ip, ...(s.network?.additionalIps ?? []).map((x) => x.ip).filter((x) => x)] : [];
  return {
    id: s.id,
    attempt: s.metadata?.attempt ?? 0,
    ready: s.state === 'SANDBOX_READY',
    createdAt: ns2ms(s.createdAt),
    ip,
    ips,
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: number; codeName?: string; message?: string };
  return e?.code === 5 || e?.codeName === 'NotFound' || /not found/i.test(e?.message ?? '');
}

/**
 * Reads the runtime status of pod `uid` from CRI (kuberuntime `GetPodStatus`): every sandbox and container
 * instance carrying the pod uid label, newest first. Instances that vanish mid-read are skipped.
 */
export async function getRuntimePodStatus(
  runtime: RuntimeService,
  uid: string,
  name: string,
  namespace: string,
): Promise<RuntimePodStatus> {
  const selector = { [POD_UID_LABEL]: uid };
  const sandboxes: RuntimeSandboxStatus[] = [];
  for (const sb of await runtime.listPodSandbox({ labelSelector: selector })) {
    try {
      sandboxes.push(toRuntimeSandboxStatus(await runtime.podSandboxStatus(sb.id)));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const containers: RuntimeContainerStatus[] = [];
  for (const c of await runtime.listContainers({ labelSelector: selector })) {
    try {
      containers.push(await toRuntimeContainerStatus(await runtime.containerStatus(c.id), c.podSandboxId));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  sandboxes.sort((a, b) => b.createdAt - a.createdAt);
  containers.sort((a, b) => b.createdAt - a.createdAt);
  return { uid, name, namespace, sandboxes, containers };
}

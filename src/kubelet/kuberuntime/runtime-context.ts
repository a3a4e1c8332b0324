// The collaborators the runtime executor (start, kill, sync) works with, bundled once by the kubelet.

import type { Pod } from '../../api/types.js';
import type { RuntimeService } from '../../cri/types.js';
import type { ServiceLister } from '../envvars/service-lister.js';
import type { EventRecorder } from '../events/recorder.js';
import type { ImageManager } from '../images/image-manager.js';
import type { DNSConfigurer } from '../network/dns.js';
import type { KubeletPaths } from '../config/paths.js';
import type { Clock } from '../../api/clock.js';
import type { Backoff } from '../container/backoff.js';
import type { ProbeResults } from './compute-pod-actions.js';
import type { ObjectSource } from '../container/env.js';
import type { ReasonCache } from '../container/reason-cache.js';
import type { RuntimeClassManager } from '../runtimeclass/runtime-class-manager.js';

/** Shared state and services of the runtime executor. */
export interface RuntimeContext {
  runtime: RuntimeService;
  images: ImageManager;
  recorder: EventRecorder;
  clock: Clock;
  paths: KubeletPaths;
  objects: ObjectSource;
  /** Forms each pod's resolv.conf (dnsPolicy, dnsConfig; cluster DNS settings). */
  dns: Pick<DNSConfigurer, 'getPodDNS' | 'settings'>;
  /** Services for the service environment variables. */
  services?: ServiceLister;
  /** Resolves `spec.runtimeClassName` to the CRI runtime handler; absent = every pod gets the default handler (`''`). */
  runtimeClasses?: RuntimeClassManager;
  /** CrashLoopBackOff windows keyed by `stableKey`. */
  crashBackoff: Backoff;
  reasons: ReasonCache;
  probes: ProbeResults;
  /**
   * Per pod uid, the attempt of the last RunPodSandbox that failed: the next try uses a higher one even when the
   * failed attempt left nothing to list (containerd may still hold its name: "name ... is reserved for ...").
   */
  failedSandboxAttempts?: Map<string, number>;
  log(message: string): void;
}

/** `<pod>_<ns>(<uid>)` (kubelet `format.Pod`). */
export function formatPod(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** Back-off key of a container (`GetStableKey`): `<pod>_<ns>_<uid>_<container>_<hash>`. */
export function stableKey(pod: Pod, name: string, hash: string): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid}_${name}_${hash}`;
}

/**
 * An error as Go's `err.Error()` prints it where upstream formats `%v`: a CRI (gRPC) error as
 * `rpc error: code = Unknown desc = <details>` (the status error the CRI client returns), anything else by its
 * message. Used where upstream's event carries the runtime's error itself (FailedCreatePodSandBox).
 */
export function goErrorText(err: unknown): string {
  const e = err as { code?: unknown; codeName?: unknown; details?: unknown };
  if (typeof e?.code === 'number' && typeof e.codeName === 'string' && typeof e.details === 'string') {
    return `rpc error: code = ${e.codeName} desc = ${e.details}`;
  }
  return errorText(err);
}

/** The message of an error from CRI (gRPC `details`) or anything else. */
export function errorText(err: unknown): string {
  const e = err as { details?: string; message?: string };
  return e?.details || e?.message || String(err);
}

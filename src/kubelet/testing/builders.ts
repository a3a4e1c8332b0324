// Test builders: pods and runtime statuses in a few lines.

import type { Container, Pod, PodSpec } from '../../api/types.js';
import { hashContainer } from '../container/helpers.js';
import type { RuntimeContainerState, RuntimeContainerStatus, RuntimePodStatus, RuntimeSandboxStatus } from '../container/runtime.js';

/** A pod named `name` in `default` with busybox containers `containers` (names) and optional spec overrides. */
export function makePod(name: string, containers: string[], spec: Partial<PodSpec> = {}, uid = `uid-${name}`): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { containers: containers.map((n) => ({ name: n, image: 'busybox:1.36' })), restartPolicy: 'Always', ...spec },
  };
}

/** A busybox container spec. */
export function container(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: 'busybox:1.36', ...extra };
}

let seq = 0;

/** A runtime container instance of `c` (hash matches the spec unless `hash` is given). Times in ms. */
export function instance(
  c: Container | string,
  state: RuntimeContainerState,
  extra: Partial<RuntimeContainerStatus> = {},
): RuntimeContainerStatus {
  const spec = typeof c === 'string' ? { name: c, image: 'busybox:1.36' } : c;
  seq++;
  return {
    id: `c-${spec.name}-${seq}`,
    name: spec.name,
    podSandboxId: 'sb1',
    state,
    createdAt: 1000 + seq,
    startedAt: state === 'created' ? 0 : 1000 + seq,
    finishedAt: state === 'exited' ? 2000 + seq : 0,
    exitCode: 0,
    reason: state === 'exited' ? ((extra.exitCode ?? 0) === 0 ? 'Completed' : 'Error') : '',
    message: '',
    image: 'docker.io/library/busybox:1.36',
    imageRef: 'sha256:busybox',
    restartCount: 0,
    hash: hashContainer(spec),
    logPath: '',
    ...extra,
  };
}

/** A ready sandbox with an IP. */
export function sandbox(extra: Partial<RuntimeSandboxStatus> = {}): RuntimeSandboxStatus {
  return { id: 'sb1', attempt: 0, ready: true, createdAt: 1, ip: '10.88.0.5', ips: ['10.88.0.5'], ...extra };
}

/** A runtime status of `pod` with `containers` given newest first (the builder sorts by createdAt). */
export function runtimeStatus(pod: Pod, sandboxes: RuntimeSandboxStatus[], containers: RuntimeContainerStatus[]): RuntimePodStatus {
  return {
    uid: pod.metadata.uid ?? '',
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    sandboxes,
    containers: [...containers].sort((a, b) => b.createdAt - a.createdAt),
  };
}

// API container statuses from runtime instances (kubelet_pods.go `convertToAPIContainerStatuses`).

import type { Container, ContainerState, ContainerStatus, Pod } from '../../api/types.js';
import { isSidecar, shouldContainerBeRestarted } from '../container/helpers.js';
import type { ReasonLookup } from '../container/reason-cache.js';
import { findContainerStatus, type RuntimeContainerStatus, type RuntimePodStatus } from '../container/runtime.js';
import { rfc3339 } from '../util/clock.js';

/** Inputs shared by init and regular container conversion. */
export interface ConvertContext {
  pod: Pod;
  runtime: RuntimePodStatus;
  reasons: ReasonLookup;
  /** `containerd` → container IDs `containerd://<id>`. */
  runtimeName: string;
  /** True when some regular container of the current sandbox exists (initialization finished). */
  podHasInitialized: boolean;
}

function convertOne(cs: RuntimeContainerStatus, runtimeName: string, old: ContainerStatus | undefined): ContainerStatus {
  const cid = `${runtimeName}://${cs.id}`;
  const status: ContainerStatus = {
    name: cs.name,
    state: {},
    ready: false,
    restartCount: cs.restartCount,
    image: cs.image,
    imageID: cs.imageRef,
    containerID: cid,
  };
  switch (cs.state) {
    case 'running':
      status.state = { running: { startedAt: rfc3339(cs.startedAt) } };
      break;
    case 'created':
      status.state = { waiting: {} };
      break;
    case 'exited': {
      const t: NonNullable<ContainerState['terminated']> = { exitCode: cs.exitCode, containerID: cid };
      if (cs.reason) t.reason = cs.reason;
      if (cs.message) t.message = cs.message;
      if (cs.startedAt) t.startedAt = rfc3339(cs.startedAt);
      if (cs.finishedAt) t.finishedAt = rfc3339(cs.finishedAt);
      status.state = { terminated: t };
      break;
    }
    case 'unknown':
      if (old?.state?.running) {
        status.state = {
          terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' },
        };
        status.restartCount = old.restartCount + 1;
      } else {
        status.state = { waiting: {} };
      }
      break;
  }
  return status;
}

/**
 * Converts the runtime instances of `containers` (init or regular) to API statuses in spec order:
 * default waiting reason `ContainerCreating` (`PodInitializing` when the pod has init containers), newest
 * instance → state, the one before → lastState, recorded start failures → waiting reason/message, vanished
 * running containers → lastState `ContainerStatusUnknown`, missing completed init containers of an initialized
 * pod → terminated `Completed`. `ready`/`started` are filled in by the caller.
 */
export function convertContainerStatuses(
  ctx: ConvertContext,
  containers: Container[],
  oldStatuses: ContainerStatus[] | undefined,
  isInit: boolean,
): ContainerStatus[] {
  const { pod, runtime } = ctx;
  const hasInit = (pod.spec.initContainers ?? []).length > 0;
  const defaultReason = hasInit ? 'PodInitializing' : 'ContainerCreating';
  const old = new Map((oldStatuses ?? []).map((s) => [s.name, s]));
  const statuses = new Map<string, ContainerStatus>();

  for (const c of containers) {
    const o = old.get(c.name);
    let s: ContainerStatus = { name: c.name, state: { waiting: { reason: defaultReason } }, ready: false, restartCount: 0, image: c.image ?? '', imageID: '' };
    if (o?.state?.terminated) s = structuredClone(o);
    else if (o) {
      s.restartCount = o.restartCount;
      if (o.lastState) s.lastState = structuredClone(o.lastState);
    }
    statuses.set(c.name, s);
  }

  for (const c of containers) {
    if (findContainerStatus(runtime, c.name)) continue;
    const s = statuses.get(c.name)!;
    if (isInit && !isSidecar(c) && ctx.podHasInitialized && !s.state?.terminated) {
      s.state = {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          message: 'Unable to get init container status from container runtime and pod has been initialized, treat it as exited normally',
        },
      };
      continue;
    }
    const o = old.get(c.name);
    if (!o || o.state?.terminated || !o.state?.running) continue;
    if (s.state?.waiting?.reason !== defaultReason || s.lastState?.terminated) continue;
    s.lastState = {
      terminated: {
        exitCode: 137,
        reason: 'ContainerStatusUnknown',
        message: 'The container could not be located when the pod was deleted.  The container used to be Running',
      },
    };
    if (!pod.metadata.deletionTimestamp) s.restartCount += 1;
  }

  const seen = new Map<string, number>();
  for (const cs of runtime.containers) {
    if (!statuses.has(cs.name)) continue;
    const n = seen.get(cs.name) ?? 0;
    if (n >= 2) continue;
    const converted = convertOne(cs, ctx.runtimeName, old.get(cs.name));
    if (n === 0) statuses.set(cs.name, converted);
    else statuses.get(cs.name)!.lastState = converted.state ?? {};
    seen.set(cs.name, n + 1);
  }

  for (const c of containers) {
    if (isInit) {
      const rs = findContainerStatus(runtime, c.name);
      if (rs && rs.state === 'exited' && rs.exitCode === 0 && !isSidecar(c)) continue;
    }
    const restartable = isInit && isSidecar(c) ? !pod.metadata.deletionTimestamp : shouldContainerBeRestarted(c, pod, runtime);
    if (!restartable) continue;
    const failure = ctx.reasons.get(pod.metadata.uid ?? '', c.name);
    if (!failure) continue;
    const s = statuses.get(c.name)!;
    if (s.state?.terminated) s.lastState = s.state;
    s.state = { waiting: { reason: failure.reason, message: failure.message } };
  }

  return containers.map((c) => statuses.get(c.name)!);
}

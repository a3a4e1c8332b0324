/**
 * Pod and container CPU and memory from the CRI: ListContainerStats joined with ListContainers and
 * ListPodSandbox, one PodStats per pod with its running containers (and each container's writable layer as
 * `rootfs` when the runtime reports it: containerd refreshes it every stats_collect_period, 10 s).
 *
 * Mirrors kubelet `pkg/kubelet/stats/cri_stats_provider.go` (ListPodCPUAndMemoryStats with
 * removeTerminatedPods / removeTerminatedContainers): only running containers count, a pod recreated under the
 * same name is reported by its ready sandbox, and — as the kubelet does when there is no pod cgroup to read —
 * the pod's usage is the sum of its containers'. containerd 1.6 implements ListPodSandboxStats from the
 * sandbox's cgroup path, but k1s gives sandboxes no cgroup parent and containerd then fails the call
 * (`failed to get cgroup metrics for sandbox …: cgroupPath is empty`, src/containerd/runtime.integration.test.ts).
 */
import type { ContainerStats as CriContainerStats, CriContainer, PodSandbox, RuntimeService } from '../../cri/types.js';
import { CONTAINER_NAME_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL } from '../container/labels.js';
import type { ContainerStats, PodStats } from './summary.js';

/** Keeps one sandbox per pod name/namespace: the ready ones, else the newest (removeTerminatedPods). */
export function removeTerminatedPods(sandboxes: PodSandbox[]): PodSandbox[] {
  const byPod = new Map<string, PodSandbox[]>();
  for (const s of [...sandboxes].sort((a, b) => a.createdAt - b.createdAt)) {
    const key = `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
    byPod.set(key, [...(byPod.get(key) ?? []), s]);
  }
  const out: PodSandbox[] = [];
  for (const refs of byPod.values()) {
    if (refs.length === 1) {
      out.push(refs[0]!);
      continue;
    }
    const ready = refs.filter((s) => s.state === 'SANDBOX_READY');
    out.push(...(ready.length ? ready : [refs[refs.length - 1]!]));
  }
  return out;
}

/** Only running containers count for usage (removeTerminatedContainers). */
export function removeTerminatedContainers(containers: CriContainer[]): CriContainer[] {
  return containers.filter((c) => c.state === 'CONTAINER_RUNNING');
}

const nsToMs = (ns: number): number => ns / 1e6;

/** One container's CPU and memory (makeContainerCPUAndMemoryStats); a missing sample reads as zero at `nowMs`. */
function containerStats(stats: CriContainerStats, container: CriContainer, nowMs: number): ContainerStats {
  const cpu = stats.cpu;
  const memory = stats.memory;
  return {
    name: stats.attributes?.metadata?.name || container.metadata?.name || container.labels[CONTAINER_NAME_LABEL] || '',
    startTime: nsToMs(container.createdAt),
    cpu: cpu ? { time: nsToMs(cpu.timestamp), usageCoreNanoSeconds: cpu.usageCoreNanoSeconds?.value ?? 0 } : { time: nowMs, usageCoreNanoSeconds: 0 },
    memory: memory ? { time: nsToMs(memory.timestamp), workingSetBytes: memory.workingSetBytes?.value ?? 0 } : { time: nowMs, workingSetBytes: 0 },
    ...(stats.writableLayer?.usedBytes
      ? { rootfs: { usedBytes: stats.writableLayer.usedBytes.value, ...(stats.writableLayer.inodesUsed ? { inodesUsed: stats.writableLayer.inodesUsed.value } : {}) } }
      : {}),
  };
}

/** Adds a container's usage to its pod's (addPodCPUMemoryStats without a pod cgroup): sums, time of the last one. */
function addToPod(pod: PodStats, c: ContainerStats): void {
  if (c.cpu) pod.cpu = { time: c.cpu.time, usageCoreNanoSeconds: (pod.cpu?.usageCoreNanoSeconds ?? 0) + c.cpu.usageCoreNanoSeconds };
  if (c.memory) pod.memory = { time: c.memory.time, workingSetBytes: (pod.memory?.workingSetBytes ?? 0) + c.memory.workingSetBytes };
}

/**
 * The CPU and memory of every pod with a running container, from three CRI calls. `nowMs` stamps containers
 * the runtime gave no sample for. Rejects with the runtime's error when a call fails.
 */
export async function listPodCPUAndMemoryStats(runtime: RuntimeService, nowMs: number): Promise<PodStats[]> {
  const [containers, sandboxes, stats] = await Promise.all([runtime.listContainers(), runtime.listPodSandbox(), runtime.listContainerStats()]);
  const sandboxById = new Map(removeTerminatedPods(sandboxes).map((s) => [s.id, s]));
  const containerById = new Map(removeTerminatedContainers(containers).map((c) => [c.id, c]));
  const pods = new Map<string, PodStats>();
  for (const s of stats) {
    const container = containerById.get(s.attributes?.id ?? '');
    if (!container) continue;
    const sandbox = sandboxById.get(container.podSandboxId);
    if (!sandbox) continue;
    let pod = pods.get(sandbox.id);
    if (!pod) {
      pod = {
        podRef: {
          name: sandbox.metadata?.name || sandbox.labels[POD_NAME_LABEL] || '',
          namespace: sandbox.metadata?.namespace || sandbox.labels[POD_NAMESPACE_LABEL] || '',
          uid: sandbox.metadata?.uid ?? '',
        },
        startTime: nsToMs(sandbox.createdAt),
        containers: [],
      };
      pods.set(sandbox.id, pod);
    }
    const cs = containerStats(s, container, nowMs);
    addToPod(pod, cs);
    pod.containers.push(cs);
  }
  return [...pods.values()];
}

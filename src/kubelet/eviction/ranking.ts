/**
 * Which pod the eviction manager evicts first under memory, disk or PID pressure, and the message it gives the pod.
 *
 * Mirrors `pkg/kubelet/eviction/helpers.go`: rankMemoryPressure = orderedBy(exceedMemoryRequests, priority,
 * memory) — pods whose working set exceeds their memory request first (BestEffort pods request 0), then lower
 * priority, then the larger usage above request; pods without stats go first. evictionMessage builds
 * `The node was low on resource: memory. Threshold quantity: Q, available: A. ` followed by
 * `Container C was using U, request is R, has larger consumption of memory. ` for every container over its
 * request. Critical pods (priority ≥ 2000000000, static and mirror pods) are never candidates
 * (kubelettypes.IsCriticalPod). rankDiskPressureFunc = orderedBy(exceedDiskRequests, priority, disk) over the
 * file system stats the signal measures (rootfs, logs, local volumes); rankPIDPressure = orderedBy(priority,
 * process). The message names the resource (`memory`, `ephemeral-storage`, `inodes`, `pids`); container lines are
 * only written for memory (working set) and ephemeral-storage (rootfs + logs).
 */
import { formatBinarySI, parseQuantity } from '../../api/quantity.js';
import type { Pod } from '../../api/types.js';
import type { PodStats } from '../stats/summary.js';
import { podRequest } from '../lifecycle/predicate.js';
import { isLocalEphemeralVolume } from '../stats/pod-storage-stats.js';
import { podResourceTotal, quantityString, type EvictionResource } from './local-storage.js';

/** SystemCriticalPriority (scheduling.SystemCriticalPriority). */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

/** IsCriticalPod: static or mirror pods, or a priority of at least SystemCriticalPriority. */
export function isCriticalPod(pod: Pod): boolean {
  const ann = pod.metadata.annotations ?? {};
  if (ann['kubernetes.io/config.mirror'] !== undefined) return true;
  if (ann['kubernetes.io/config.source'] !== undefined && ann['kubernetes.io/config.source'] !== 'api') return true;
  return (pod.spec.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY;
}

/** The pod's memory working set (sum of its containers'), or undefined without stats. */
function usageOf(stats: PodStats | undefined): number | undefined {
  if (!stats) return undefined;
  if (stats.memory) return stats.memory.workingSetBytes;
  return stats.containers.reduce((n, c) => n + (c.memory?.workingSetBytes ?? 0), 0);
}

/**
 * The candidates of memory-pressure eviction, first to evict first. `stats(pod)` answers a pod's stats by uid.
 * Stable: pods that compare equal keep their input order.
 */
export function rankMemoryPressure(pods: readonly Pod[], stats: (pod: Pod) => PodStats | undefined): Pod[] {
  return rankByUsage(pods, (pod) => usageOf(stats(pod)), (pod) => podRequest(pod, 'memory'));
}

/**
 * The order upstream's memory and disk rankings share (orderedBy(exceedRequests, priority, usage)): pods without
 * stats first, then pods whose usage exceeds `requestOf`, then lower priority, then the larger usage above
 * `orderRequestOf` (default `requestOf`). Critical pods are left out. Stable.
 */
function rankByUsage(pods: readonly Pod[], usage: (pod: Pod) => number | undefined, requestOf: (pod: Pod) => number, orderRequestOf: (pod: Pod) => number = requestOf): Pod[] {
  const facts = pods
    .filter((p) => !isCriticalPod(p))
    .map((pod, index) => ({ pod, index, usage: usage(pod), req: requestOf(pod), orderReq: orderRequestOf(pod), priority: pod.spec.priority ?? 0 }));
  facts.sort((a, b) => {
    // exceedRequests: no stats first, then pods over their request.
    if ((a.usage === undefined) !== (b.usage === undefined)) return a.usage === undefined ? -1 : 1;
    const aOver = a.usage !== undefined && a.usage > a.req;
    const bOver = b.usage !== undefined && b.usage > b.req;
    if (aOver !== bOver) return aOver ? -1 : 1;
    // priority: lower first.
    if (a.priority !== b.priority) return a.priority - b.priority;
    // usage: larger usage above request first.
    const d = (b.usage ?? 0) - b.orderReq - ((a.usage ?? 0) - a.orderReq);
    return d !== 0 ? d : a.index - b.index;
  });
  return facts.map((f) => f.pod);
}

/** The file system stats a disk signal measures (fsStatsType): container rootfs, container logs, local volumes. */
export type FsStatsType = 'root' | 'logs' | 'localVolumeSource';

/**
 * podDiskUsage: the pod's usage of `resource` (bytes for ephemeral-storage, inodes) over the stats measured:
 * each container's rootfs and logs, and the volume stats of its local volumes (hostPath and local ephemeral ones).
 */
export function podDiskUsage(pod: Pod, stats: PodStats, measure: readonly FsStatsType[], resource: 'ephemeral-storage' | 'inodes'): number {
  const of = (fs: { usedBytes: number; inodesUsed?: number } | undefined): number => (resource === 'inodes' ? (fs?.inodesUsed ?? 0) : (fs?.usedBytes ?? 0));
  let n = 0;
  for (const c of stats.containers) {
    if (measure.includes('root')) n += of(c.rootfs);
    if (measure.includes('logs')) n += of(c.logs);
  }
  if (measure.includes('localVolumeSource')) {
    const local = new Set((pod.spec.volumes ?? []).filter((v) => v.hostPath !== undefined || isLocalEphemeralVolume(v)).map((v) => v.name));
    for (const v of stats.volumeStats ?? []) if (local.has(v.name)) n += of(v);
  }
  return n;
}

/**
 * rankDiskPressureFunc: candidates under nodefs/imagefs pressure, first to evict first — pods without stats,
 * then pods whose usage exceeds their ephemeral-storage request, then lower priority, then the larger usage above
 * the request. Stable.
 */
export function rankDiskPressure(pods: readonly Pod[], stats: (pod: Pod) => PodStats | undefined, measure: readonly FsStatsType[], resource: 'ephemeral-storage' | 'inodes'): Pod[] {
  return rankByUsage(
    pods,
    (pod) => {
      const s = stats(pod);
      return s ? podDiskUsage(pod, s, measure, resource) : undefined;
    },
    (pod) => podResourceTotal(pod, resource, 'requests') ?? 0,
    // disk(): the request subtracted is the ephemeral-storage one, for both resources, as upstream's.
    (pod) => podResourceTotal(pod, 'ephemeral-storage', 'requests') ?? 0,
  );
}

/** rankPIDPressure: lower priority first, then the pod with more processes (pods without stats first). Stable. */
export function rankPIDPressure(pods: readonly Pod[], stats: (pod: Pod) => PodStats | undefined): Pod[] {
  const facts = pods
    .filter((p) => !isCriticalPod(p))
    .map((pod, index) => {
      const s = stats(pod);
      return { pod, index, procs: s ? (s.processStats?.processCount ?? 0) : undefined, priority: pod.spec.priority ?? 0 };
    });
  facts.sort((a, b) => {
    if (a.priority !== b.priority) return a.priority - b.priority;
    if ((a.procs === undefined) !== (b.procs === undefined)) return a.procs === undefined ? -1 : 1;
    const d = (b.procs ?? 0) - (a.procs ?? 0);
    return d !== 0 ? d : a.index - b.index;
  });
  return facts.map((f) => f.pod);
}

/**
 * evictionMessage: `The node was low on resource: R. Threshold quantity: Q, available: A. ` (the threshold part
 * when a met threshold of R was observed) followed by `Container C was using U, request is Q, has larger
 * consumption of R. ` for each container (app, then init) over its request — memory by working set,
 * ephemeral-storage by rootfs + logs (both needed); no container lines for inodes and pids.
 */
export function evictionMessage(resource: EvictionResource, pod: Pod, stats: PodStats | undefined, threshold: { quantity: string; available: string } | undefined): string {
  let message = `The node was low on resource: ${resource}. `;
  if (threshold) message += `Threshold quantity: ${threshold.quantity}, available: ${threshold.available}. `;
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  for (const cs of stats?.containers ?? []) {
    const c = containers.find((x) => x.name === cs.name);
    if (!c) continue;
    let usage: number | undefined;
    if (resource === 'memory') usage = cs.memory?.workingSetBytes;
    else if (resource === 'ephemeral-storage' && cs.rootfs && cs.logs) usage = cs.rootfs.usedBytes + cs.logs.usedBytes;
    if (usage === undefined) continue;
    // API defaulting sets a request equal to the limit when only the limit is given.
    const raw = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
    const req = raw === undefined ? 0 : parseQuantity(raw);
    if (usage > req) {
      message += `Container ${c.name} was using ${formatBinarySI(usage)}, request is ${raw === undefined ? '0' : quantityString(raw)}, has larger consumption of ${resource}. `;
    }
  }
  return message;
}

/** evictionMessage for memory (kept for callers of the memory path): `thresholdText` printed, `availableBytes` in BinarySI. */
export function memoryEvictionMessage(pod: Pod, stats: PodStats | undefined, thresholdText: string, availableBytes: number): string {
  return evictionMessage('memory', pod, stats, { quantity: thresholdText, available: formatBinarySI(availableBytes) });
}

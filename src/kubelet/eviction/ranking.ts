/**
 * Which pod the eviction manager evicts first under memory pressure, and the message it gives the pod.
 *
 * Mirrors `pkg/kubelet/eviction/helpers.go`: rankMemoryPressure = orderedBy(exceedMemoryRequests, priority,
 * memory) — pods whose working set exceeds their memory request first (BestEffort pods request 0), then lower
 * priority, then the larger usage above request; pods without stats go first. evictionMessage builds
 * `The node was low on resource: memory. Threshold quantity: Q, available: A. ` followed by
 * `Container C was using U, request is R, has larger consumption of memory. ` for every container over its
 * request. Critical pods (priority ≥ 2000000000, static and mirror pods) are never candidates
 * (kubelettypes.IsCriticalPod).
 */
import { formatBinarySI } from '../../api/quantity.js';
import type { Pod } from '../../api/types.js';
import type { PodStats } from '../stats/summary.js';
import { podRequest } from '../lifecycle/predicate.js';

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
  const facts = pods
    .filter((p) => !isCriticalPod(p))
    .map((pod, index) => {
      const usage = usageOf(stats(pod));
      const req = podRequest(pod, 'memory');
      return { pod, index, usage, req, priority: pod.spec.priority ?? 0 };
    });
  facts.sort((a, b) => {
    // exceedMemoryRequests: no stats first, then pods over their request.
    if ((a.usage === undefined) !== (b.usage === undefined)) return a.usage === undefined ? -1 : 1;
    const aOver = a.usage !== undefined && a.usage > a.req;
    const bOver = b.usage !== undefined && b.usage > b.req;
    if (aOver !== bOver) return aOver ? -1 : 1;
    // priority: lower first.
    if (a.priority !== b.priority) return a.priority - b.priority;
    // memory: larger usage above request first.
    const d = (b.usage ?? 0) - b.req - ((a.usage ?? 0) - a.req);
    return d !== 0 ? d : a.index - b.index;
  });
  return facts.map((f) => f.pod);
}

/**
 * evictionMessage for memory: `thresholdText` is the threshold's quantity as printed (`100Mi`), `availableBytes`
 * the observed memory.available. Containers over their request are named with their working set.
 */
export function memoryEvictionMessage(pod: Pod, stats: PodStats | undefined, thresholdText: string, availableBytes: number): string {
  let message = `The node was low on resource: memory. Threshold quantity: ${thresholdText}, available: ${formatBinarySI(availableBytes)}. `;
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  for (const cs of stats?.containers ?? []) {
    const c = containers.find((x) => x.name === cs.name);
    if (!c || cs.memory === undefined) continue;
    const reqText = String(c.resources?.requests?.memory ?? '0');
    const req = podRequest({ ...pod, spec: { ...pod.spec, containers: [c], initContainers: [] } }, 'memory');
    if (cs.memory.workingSetBytes > req) {
      message += `Container ${c.name} was using ${formatBinarySI(cs.memory.workingSetBytes)}, request is ${reqText}, has larger consumption of memory. `;
    }
  }
  return message;
}

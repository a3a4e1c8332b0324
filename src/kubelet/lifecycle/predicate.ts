/**
 * The kubelet's resource admission of a pod bound to this node: the pod must fit the node's allocatable pods,
 * cpu and memory next to the pods already admitted, else it is rejected with `OutOf<resource>`.
 *
 * Mirrors `pkg/kubelet/lifecycle/predicate.go` (predicateAdmitHandler.Admit → GeneralPredicates →
 * noderesources fit's InsufficientResourceError, whose message is `Node didn't have enough resource: %s,
 * requested: %d, used: %d, capacity: %d` and whose reason is `OutOf%s`). Requests are summed as
 * `resourcehelper.PodRequests` does: app containers plus restartable init containers, or the largest init
 * container when that is more.
 */
import { milliValue, parseQuantity } from '../../api/quantity.js';
import type { Container, Pod } from '../../api/types.js';

/** The node's allocatable figures admission checks: pods (count), cpu (millicores), memory (bytes). */
export interface AdmissionAllocatable {
  pods: number;
  cpuMilli: number;
  memoryBytes: number;
}

/** A refusal: `reason` (`OutOfpods`) and the message (without rejectPod's `Pod was rejected: ` prefix). */
export interface AdmitRejection {
  reason: string;
  message: string;
}

function request(c: Container, resource: 'cpu' | 'memory'): number {
  const v = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
  if (v === undefined) return 0;
  return resource === 'cpu' ? milliValue(v) : parseQuantity(v);
}

/** The pod's effective request of `resource` (millicores for cpu, bytes for memory), as PodRequests computes it. */
export function podRequest(pod: Pod, resource: 'cpu' | 'memory'): number {
  let sum = 0;
  for (const c of pod.spec.containers) sum += request(c, resource);
  let sidecars = 0;
  let initMax = 0;
  for (const c of pod.spec.initContainers ?? []) {
    const r = request(c, resource);
    if (c.restartPolicy === 'Always') {
      sidecars += r;
      initMax = Math.max(initMax, sidecars);
    } else initMax = Math.max(initMax, sidecars + r);
  }
  return Math.max(sum + sidecars, initMax);
}

/**
 * Why the kubelet refuses `pod` next to `admitted` (the other active pods of the node), or undefined when it
 * fits. Pods are checked first, then cpu, then memory (a request of 0 never fails). Pure.
 */
export function resourceAdmitError(pod: Pod, admitted: readonly Pod[], allocatable: AdmissionAllocatable): AdmitRejection | undefined {
  const insufficient = (resource: string, requested: number, used: number, capacity: number): AdmitRejection => ({
    reason: `OutOf${resource}`,
    message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`,
  });
  if (admitted.length + 1 > allocatable.pods) return insufficient('pods', 1, admitted.length, allocatable.pods);
  const cpu = podRequest(pod, 'cpu');
  const usedCpu = admitted.reduce((n, p) => n + podRequest(p, 'cpu'), 0);
  if (cpu > 0 && cpu + usedCpu > allocatable.cpuMilli) return insufficient('cpu', cpu, usedCpu, allocatable.cpuMilli);
  const mem = podRequest(pod, 'memory');
  const usedMem = admitted.reduce((n, p) => n + podRequest(p, 'memory'), 0);
  if (mem > 0 && mem + usedMem > allocatable.memoryBytes) return insufficient('memory', mem, usedMem, allocatable.memoryBytes);
  return undefined;
}

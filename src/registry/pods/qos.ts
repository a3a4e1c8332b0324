/**
 * Pod QoS class computation (Guaranteed, Burstable, BestEffort) from container requests and limits.
 *
 * Mirrors `pkg/apis/core/helper/qos/qos.go` ComputePodQOS: only cpu and memory count; init and app
 * containers are summed; Guaranteed needs cpu and memory limits on every container and requests equal
 * to limits.
 */
import { compareQuantities, isQuantity, parseQuantity } from '../../api/quantity.js';
import type { IntOrString, Pod, PodStatus } from '../../api/types.js';

const qosResources = new Set(['cpu', 'memory']);

function positive(q: IntOrString): boolean {
  return isQuantity(q) && compareQuantities(q, 0) === 1;
}

function add(sum: Map<string, number>, name: string, q: IntOrString): void {
  sum.set(name, (sum.get(name) ?? 0) + parseQuantity(q));
}

/** ComputePodQOS of a (defaulted) pod. Malformed quantities are ignored (validation reports them). */
export function computePodQOS(pod: Pod): NonNullable<PodStatus['qosClass']> {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const [name, q] of Object.entries(c.resources?.requests ?? {})) {
      if (qosResources.has(name) && positive(q)) add(requests, name, q);
    }
    const found = new Set<string>();
    for (const [name, q] of Object.entries(c.resources?.limits ?? {})) {
      if (qosResources.has(name) && positive(q)) {
        found.add(name);
        add(limits, name, q);
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (lim === undefined || compareQuantities(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

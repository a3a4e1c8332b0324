/**
 * kube-scheduler's NodeResourcesFit and NodePorts filters for the one node: whether a pod's requests fit the
 * node's allocatable resources next to the pods already bound there, and whether its host ports are free.
 *
 * Mirrors `pkg/scheduler/framework/plugins/noderesources/fit.go` (`fitsRequest`: the pod count first, then cpu,
 * memory, ephemeral-storage and every scalar resource the pod requests, each failing as `Insufficient <name>`
 * when the request exceeds allocatable minus what the node's pods already request; a pod requesting nothing is
 * only counted) and `plugins/nodeports/node_ports.go` (`node(s) didn't have free ports for the requested pod
 * ports`). Requests are `resourcehelper.PodRequests`: app containers and sidecars summed, or the largest init
 * container beside the sidecars started before it when that is more (`podTotals`).
 */
import { milliValue, parseQuantity } from '../api/quantity.js';
import { podTotals } from '../api/quota-usage.js';
import type { Node, Pod } from '../api/types.js';

/** Resources that are counted in whole units (bytes for memory and ephemeral-storage); cpu is in millicores. */
const STANDARD = ['cpu', 'memory', 'ephemeral-storage'] as const;

/** `amount` of resource `name` as an integer: millicores for cpu, the quantity's value (bytes, units) otherwise. */
function amount(name: string, value: string | number): number {
  return name === 'cpu' ? milliValue(value) : parseQuantity(value);
}

/** Scalar resources in kube-scheduler's sense: extended resources (`example.com/foo`), hugepages-*, attachable-volumes-*. */
function isScalar(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  return name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');
}

/**
 * The NodeResourcesFit failure reasons of `pod` on `node` next to `assigned` (the non-terminal pods bound to the
 * node, the scheduler cache's view), in upstream's order and words: `Too many pods`, `Insufficient cpu`,
 * `Insufficient memory`, `Insufficient ephemeral-storage`, `Insufficient <scalar>`. Empty when the pod fits. Pure.
 */
export function insufficientResources(pod: Pod, node: Node, assigned: readonly Pod[]): string[] {
  const allocatable = node.status?.allocatable ?? {};
  const reasons: string[] = [];
  const allowedPods = Number.parseInt(String(allocatable.pods ?? '110'), 10);
  if (assigned.length + 1 > allowedPods) reasons.push('Too many pods');
  const wanted = podTotals(pod, 'requests');
  const names = [...STANDARD.filter((n) => n in wanted), ...Object.keys(wanted).filter((n) => isScalar(n)).sort()];
  // The node's pods' requests, computed once per pod (nodeInfo.Requested).
  const assignedTotals = assigned.map((p) => podTotals(p, 'requests'));
  for (const name of names) {
    const want = amount(name, wanted[name] ?? 0);
    if (want <= 0) continue;
    const requested = assignedTotals.reduce((sum, t) => sum + amount(name, t[name] ?? 0), 0);
    const free = amount(name, allocatable[name] ?? 0) - requested;
    if (want > free) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

/** The host ports (`protocol/hostIP/port`) a pod's app containers ask for (NodePorts reads `spec.containers` only); hostIP 0.0.0.0 and protocol TCP when unset. */
function hostPorts(pod: Pod): { protocol: string; ip: string; port: number }[] {
  return pod.spec.containers.flatMap((c) =>
    (c.ports ?? []).filter((p) => (p.hostPort ?? 0) > 0).map((p) => ({ protocol: p.protocol ?? 'TCP', ip: p.hostIP || '0.0.0.0', port: p.hostPort ?? 0 })),
  );
}

/**
 * NodePorts: `node(s) didn't have free ports for the requested pod ports` when a host port of `pod` is already
 * used by one of `assigned` on the same protocol and a conflicting host IP (equal, or either is 0.0.0.0);
 * undefined when the ports are free. Pure.
 */
export function hostPortConflict(pod: Pod, assigned: readonly Pod[]): string | undefined {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return undefined;
  const used = assigned.flatMap(hostPorts);
  const clash = wanted.some((w) => used.some((u) => u.port === w.port && u.protocol === w.protocol && (u.ip === w.ip || u.ip === '0.0.0.0' || w.ip === '0.0.0.0')));
  return clash ? "node(s) didn't have free ports for the requested pod ports" : undefined;
}

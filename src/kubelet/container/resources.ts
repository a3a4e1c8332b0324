// Resource quantities for the kubelet: quantity parsing and downward-API resource values (runtime-neutral).

import type { Container, IntOrString, Pod, ResourceFieldSelector } from '../../api/types.js';
import { ContainerConfigError } from './env.js';

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** Parses a Kubernetes quantity (`250m`, `128Mi`, `1.5`, `1e3`) to a number; throws on a malformed value. */
export function parseQuantity(q: IntOrString): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  const mult = m ? SUFFIX[m[2]!] : undefined;
  if (!m || mult === undefined) throw new ContainerConfigError(`invalid quantity "${q}"`);
  return Number(m[1]) * mult;
}

/**
 * The value of a downward-API `resourceFieldRef` (`limits.cpu`, `requests.memory`...): quantity / divisor
 * rounded up; unset limits fall back to node allocatable (`containerResourceRuntimeValue`).
 */
export function resourceValue(pod: Pod, self: Container, ref: ResourceFieldSelector, allocatable: Record<string, string>): string {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const c = ref.containerName ? all.find((x) => x.name === ref.containerName) : self;
  if (!c) throw new ContainerConfigError(`container "${ref.containerName}" not found`);
  const [kind, res] = ref.resource.split('.', 2) as [string, string];
  const bag = kind === 'limits' ? c.resources?.limits : c.resources?.requests;
  let raw = bag?.[res];
  if (raw === undefined && kind === 'limits') raw = allocatable[res];
  if (raw === undefined && kind === 'requests') raw = c.resources?.limits?.[res] ?? (res === 'cpu' || res === 'memory' ? '0' : undefined);
  if (raw === undefined) throw new ContainerConfigError(`unsupported container resource : ${ref.resource}`);
  const divisor = ref.divisor !== undefined && ref.divisor !== '0' && ref.divisor !== 0 ? parseQuantity(ref.divisor) : 1;
  return String(Math.ceil(parseQuantity(raw) / divisor - 1e-9));
}

// Resource quantities for the kubelet: quantity parsing and downward-API resource values (runtime-neutral).

import type { Container, IntOrString, Pod, ResourceFieldSelector } from '../../api/types.js';
import { parseQuantity as parseApiQuantity } from '../../api/quantity.js';
import { ContainerConfigError } from './env.js';

/**
 * Parses a Kubernetes quantity (`250m`, `128Mi`, `1.5`, `1e3`) to a number with the one quantity grammar
 * (api/quantity.ts), surrounding blanks allowed; a malformed value throws ContainerConfigError (the container
 * cannot be configured), not the API's format error.
 */
export function parseQuantity(q: IntOrString): number {
  try {
    return parseApiQuantity(typeof q === 'string' ? q.trim() : q);
  } catch (err) {
    throw new ContainerConfigError(`invalid quantity "${q}"`, { cause: err });
  }
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

// CRI Linux resources of a container from its requests/limits (cpu shares/quota, memory limit).

import type { Container } from '../../api/types.js';
import type { LinuxContainerResources } from '../../cri/types.js';
import { parseQuantity } from '../container/resources.js';

/** CRI Linux resources from a container's requests/limits (kuberuntime `calculateLinuxResources`). */
export function linuxResources(c: Container): LinuxContainerResources {
  const out: LinuxContainerResources = {};
  const cpuReq = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
  const cpuLim = c.resources?.limits?.cpu;
  const memLim = c.resources?.limits?.memory;
  const milli = cpuReq !== undefined ? Math.round(parseQuantity(cpuReq) * 1000) : 0;
  out.cpuShares = Math.max(2, Math.floor((milli * 1024) / 1000));
  if (cpuLim !== undefined) {
    out.cpuPeriod = 100_000;
    out.cpuQuota = Math.max(1000, Math.floor((parseQuantity(cpuLim) * 1000 * 100_000) / 1000));
  }
  if (memLim !== undefined) out.memoryLimitInBytes = Math.floor(parseQuantity(memLim));
  return out;
}

/**
 * PortConflict: two containers that run at the same time declaring one containerPort and protocol. A pod's
 * containers share one network namespace, so only one of them can listen on the port (seed 001's "THIS WILL FAIL").
 */
import { containerRef, describeContainer, type ContainerModel, type PodModel } from './pod-model.js';
import type { LintWarning } from './warning.js';

/**
 * True when `a` and `b` (a declared before b) can run at the same time: app containers and native sidecars all
 * run together; a regular init container runs alone apart from the native sidecars declared before it.
 */
function runTogether(a: ContainerModel, b: ContainerModel): boolean {
  if (a.role !== 'init' && b.role !== 'init') return true;
  if (a.role === 'init' && b.role === 'init') return false;
  const [init, other] = a.role === 'init' ? [a, b] : [b, a];
  return other.role === 'sidecar' && other.index < init.index;
}

/** The first port above `port` that no container of the pod declares (for the fix). */
function freePort(pod: PodModel, port: number): number | undefined {
  const used = new Set(pod.containers.flatMap((c) => c.ports.map((p) => p.port)));
  for (let p = port + 1; p <= 65535; p++) if (!used.has(p)) return p;
  return undefined;
}

/**
 * One warning per container port that an earlier container running at the same time already declares (same
 * containerPort and protocol, TCP when unset), naming both containers and the port. Ports on different protocols
 * do not conflict; a regular init container's ports conflict only with native sidecars declared before it.
 */
export function checkPortConflicts(pod: PodModel): LintWarning[] {
  const out: LintWarning[] = [];
  pod.containers.forEach((b, bi) => {
    for (const port of b.ports) {
      const a = pod.containers.slice(0, bi).find((x) => runTogether(x, b) && x.ports.some((p) => p.port === port.port && p.protocol === port.protocol));
      if (!a) continue;
      const both = a.role === 'app' && b.role === 'app' ? `containers "${a.name}" and "${b.name}"` : `${describeContainer(a)} and ${describeContainer(b)}`;
      const free = freePort(pod, port.port);
      out.push({
        code: 'PortConflict',
        field: `${b.field}.ports[${port.index}]`,
        container: containerRef(b),
        message:
          `${both} both declare containerPort ${port.port}/${port.protocol}, but a pod's containers share one network namespace: ` +
          `only one of them can listen on ${port.port}, the other fails with "address already in use"`,
        fix: `make "${b.name}" listen on a free port${free !== undefined ? ` such as ${free}` : ''} and declare that one`,
      });
    }
  });
  return out;
}

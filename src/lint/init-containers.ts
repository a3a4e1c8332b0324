/**
 * The init-order checks: a regular init container whose command never exits (BlockingInitContainer), and a
 * native sidecar declared after the init container that talks to it (SidecarAfterDependent). Init containers run
 * one at a time, in order, each to completion; a native sidecar (`restartPolicy: Always`) starts in its turn and
 * keeps running.
 */
import { containerRef, describeContainer, type PodModel } from './pod-model.js';
import { localhostPorts, neverExits } from './shell.js';
import type { LintWarning } from './warning.js';

/**
 * BlockingInitContainer: a regular init container running `tail -f`, `sleep infinity` or an endless loop. It never
 * finishes, so the init containers after it and every app container never start: the pod stays in `Init:N/M`.
 */
export function checkBlockingInitContainers(pod: PodModel): LintWarning[] {
  const inits = pod.containers.filter((c) => c.list === 'initContainers');
  return inits.flatMap((c) => {
    if (c.role !== 'init' || !c.program) return [];
    const forever = neverExits(c.program);
    if (!forever) return [];
    return [
      {
        code: 'BlockingInitContainer' as const,
        field: c.field,
        container: containerRef(c),
        message:
          `${describeContainer(c)} runs "${forever}", which never exits: init containers run one at a time, each to completion, ` +
          `so the pod stays in Init:${c.index}/${inits.length} and its app containers never start`,
        fix: `add restartPolicy: Always to "${c.name}" to make it a native sidecar that runs beside the app containers, or move it to containers`,
      },
    ];
  });
}

/**
 * SidecarAfterDependent: a regular init container that connects to `localhost:PORT` (its command or env) where only
 * a native sidecar declared after it listens (a declared containerPort). The sidecar starts only once that init
 * container has finished, so the init container waits for it forever or fails.
 */
export function checkSidecarOrder(pod: PodModel): LintWarning[] {
  const inits = pod.containers.filter((c) => c.list === 'initContainers');
  const out: LintWarning[] = [];
  for (const c of inits) {
    if (c.role !== 'init') continue;
    const text = [c.program?.text ?? '', ...c.envValues].join('\n');
    for (const port of localhostPorts(text)) {
      const serves = (s: (typeof inits)[number]) => s.role === 'sidecar' && s.ports.some((p) => p.port === port && p.protocol === 'TCP');
      if (inits.some((s) => s.index < c.index && serves(s))) continue;
      const later = inits.find((s) => s.index > c.index && serves(s));
      if (!later) continue;
      out.push({
        code: 'SidecarAfterDependent',
        field: c.field,
        container: containerRef(c),
        message:
          `${describeContainer(c)} connects to localhost:${port}, which ${describeContainer(later)} serves, but "${later.name}" is declared after it ` +
          `(${later.field}) and starts only once "${c.name}" has finished: the pod never gets past Init:${c.index}/${inits.length}`,
        fix: `move "${later.name}" above "${c.name}" in initContainers`,
      });
    }
  }
  return out;
}

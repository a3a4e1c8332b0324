/**
 * OverlappingMounts: mount paths of one container that overlap so that one mount hides another or cannot be
 * made. Nesting as such is fine (the runtime mounts parents first: node-exporter's read-only `/host` with
 * `/host/proc` inside works), so only the overlaps that break something are reported.
 */
import { containerRef, describeContainer, isWithin, type ContainerModel, type MountModel, type PodModel, type VolumeModel } from './pod-model.js';
import type { LintWarning } from './warning.js';

/** What breaks when `inner` lies inside (or on) `outer` in `c`, or undefined when nothing does. */
function overlapProblem(c: ContainerModel, outer: MountModel, inner: MountModel, volumes: Map<string, VolumeModel>): { message: string; fix: string } | undefined {
  const who = describeContainer(c);
  if (inner.path === outer.path) {
    return {
      message: `${who} mounts volume "${inner.name}" at "${inner.rawPath}" and volume "${outer.name}" at "${outer.rawPath}", which are the same directory: one mount hides the other`,
      fix: `give one of the two mounts its own mountPath`,
    };
  }
  if (inner.name === outer.name && !inner.subPath && !outer.subPath) {
    return {
      message: `${who} mounts volume "${inner.name}" at "${outer.rawPath}" and again inside it at "${inner.rawPath}": the volume shows up inside itself`,
      fix: `mount "${inner.name}" once, or mount a subPath of it at "${inner.rawPath}"`,
    };
  }
  const v = volumes.get(outer.name);
  if (!v?.alwaysReadOnly || v.source === 'persistentVolumeClaim') return undefined;
  // The kubelet writes the payload itself; the runtime must create the inner mount point in a read-only tree.
  const rel = inner.path.slice(outer.path === '/' ? 1 : outer.path.length + 1);
  if (v.payloadDirs.some((d) => isWithin(`/${d}`, `/${rel}`))) return undefined;
  return {
    message:
      `${who} mounts volume "${inner.name}" at "${inner.rawPath}", inside "${outer.rawPath}" where ${v.source} volume "${outer.name}" is mounted read-only: ` +
      `the runtime cannot create the mount point there and the container fails to start`,
    fix: `mount "${inner.name}" at a path outside "${outer.rawPath}"`,
  };
}

/**
 * One warning per mount of a container that overlaps an earlier-listed or enclosing mount of the same container
 * in a way that breaks: the same directory written two ways (`/data` and `/data/`), a volume mounted inside
 * itself, or a mount point inside a configMap, secret, downwardAPI or projected volume (always read-only) that its
 * payload does not create.
 */
export function checkOverlappingMounts(pod: PodModel): LintWarning[] {
  const out: LintWarning[] = [];
  const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
  for (const c of pod.containers) {
    for (const inner of c.mounts) {
      for (const outer of c.mounts) {
        if (outer === inner || !isWithin(inner.path, outer.path)) continue;
        // The same directory twice: reported once, on the later mount.
        if (inner.path === outer.path && inner.index < outer.index) continue;
        const problem = overlapProblem(c, outer, inner, volumes);
        if (!problem) continue;
        out.push({ code: 'OverlappingMounts', field: `${c.field}.volumeMounts[${inner.index}]`, container: containerRef(c), ...problem });
        break;
      }
    }
  }
  return out;
}

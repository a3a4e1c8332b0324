/**
 * The shared-volume checks: a volume no container mounts (UnmountedVolume), a container writing where the others
 * mount a volume it lacks (WriterWithoutMount), writes into a read-only mount (ReadOnlyWrite), and an emptyDir
 * every container mounts read-only (ReadOnlyEmptyDir).
 */
import { containerRef, describeContainer, isWithin, normalizePath, type ContainerModel, type MountModel, type PodModel, type VolumeModel } from './pod-model.js';
import { programMkdirOnly, programWrites } from './shell.js';
import type { LintWarning } from './warning.js';

/** UnmountedVolume: a volume no init, app or ephemeral container mounts or uses as a device. */
export function checkUnmountedVolumes(pod: PodModel): LintWarning[] {
  const used = new Set([...pod.containers.flatMap((c) => [...c.mounts.map((m) => m.name), ...c.devices]), ...pod.ephemeralMounts]);
  return pod.volumes
    .filter((v) => v.name !== '' && !used.has(v.name))
    .map((v) => ({
      code: 'UnmountedVolume' as const,
      field: v.field,
      message: `volume "${v.name}" is declared but no container mounts it: no container reads or writes it, and a file meant for it stays in the writer's own filesystem`,
      fix: `add {name: ${v.name}, mountPath: PATH} to the volumeMounts of each container that reads or writes it, or remove the volume`,
    }));
}

/** The mount of `c` whose path holds `path` most closely (the deepest), if any. */
function mountHolding(c: ContainerModel, path: string): MountModel | undefined {
  return c.mounts.filter((m) => isWithin(path, m.path)).sort((a, b) => b.path.length - a.path.length)[0];
}

/** Every absolute path `c`'s command writes, normalized. */
function writes(c: ContainerModel): string[] {
  return c.program ? [...new Set(programWrites(c.program).map(normalizePath))] : [];
}

/** Scratch directories many containers mount an emptyDir on for themselves (read-only root filesystems). */
const SCRATCH_DIRS = new Set(['/tmp', '/var/tmp', '/run', '/var/run', '/dev/shm']);

/** True when `y`'s own command names `path` (it reads or writes the very file). */
function names(y: ContainerModel, path: string): boolean {
  return Boolean(y.program?.text.includes(path));
}

/**
 * WriterWithoutMount: a container whose command writes under the path where another container mounts volume V
 * (`>> /var/log/app.log` while the sidecar mounts V at /var/log), while it has no mount of V at all and no mount of
 * its own holding that path. Its writes stay in its own root filesystem; the other container never sees them.
 * Where the other mount is a scratch directory (`/tmp`, `/run`…), only when the other's command names the same
 * path. One warning per container and volume.
 */
export function checkWritersWithoutMount(pod: PodModel): LintWarning[] {
  const out: LintWarning[] = [];
  for (const x of pod.containers) {
    const reported = new Set<string>();
    for (const path of writes(x)) {
      if (mountHolding(x, path)) continue;
      const holders = pod.containers.filter((y) => y !== x).flatMap((y) => {
        const m = mountHolding(y, path);
        return m && (!SCRATCH_DIRS.has(m.path) || names(y, path)) ? [{ y, m }] : [];
      });
      const first = holders.sort((a, b) => b.m.path.length - a.m.path.length)[0];
      if (!first) continue;
      const volume = first.m.name;
      if (x.mounts.some((m) => m.name === volume) || reported.has(volume)) continue;
      reported.add(volume);
      const others = [...new Set(holders.filter((h) => h.m.name === volume).map((h) => `"${h.y.name}"`))];
      out.push({
        code: 'WriterWithoutMount',
        field: `${x.field}.volumeMounts`,
        container: containerRef(x),
        message:
          `${describeContainer(x)} writes to "${path}", where ${others.join(' and ')} mount${others.length > 1 ? '' : 's'} volume "${volume}" ` +
          `("${first.m.rawPath}"), but "${x.name}" has no mount of "${volume}": the file lands in its own filesystem and the others never see it`,
        fix: `add {name: ${volume}, mountPath: ${first.m.rawPath}} to the volumeMounts of "${x.name}"`,
      });
    }
  }
  return out;
}

/** Why a mount is read-only, or undefined when it is writable. */
function readOnlyReason(m: MountModel, v: VolumeModel | undefined): string | undefined {
  if (m.readOnly) return 'readOnly: true';
  if (!v?.alwaysReadOnly) return undefined;
  return v.source === 'persistentVolumeClaim' ? 'its persistentVolumeClaim says readOnly' : `${v.source} volumes are always mounted read-only`;
}

/**
 * ReadOnlyWrite: a container whose command writes under one of its own mounts that is read-only (`readOnly: true`,
 * a configMap/secret/downwardAPI/projected volume, a readOnly claim): the write fails with "Read-only file system".
 * One warning per container and mount.
 */
export function checkReadOnlyWrites(pod: PodModel): LintWarning[] {
  const out: LintWarning[] = [];
  const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
  for (const x of pod.containers) {
    const reported = new Set<number>();
    const mkdirOnly = new Set(x.program ? programMkdirOnly(x.program).map(normalizePath) : []);
    for (const path of writes(x)) {
      const m = mountHolding(x, path);
      // `mkdir -p` of the mount point itself succeeds: the directory is there.
      if (!m || reported.has(m.index) || (path === m.path && mkdirOnly.has(path))) continue;
      const v = volumes.get(m.name);
      const why = readOnlyReason(m, v);
      if (!why) continue;
      reported.add(m.index);
      out.push({
        code: 'ReadOnlyWrite',
        field: `${x.field}.volumeMounts[${m.index}]`,
        container: containerRef(x),
        message: `${describeContainer(x)} writes to "${path}", but its mount of volume "${m.name}" at "${m.rawPath}" is read-only (${why}): the write fails with "Read-only file system"`,
        fix: m.readOnly
          ? `drop readOnly: true from this mount of "${m.name}" (keep it on the containers that only read)`
          : `write to an emptyDir volume mounted by the containers that share the file; a ${v?.source ?? 'read-only'} volume cannot be written`,
      });
    }
  }
  return out;
}

/**
 * ReadOnlyEmptyDir: an emptyDir volume that every container mounting it mounts read-only. An emptyDir starts empty,
 * so with no writer it stays empty for the pod's life.
 */
export function checkReadOnlyEmptyDirs(pod: PodModel): LintWarning[] {
  const out: LintWarning[] = [];
  for (const v of pod.volumes) {
    if (v.source !== 'emptyDir') continue;
    const users = pod.containers.filter((c) => c.mounts.some((m) => m.name === v.name));
    if (users.length === 0 || !users.every((c) => c.mounts.filter((m) => m.name === v.name).every((m) => m.readOnly))) continue;
    const names = users.map((c) => `"${c.name}"`).join(', ');
    out.push({
      code: 'ReadOnlyEmptyDir',
      field: v.field,
      message: `emptyDir volume "${v.name}" is mounted read-only by every container that mounts it (${names}): nothing can write to it, so it stays empty`,
      fix: `drop readOnly: true from the mount of "${v.name}" in the container that fills it`,
    });
  }
  return out;
}

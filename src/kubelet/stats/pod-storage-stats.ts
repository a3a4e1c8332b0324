/**
 * The storage and process figures of a pod the eviction manager measures: each container's log usage, the pod's
 * volumes, its total ephemeral storage, and the processes of its containers.
 *
 * Mirrors kubelet `pkg/kubelet/stats/cri_stats_provider.go` and `helper.go`: container logs are the usage of
 * `<podLogsDir>/<ns>_<name>_<uid>/<container>`, volume stats come from the volumes' directories
 * (`pkg/kubelet/server/stats/volume_stat_calculator.go`, here du-style walks of the emptyDir, configMap, secret,
 * downwardAPI and projected directories), and `calcEphemeralStorage` sums the containers' rootfs and logs, the
 * local ephemeral volumes (`volumeutil.IsLocalEphemeralVolume`: gitRepo, emptyDir on disk, configMap) and the
 * pod's etc-hosts file. Process counts are the `pids.current` of each container's cgroup (containerd's default
 * cgroup `<hierarchy>/k8s.io/<container id>`), summed per pod, as cAdvisor's ProcessStats are.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod, Volume } from '../../api/types.js';
import type { CriContainer } from '../../cri/types.js';
import { etcHostsPath, podLogDir, volumeDir, type KubeletPaths } from '../config/paths.js';
import { POD_UID_LABEL } from '../container/labels.js';
import { diskUsage } from './fs-usage.js';
import type { FsStats, PodStats, VolumeStats } from './summary.js';

/** The volume plugin directory a volume lives in, or undefined for volumes the kubelet does not measure. */
function volumePlugin(v: Volume): string | undefined {
  if (v.configMap) return 'configmap';
  if (v.secret) return 'secret';
  if (v.downwardAPI) return 'downward-api';
  if (v.projected) return 'projected';
  if (v.hostPath || v.persistentVolumeClaim) return undefined;
  const known = Object.keys(v).filter((k) => k !== 'name');
  return known.length === 0 || v.emptyDir ? 'empty-dir' : undefined;
}

/** IsLocalEphemeralVolume: gitRepo, an emptyDir not backed by memory, or a configMap. */
export function isLocalEphemeralVolume(v: Volume): boolean {
  if (v.gitRepo !== undefined || v.configMap !== undefined) return true;
  return volumePlugin(v) === 'empty-dir' && v.emptyDir?.medium !== 'Memory';
}

const add = (a: FsStats, b: FsStats | undefined): FsStats => ({ usedBytes: a.usedBytes + (b?.usedBytes ?? 0), inodesUsed: (a.inodesUsed ?? 0) + (b?.inodesUsed ?? 0) });

/**
 * Fills `stats` (the pod's CPU and memory stats, with each container's rootfs when the runtime gave it) with the
 * containers' log usage, the volumes' usage and the pod's ephemeral storage total. Mutates and returns `stats`;
 * a directory that does not exist counts as absent. Never throws.
 */
export async function addPodStorageStats(stats: PodStats, pod: Pod, paths: KubeletPaths): Promise<PodStats> {
  const logDir = podLogDir(paths, pod);
  for (const c of stats.containers) {
    const logs = await diskUsage(join(logDir, c.name));
    if (logs) c.logs = logs;
  }
  const uid = pod.metadata.uid ?? '';
  const volumeStats: VolumeStats[] = [];
  let ephemeral: FsStats = { usedBytes: 0, inodesUsed: 0 };
  for (const c of stats.containers) ephemeral = add(add(ephemeral, c.rootfs), c.logs);
  for (const v of pod.spec.volumes ?? []) {
    const plugin = volumePlugin(v);
    if (!plugin) continue;
    const usage = await diskUsage(volumeDir(paths, uid, plugin, v.name));
    if (!usage) continue;
    volumeStats.push({ name: v.name, ...usage });
    if (isLocalEphemeralVolume(v)) ephemeral = add(ephemeral, usage);
  }
  ephemeral = add(ephemeral, await diskUsage(etcHostsPath(paths, uid)));
  stats.volumeStats = volumeStats;
  stats.ephemeralStorage = ephemeral;
  return stats;
}

/** The cgroup `pids.current` files a container's process count may be read from (v1, then v2). */
export function pidsCurrentPaths(containerId: string, cgroupRoot = '/sys/fs/cgroup'): string[] {
  return [join(cgroupRoot, 'pids', 'k8s.io', containerId, 'pids.current'), join(cgroupRoot, 'k8s.io', containerId, 'pids.current')];
}

/**
 * Processes per pod uid: the sum of `pids.current` over the pod's running containers. A container whose cgroup
 * cannot be read counts 0. `read` reads a file (injected by tests).
 */
export async function podProcessCounts(containers: readonly CriContainer[], read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'), cgroupRoot?: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const c of containers) {
    if (c.state !== 'CONTAINER_RUNNING') continue;
    const uid = c.labels[POD_UID_LABEL];
    if (!uid) continue;
    let n = 0;
    for (const p of pidsCurrentPaths(c.id, cgroupRoot)) {
      const v = Number((await read(p).catch(() => '')).trim());
      if (v > 0) {
        n = v;
        break;
      }
    }
    out.set(uid, (out.get(uid) ?? 0) + n);
  }
  return out;
}

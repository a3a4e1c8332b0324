/**
 * The eviction signals observed on this host: memory.available from the root cgroup's working set, nodefs and
 * imagefs from statfs of the kubelet's directories, pid.available from pid_max and the running threads.
 *
 * Mirrors `pkg/kubelet/eviction/helpers.go` makeSignalObservations: memory.available = node memory capacity
 * (MemTotal) − the root cgroup's working set; nodefs.available / nodefs.inodesFree = the free blocks (to
 * unprivileged users) and free inodes of the file system holding the kubelet root dir; imagefs the same for the
 * runtime's image store; pid.available = kernel.pid_max − processes (pkg/kubelet/stats/pidlimit).
 */
import { readFile, statfs } from 'node:fs/promises';
import { readNodeStats, parseMeminfo, HOST_SOURCES, type NodeStatsSources } from '../stats/node-stats.js';
import type { EvictionSignal } from './thresholds.js';

/** One signal's observation: what is available and out of what capacity (bytes, inodes or pids). */
export interface SignalObservation {
  available: number;
  capacity: number;
}

/** Observations by signal; a signal the host could not be read for is absent. */
export type SignalObservations = Partial<Record<EvictionSignal, SignalObservation>>;

/** Where the host's figures are read. */
export interface ObservationSources {
  /** The kubelet's root dir (nodefs). */
  nodefsPath: string;
  /** The runtime's image store (imagefs); the same file system as nodefs on k1s's default layout. */
  imagefsPath: string;
  stats?: NodeStatsSources;
  /** /proc/sys/kernel/pid_max and /proc/loadavg. */
  pidMax?: string;
  loadavg?: string;
}

async function fsObservations(path: string): Promise<{ bytes: SignalObservation; inodes: SignalObservation } | undefined> {
  try {
    const s = await statfs(path);
    return { bytes: { available: s.bavail * s.bsize, capacity: s.blocks * s.bsize }, inodes: { available: s.ffree, capacity: s.files } };
  } catch {
    return undefined;
  }
}

/** Reads every signal from the host now; never throws (an unreadable signal is left out). */
export async function observeSignals(src: ObservationSources, nowMs: number): Promise<SignalObservations> {
  const out: SignalObservations = {};
  const stats = src.stats ?? HOST_SOURCES;
  try {
    const total = parseMeminfo(await readFile(stats.meminfo, 'utf8')).get('MemTotal');
    const node = await readNodeStats(nowMs, stats);
    if (total !== undefined && node.memory) out['memory.available'] = { capacity: total, available: Math.max(0, total - node.memory.workingSetBytes) };
  } catch {
    // memory.available stays unobserved
  }
  const nodefs = await fsObservations(src.nodefsPath);
  if (nodefs) {
    out['nodefs.available'] = nodefs.bytes;
    out['nodefs.inodesFree'] = nodefs.inodes;
  }
  const imagefs = src.imagefsPath === src.nodefsPath ? nodefs : await fsObservations(src.imagefsPath);
  if (imagefs) {
    out['imagefs.available'] = imagefs.bytes;
    out['imagefs.inodesFree'] = imagefs.inodes;
  }
  try {
    const max = Number((await readFile(src.pidMax ?? '/proc/sys/kernel/pid_max', 'utf8')).trim());
    const procs = Number(/\d+\/(\d+)/.exec(await readFile(src.loadavg ?? '/proc/loadavg', 'utf8'))?.[1]);
    if (Number.isFinite(max) && Number.isFinite(procs)) out['pid.available'] = { capacity: max, available: Math.max(0, max - procs) };
  } catch {
    // pid.available stays unobserved
  }
  return out;
}

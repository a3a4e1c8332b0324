/**
 * The node's CPU and memory from the root cgroup, on cgroup v1 (and hybrid) and v2 hosts: what cAdvisor
 * reports for the container "/" and the kubelet publishes as node_cpu_usage_seconds_total and
 * node_memory_working_set_bytes.
 *
 * Mirrors cAdvisor's root container stats through runc's libcontainer cgroup managers: v1 reads
 * `cpuacct.usage` and `memory.usage_in_bytes` minus `total_inactive_file` of memory.stat; v2 reads
 * `cpu.stat` usage_usec and, the root having no memory.current, MemTotal − MemFree of /proc/meminfo
 * (runc `fs2/memory.go` statsFromMeminfo) minus `inactive_file` of memory.stat. The working set never goes
 * below zero (cAdvisor `setMemoryStats`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CPUStats, MemoryStats } from './summary.js';

/** Where the root cgroup's files are: the unified hierarchy (v2), or the v1 cpuacct and memory hierarchies. */
export type CgroupLayout = { version: 2; unified: string } | { version: 1; cpuacct: string | undefined; memory: string | undefined };

/**
 * The host's cgroup layout from /proc/self/mountinfo text. cgroup v2 when a cgroup2 file system is mounted at
 * `cgroupRoot` (unified mode, as runc's IsCgroup2UnifiedMode decides by the file system of /sys/fs/cgroup);
 * otherwise v1, each controller at the mount point of the `cgroup` file system whose super options name it
 * (`cpu,cpuacct` or `cpuacct` alone; hybrid hosts also mount cgroup2 at /sys/fs/cgroup/unified, which v1
 * readers ignore). Mounts of a non-root part of a hierarchy (field 4 not `/`) are skipped.
 */
export function cgroupLayout(mountinfo: string, cgroupRoot = '/sys/fs/cgroup'): CgroupLayout {
  let cpuacct: string | undefined;
  let memory: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const fields = line.slice(0, dash).split(' ');
    const [fstype = '', , superOptions = ''] = line.slice(dash + 3).split(' ');
    const root = fields[3];
    const mountPoint = (fields[4] ?? '').replace(/\\040/g, ' ');
    if (fstype === 'cgroup2' && mountPoint === cgroupRoot) return { version: 2, unified: mountPoint };
    if (fstype !== 'cgroup' || root !== '/') continue;
    const controllers = superOptions.split(',');
    if (controllers.includes('cpuacct')) cpuacct ??= mountPoint;
    if (controllers.includes('memory')) memory ??= mountPoint;
  }
  return { version: 1, cpuacct, memory };
}

/** Parses `key value` lines (memory.stat, cpu.stat) into numbers. */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}

/** Parses /proc/meminfo (`MemTotal:  24684092 kB`) into bytes. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (m) out.set(m[1]!, Number(m[2]) * (line.trim().endsWith('kB') ? 1024 : 1));
  }
  return out;
}

/** Where node-stats reads from; tests point these at fixture trees. */
export interface NodeStatsSources {
  /** /proc/self/mountinfo. */
  mountinfo: string;
  /** /proc/meminfo. */
  meminfo: string;
  /** The cgroup file system's mount point (v2 is detected there). */
  cgroupRoot: string;
}

/** The real host's files. */
export const HOST_SOURCES: NodeStatsSources = { mountinfo: '/proc/self/mountinfo', meminfo: '/proc/meminfo', cgroupRoot: '/sys/fs/cgroup' };

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function readNumber(path: string): Promise<number | undefined> {
  const t = (await readText(path))?.trim();
  return t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined;
}

/**
 * Reads the root cgroup's cumulative CPU time and memory working set, stamped `nowMs`. A value the host does
 * not expose (no cpuacct or memory hierarchy, unreadable files) is left out; never throws for missing files.
 */
export async function readNodeStats(nowMs: number, sources: NodeStatsSources = HOST_SOURCES): Promise<{ cpu?: CPUStats; memory?: MemoryStats }> {
  const layout = cgroupLayout((await readText(sources.mountinfo)) ?? '', sources.cgroupRoot);
  let cpuNs: number | undefined;
  let usage: number | undefined;
  let inactiveFile: number | undefined;
  if (layout.version === 2) {
    const cpuStat = parseFlatKeyed((await readText(join(layout.unified, 'cpu.stat'))) ?? '');
    const usec = cpuStat.get('usage_usec');
    cpuNs = usec === undefined ? undefined : usec * 1000;
    const meminfo = parseMeminfo((await readText(sources.meminfo)) ?? '');
    const total = meminfo.get('MemTotal');
    const free = meminfo.get('MemFree');
    usage = (await readNumber(join(layout.unified, 'memory.current'))) ?? (total !== undefined && free !== undefined ? total - free : undefined);
    const memStat = await readText(join(layout.unified, 'memory.stat'));
    inactiveFile = memStat !== undefined ? parseFlatKeyed(memStat).get('inactive_file') : meminfo.get('Inactive(file)');
  } else {
    if (layout.cpuacct) cpuNs = await readNumber(join(layout.cpuacct, 'cpuacct.usage'));
    if (layout.memory) {
      usage = await readNumber(join(layout.memory, 'memory.usage_in_bytes'));
      inactiveFile = parseFlatKeyed((await readText(join(layout.memory, 'memory.stat'))) ?? '').get('total_inactive_file');
    }
  }
  const out: { cpu?: CPUStats; memory?: MemoryStats } = {};
  if (cpuNs !== undefined) out.cpu = { time: nowMs, usageCoreNanoSeconds: cpuNs };
  if (usage !== undefined) out.memory = { time: nowMs, workingSetBytes: Math.max(0, usage - (inactiveFile ?? 0)) };
  return out;
}

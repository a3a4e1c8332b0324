// Tears down everything the container runtime of one data dir left on the host: pods, containerd, shims, mounts, bridge.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createCriClient } from '../cri/client.js';
import { CNI_CONFLIST_NAME, conflistBridge } from './cni.js';
import { removeCniIptablesRules } from './cni-iptables.js';
import { runtimePaths } from './paths.js';
import type { ContainerdProcess } from './supervisor.js';

const run = promisify(execFile);

/** Options of {@link cleanupRuntime}. */
export interface CleanupOptions {
  dataDir: string;
  /** The running child, when this process started it; otherwise containerd is found by its pid file. */
  containerd?: ContainerdProcess;
  /** Bridge to delete; default: the one named in the data dir's conflist. */
  bridge?: string;
  /** Deadline of each CRI call, ms; default 30 000. */
  timeoutMs?: number;
}

/** What {@link cleanupRuntime} did, and what failed (cleanup goes on after a failure). */
export interface CleanupReport {
  sandboxesRemoved: string[];
  processesKilled: number[];
  unmounted: string[];
  bridgeDeleted: string | undefined;
  errors: string[];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Mount points at or below any of `roots`, deepest first (from /proc/self/mountinfo; octal escapes decoded). */
export function mountsUnder(roots: string[], mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  const under = points.filter((p) => roots.some((r) => p === r || p.startsWith(`${r}/`)));
  return [...new Set(under)].sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

/** Ids of the sandboxes containerd's CRI plugin has directories for (its root and state dirs). */
function sandboxIdsOnDisk(root: string, state: string): string[] {
  const ids = new Set<string>();
  for (const base of [root, state]) {
    try {
      for (const id of readdirSync(join(base, 'io.containerd.grpc.v1.cri', 'sandboxes'))) if (/^[0-9a-f]{64}$/.test(id)) ids.add(id);
    } catch {
      // no such dir
    }
  }
  return [...ids];
}

/** Pids whose command line mentions `needle` (e.g. shims started with `-address <our socket>`). */
function pidsMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(needle)) pids.push(Number(entry));
    } catch {
      // process gone
    }
  }
  return pids;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function kill(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some((p) => kill(p, 0)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Removes every trace of the runtime of `dataDir`, in order, continuing past failures:
 * 1. through CRI (if containerd answers): StopPodSandbox + RemovePodSandbox for every sandbox (this also
 *    tears down their CNI networking and removes their containers);
 * 2. stops containerd (the given child, or the one in DATA_DIR/containerd/containerd.pid);
 * 3. kills shims still serving our socket and their container processes (SIGKILL);
 * 4. unmounts what is mounted under DATA_DIR/containerd and the socket dir, deepest first (rootfs
 *    overlays, sandbox shm, network namespaces, which containerd keeps under its state dir);
 * 5. deletes the iptables rules CNI made for those sandboxes (when their CNI DEL never ran), the CNI
 *    bridge and the host-local IPAM leases.
 * Used by tests' teardown and `k1s killall`. Never throws; see the report's `errors`.
 */
export async function cleanupRuntime(options: CleanupOptions): Promise<CleanupReport> {
  const paths = runtimePaths(options.dataDir);
  const report: CleanupReport = { sandboxesRemoved: [], processesKilled: [], unmounted: [], bridgeDeleted: undefined, errors: [] };
  const knownSandboxes = sandboxIdsOnDisk(paths.root, paths.state);

  if (existsSync(paths.socket)) {
    const client = createCriClient(`unix://${paths.socket}`, { timeoutMs: options.timeoutMs ?? 30_000 });
    try {
      for (const sandbox of await client.runtime.listPodSandbox()) {
        try {
          await client.runtime.stopPodSandbox(sandbox.id);
          await client.runtime.removePodSandbox(sandbox.id);
          report.sandboxesRemoved.push(sandbox.id);
        } catch (err) {
          report.errors.push(`remove sandbox "${sandbox.id}": ${message(err)}`);
        }
      }
    } catch (err) {
      // Unavailable: a stale socket, containerd is not running; the steps below clean up after it.
      if ((err as { code?: unknown }).code !== 14) report.errors.push(`list sandboxes: ${message(err)}`);
    } finally {
      client.close();
    }
  }

  if (options.containerd) {
    await options.containerd.stop();
  } else {
    const pid = Number((await readFile(join(paths.base, 'containerd.pid'), 'utf8').catch(() => '')).trim());
    let cmdline = '';
    try {
      cmdline = pid > 0 ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
    } catch {
      // not running
    }
    if (cmdline.includes(paths.config)) {
      kill(pid, 'SIGTERM');
      await waitGone([pid], 10_000);
      if (kill(pid, 'SIGKILL')) await waitGone([pid], 2_000);
      report.processesKilled.push(pid);
    }
    await rm(join(paths.base, 'containerd.pid'), { force: true });
  }

  const shims = pidsMentioning(paths.socket);
  const victims = shims.flatMap((shim) => [...childrenOf(shim), shim]);
  for (const pid of victims) if (kill(pid, 'SIGKILL')) report.processesKilled.push(pid);
  await waitGone(victims, 5_000);

  const socketDir = dirname(paths.socket);
  const roots = socketDir.startsWith('/run/k1s-') ? [paths.base, socketDir] : [paths.base];
  for (const mount of mountsUnder(roots)) {
    try {
      await run('umount', [mount]);
      report.unmounted.push(mount);
    } catch {
      try {
        await run('umount', ['-l', mount]);
        report.unmounted.push(mount);
      } catch (err) {
        report.errors.push(`umount "${mount}": ${message(err)}`);
      }
    }
  }

  try {
    await removeCniIptablesRules(knownSandboxes);
  } catch (err) {
    report.errors.push(`remove CNI iptables rules: ${message(err)}`);
  }

  let bridge = options.bridge;
  if (bridge === undefined) {
    const conflist = await readFile(join(paths.cniConfDir, CNI_CONFLIST_NAME), 'utf8').catch(() => '');
    bridge = conflistBridge(conflist);
  }
  if (bridge !== undefined && existsSync(`/sys/class/net/${bridge}`)) {
    try {
      await run('ip', ['link', 'delete', bridge]);
      report.bridgeDeleted = bridge;
    } catch (err) {
      report.errors.push(`delete bridge "${bridge}": ${message(err)}`);
    }
  }
  if (socketDir.startsWith('/run/k1s-')) await rm(socketDir, { recursive: true, force: true });
  // host-local leases of a runtime that no longer runs anything would only leak addresses.
  await rm(paths.cniIpamDir, { recursive: true, force: true });
  return report;
}

// Runs containerd as a child process of `k1s server`: renders its config, starts it, waits for CRI, stops it.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { waitForCri } from '../cri/client.js';
import { bridgeHeldByOther } from './bridge.js';
import { bridgeNameFor, chooseBridgeName, CNI_CONFLIST_NAME, conflistNetworkName, conflistSubnet, DEFAULT_CLUSTER_CIDR, gatewayOf, nodePodCidr, renderCniConflist } from './cni.js';
import { renderContainerdConfig } from './config.js';
import { PAUSE_IMAGE } from './pause-image.js';
import { runtimePaths, type RuntimePaths } from './paths.js';
import { parseRegistriesYaml, renderHostsTomls, renderRegistryAuthToml, writeRegistryHosts, type Registries } from './registries.js';

/** Options of {@link startContainerd}. */
export interface StartContainerdOptions {
  /** k1s data dir; containerd's files go to DATA_DIR/containerd (see runtimePaths). */
  dataDir: string;
  /** Default /usr/bin/containerd. */
  containerdPath?: string;
  /** CRI sandbox_image; default PAUSE_IMAGE (build and import it with buildAndImportPauseImage). */
  sandboxImage?: string;
  /**
   * k3s --cluster-cidr. The node's pod CIDR is its first /24 unless `podCidr` is set. With neither, the
   * subnet of the data dir's existing conflist is kept, else 10.42.0.0/16's first /24.
   */
  clusterCidr?: string | undefined;
  podCidr?: string | undefined;
  /**
   * CNI bridge name; default: the one the data dir's existing conflist names (installs made with the
   * legacy "k1s0" keep it), else bridgeNameFor(dataDir), so concurrently running servers never share one.
   */
  bridge?: string | undefined;
  /** k3s --private-registry: a registries.yaml path, or its parsed form. */
  registries?: string | Registries | undefined;
  /** The text of a registries.yaml (alternative to `registries`). */
  registriesYaml?: string | undefined;
  /** k3s --disable-default-registry-endpoint. */
  disableDefaultRegistryEndpoint?: boolean | undefined;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** How long to wait for the CRI socket to answer; default 30 000 ms. */
  startTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL in stop(); default 10 000 ms. */
  stopTimeoutMs?: number;
  signal?: AbortSignal;
  /** Restart back-off after an unexpected exit; default {@link DEFAULT_RESTART_BACKOFF}. */
  restartBackoff?: Partial<RestartBackoffOptions>;
  /** Called with a human-readable line on each unexpected exit and restart (the server logs them). */
  onEvent?: (message: string) => void;
  /** Called with the new pid after each restart. */
  onRestart?: (pid: number) => void;
}

/** Timing of {@link RestartBackoff}, all in ms. */
export interface RestartBackoffOptions {
  /** Delay before the first restart. */
  initialMs: number;
  /** The delay doubles on each quick exit, up to this. */
  maxMs: number;
  /** A child that ran at least this long before exiting counts as healthy: the delay starts over. */
  resetAfterMs: number;
}

/** 1 s doubling to 30 s, reset after 60 s of uptime (like systemd Restart=always with a growing RestartSec, or the kubelet's crash-loop back-off at a smaller scale). */
export const DEFAULT_RESTART_BACKOFF: RestartBackoffOptions = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/**
 * Exponential restart back-off: `next(uptimeMs)` gives the delay before restarting a child that ran for
 * `uptimeMs`: initialMs, then doubling (2×, 4×, …) up to maxMs while the child keeps exiting within
 * resetAfterMs of its start; a child that ran resetAfterMs or longer gets initialMs again. Mirrors
 * client-go's flowcontrol.Backoff as the kubelet uses it for CrashLoopBackOff (10 s doubling to 5 min,
 * reset after 10 min), with k1s's own numbers.
 */
export class RestartBackoff {
  private readonly options: RestartBackoffOptions;
  private current = 0;
  constructor(options: Partial<RestartBackoffOptions> = {}) {
    this.options = { ...DEFAULT_RESTART_BACKOFF, ...options };
  }
  /** The delay (ms) before the next restart of a child that has just exited after `uptimeMs`. */
  next(uptimeMs: number): number {
    if (this.current === 0 || uptimeMs >= this.options.resetAfterMs) this.current = this.options.initialMs;
    else this.current = Math.min(this.current * 2, this.options.maxMs);
    return this.current;
  }
}

/** A running containerd child. */
export interface ContainerdProcess {
  /** CRI endpoint, "unix:///.../containerd.sock" (pass to createCriClient). */
  endpoint: string;
  /** The socket path itself (for ctr -a). */
  socket: string;
  /** Pid of the current containerd (changes when the supervisor restarts it). */
  readonly pid: number;
  /** How many times containerd was restarted after an unexpected exit. */
  readonly restarts: number;
  paths: RuntimePaths;
  /** CRI streaming server port on 127.0.0.1. */
  streamPort: number;
  /** The node's pod CIDR and bridge, as written in the CNI conflist. */
  podCidr: string;
  bridge: string;
  /** Warnings from rendering (e.g. unsupported registry rewrites). */
  warnings: string[];
  /**
   * Resolves with the last exit code (null when killed by a signal) once containerd is gone for good:
   * after stop(), or when a restart fails. An unexpected exit is followed by a restart instead (the
   * same config, socket, root and state dirs, so the surviving shims and their containers are
   * reconnected by containerd's CRI plugin on start).
   */
  exited: Promise<number | null>;
  /**
   * SIGTERM, wait up to stopTimeoutMs, then SIGKILL; resolves once the process is gone. Idempotent.
   * Shims (containerd-shim-runc-v2) and thus running pods survive on purpose, as with a containerd
   * restart under systemd (KillMode=process); the next start reconnects to them.
   */
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on 127.0.0.1 (there is a small race until containerd binds it). */
export async function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function parentOf(pid: number): number {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/**
 * Stops a containerd left behind by a crashed k1s on the same data dir (found via its pid file and
 * reparented to init). Throws when that containerd still has a live parent: another k1s owns it.
 */
async function stopStale(paths: RuntimePaths, timeoutMs: number): Promise<void> {
  const pidFile = join(paths.base, 'containerd.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes(paths.config)) return; // pid reused by something else
  const parent = parentOf(pid);
  if (parent > 1 && parent !== process.pid && isAlive(parent)) {
    throw new Error(`cannot start containerd: data dir "${dirname(paths.base)}" is in use by containerd pid ${pid} (child of pid ${parent})`);
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Prepares DATA_DIR/containerd (config.toml, CNI conflist, registry hosts.toml files), starts
 * containerd with its output appended to containerd.log, and waits until CRI answers Version.
 * Throws `cannot start containerd: ...` (with the log's tail) when it exits or does not answer in
 * time; the child is killed in that case. Mirrors k3s's pkg/agent/containerd (Run + WaitForContainerd).
 */
export async function startContainerd(options: StartContainerdOptions): Promise<ContainerdProcess> {
  const paths = runtimePaths(options.dataDir);
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  for (const dir of [paths.base, paths.root, paths.state, paths.cniConfDir, paths.cniIpamDir, paths.certsDir, paths.opt, paths.podLogs, dirname(paths.socket)]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  await stopStale(paths, stopTimeoutMs);

  const warnings: string[] = [];
  const registries =
    typeof options.registries === 'string'
      ? parseRegistriesYaml(await readFile(options.registries, 'utf8'))
      : options.registries ?? (options.registriesYaml !== undefined ? parseRegistriesYaml(options.registriesYaml) : { mirrors: {}, configs: {} });
  const hosts = renderHostsTomls(registries, { disableDefaultEndpoint: options.disableDefaultRegistryEndpoint ?? false });
  warnings.push(...hosts.warnings);
  await writeRegistryHosts(paths.certsDir, hosts.files);

  const conflistPath = join(paths.cniConfDir, CNI_CONFLIST_NAME);
  const existingConflist = await readFile(conflistPath, 'utf8').catch(() => undefined);
  // With neither CIDR given (one-shot commands: `k1s images`, `k1s killall`), keep the subnet the server
  // wrote, so pods of a stopped server keep a consistent network config.
  const podCidr =
    options.podCidr ??
    (options.clusterCidr !== undefined ? nodePodCidr(options.clusterCidr) : undefined) ??
    (existingConflist !== undefined ? conflistSubnet(existingConflist) : undefined) ??
    nodePodCidr(DEFAULT_CLUSTER_CIDR);
  let bridge = options.bridge ?? chooseBridgeName(resolve(options.dataDir), existingConflist);
  // Two data dirs made before bridges were per data dir both name "k1s0": the second one to start takes its own.
  const gatewayCidr = `${gatewayOf(podCidr)}/${podCidr.split('/')[1] ?? '24'}`;
  if (options.bridge === undefined && bridge !== bridgeNameFor(resolve(options.dataDir)) && (await bridgeHeldByOther(bridge, gatewayCidr))) {
    options.onEvent?.(`bridge "${bridge}" named in ${conflistPath} carries another server's address; this data dir moves to "${bridgeNameFor(resolve(options.dataDir))}"`);
    bridge = bridgeNameFor(resolve(options.dataDir));
  }
  // The CNI network is named after the bridge for a new data dir ("k1s-1a2b3c4d"); an existing conflist keeps its name.
  const networkName = (existingConflist !== undefined ? conflistNetworkName(existingConflist) : undefined) ?? bridge;
  await writeFile(conflistPath, renderCniConflist({ ipamDataDir: paths.cniIpamDir, podCidr, bridge, networkName }));

  const streamPort = await freeLocalPort();
  const runcPath = existsSync('/usr/sbin/runc') ? '/usr/sbin/runc' : '';
  await writeFile(
    paths.config,
    renderContainerdConfig({
      paths,
      sandboxImage: options.sandboxImage ?? PAUSE_IMAGE,
      streamPort,
      runcPath,
      logLevel: options.logLevel ?? 'info',
      extraToml: renderRegistryAuthToml(registries),
    }),
    { mode: 0o600 },
  );
  const endpoint = `unix://${paths.socket}`;
  const pidFile = join(paths.base, 'containerd.pid');
  const backoff = new RestartBackoff(options.restartBackoff);
  const onEvent = options.onEvent ?? (() => undefined);

  /** The current child and the time it was spawned. */
  let child: ChildProcess;
  let startedAt = 0;
  let restarts = 0;
  let stopRequested = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let resolveExited: (code: number | null) => void = () => undefined;
  const exited = new Promise<number | null>((resolve) => (resolveExited = resolve));
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };

  /**
   * Spawns containerd with the rendered config; resolves when its pid file is written. Throws
   * "stopped" instead of spawning once stop() was called (stop() kills a child spawned before that).
   */
  const spawnChild = async (): Promise<{ child: ChildProcess; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; spawnError: Promise<Error> }> => {
    await rm(paths.socket, { force: true });
    if (stopRequested) throw new Error('stopped');
    const logFd = openSync(paths.log, 'a');
    let c: ChildProcess;
    try {
      c = spawn(options.containerdPath ?? '/usr/bin/containerd', ['--config', paths.config], {
        stdio: ['ignore', logFd, logFd],
        // Own process group: a terminal's Ctrl-C reaches k1s, which then stops containerd in order.
        detached: true,
        env: { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, NOTIFY_SOCKET: '' },
      });
    } finally {
      closeSync(logFd);
    }
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      c.once('exit', (code, signal) => resolve({ code, signal }));
      c.once('error', () => resolve({ code: -1, signal: null }));
    });
    const spawnError = new Promise<Error>((resolve) => c.once('error', resolve));
    child = c;
    startedAt = Date.now();
    if (c.pid !== undefined) await writeFile(pidFile, `${c.pid}\n`);
    return { child: c, exit, spawnError };
  };

  /** Watches `c`: when it exits and no stop was asked for, respawns it after the back-off delay. */
  const supervise = (c: ChildProcess, exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>): void => {
    void exit.then(({ code, signal }) => {
      if (stopRequested || child !== c) {
        if (child === c) resolveExited(code);
        return;
      }
      const delay = backoff.next(Date.now() - startedAt);
      onEvent(`containerd (pid ${c.pid}) exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}); restarting it in ${delay} ms`);
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (stopRequested) {
          resolveExited(code);
          return;
        }
        spawnChild().then(
          ({ child: next, exit: nextExit }) => {
            restarts++;
            onEvent(`containerd restarted (pid ${next.pid}, restart ${restarts})`);
            options.onRestart?.(next.pid ?? -1);
            supervise(next, nextExit);
          },
          (err: unknown) => {
            if (!stopRequested) onEvent(`cannot restart containerd: ${err instanceof Error ? err.message : String(err)}`);
            resolveExited(code);
          },
        );
      }, delay);
    });
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      stopRequested = true;
      process.removeListener('exit', killOnExit);
      if (restartTimer) {
        clearTimeout(restartTimer);
        restartTimer = undefined;
        resolveExited(child.exitCode);
      }
      const c = child;
      if (c.exitCode === null && c.signalCode === null) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), stopTimeoutMs);
        await gone;
        clearTimeout(timer);
      }
      resolveExited(c.exitCode);
      await rm(pidFile, { force: true });
    })());

  const first = await spawnChild();
  process.once('exit', killOnExit);
  try {
    const waitOptions = { timeoutMs: options.startTimeoutMs ?? 30_000, ...(options.signal ? { signal: options.signal } : {}) };
    const outcome = await Promise.race([
      waitForCri(endpoint, waitOptions).then(() => undefined),
      first.exit.then(({ code, signal }) => new Error(`containerd exited with ${signal ? `signal ${signal}` : `code ${code}`}`)),
      first.spawnError,
    ]);
    if (outcome instanceof Error) throw outcome;
  } catch (err) {
    await stop();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot start containerd: ${reason}; last lines of ${paths.log}:\n${logTail(paths.log)}`, { cause: err });
  }
  supervise(first.child, first.exit);
  return {
    endpoint,
    socket: paths.socket,
    get pid() {
      return child.pid ?? -1;
    },
    get restarts() {
      return restarts;
    },
    paths,
    streamPort,
    podCidr,
    bridge,
    warnings,
    exited,
    stop,
  };
}

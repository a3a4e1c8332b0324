// Runs containerd as a child process of `k1s server`: renders its config, starts it, waits for CRI, stops it.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { waitForCri } from '../cri/client.js';
import { CNI_CONFLIST_NAME, DEFAULT_CLUSTER_CIDR, nodePodCidr, renderCniConflist } from './cni.js';
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
  /** k3s --cluster-cidr; default 10.42.0.0/16. The node's pod CIDR is its first /24 unless `podCidr` is set. */
  clusterCidr?: string | undefined;
  podCidr?: string | undefined;
  /** CNI bridge name; default "k1s0". Give each concurrently running server its own (see bridgeNameFor). */
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
}

/** A running containerd child. */
export interface ContainerdProcess {
  /** CRI endpoint, "unix:///.../containerd.sock" (pass to createCriClient). */
  endpoint: string;
  /** The socket path itself (for ctr -a). */
  socket: string;
  pid: number;
  paths: RuntimePaths;
  /** CRI streaming server port on 127.0.0.1. */
  streamPort: number;
  /** The node's pod CIDR and bridge, as written in the CNI conflist. */
  podCidr: string;
  bridge: string;
  /** Warnings from rendering (e.g. unsupported registry rewrites). */
  warnings: string[];
  /** Resolves with the exit code (or null when killed by a signal) when containerd exits. */
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

  const podCidr = options.podCidr ?? nodePodCidr(options.clusterCidr ?? DEFAULT_CLUSTER_CIDR);
  const bridge = options.bridge ?? 'k1s0';
  await writeFile(join(paths.cniConfDir, CNI_CONFLIST_NAME), renderCniConflist({ ipamDataDir: paths.cniIpamDir, podCidr, bridge }));

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
  await rm(paths.socket, { force: true });

  const logFd = openSync(paths.log, 'a');
  const child = (() => {
    try {
      return spawn(options.containerdPath ?? '/usr/bin/containerd', ['--config', paths.config], {
        stdio: ['ignore', logFd, logFd],
        // Own process group: a terminal's Ctrl-C reaches k1s, which then stops containerd in order.
        detached: true,
        env: { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, NOTIFY_SOCKET: '' },
      });
    } finally {
      closeSync(logFd);
    }
  })();
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid ?? -1;
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  if (pid > 0) await writeFile(join(paths.base, 'containerd.pid'), `${pid}\n`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
        await exited;
        clearTimeout(timer);
      }
      await rm(join(paths.base, 'containerd.pid'), { force: true });
    })());

  const endpoint = `unix://${paths.socket}`;
  try {
    const waitOptions = { timeoutMs: options.startTimeoutMs ?? 30_000, ...(options.signal ? { signal: options.signal } : {}) };
    const outcome = await Promise.race([
      waitForCri(endpoint, waitOptions).then(() => undefined),
      exited.then((code) => new Error(`containerd exited with code ${code}`)),
      spawnError,
    ]);
    if (outcome instanceof Error) throw outcome;
  } catch (err) {
    await stop();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot start containerd: ${reason}; last lines of ${paths.log}:\n${logTail(paths.log)}`, { cause: err });
  }
  return { endpoint, socket: paths.socket, pid, paths, streamPort, podCidr, bridge, warnings, exited, stop };
}

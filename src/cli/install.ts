/**
 * `k1s install` and `k1s uninstall`, as k3s's install.sh and k3s-uninstall.sh: a systemd unit `k1s.service`
 * (Restart=always, KillMode=process so pods survive a restart, k3s's limits) and its env file; uninstall
 * stops it, removes pods, mounts, the pod network, the unit and the data dir, and reports what it could not.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mountsUnder } from '../containerd/cleanup.js';
import { StartupError } from './error-line.js';
import { killall } from './killall.js';

/** True when systemd is PID 1 (sd_booted(3): /run/systemd/system exists). */
export function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

/**
 * One argument of ExecStart as systemd.service(5) reads it: double-quoted when it holds spaces, quotes,
 * backslashes or is empty; `%` doubled (specifier) and `$` doubled (variable expansion) always.
 */
export function systemdQuote(arg: string): string {
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (escaped !== '' && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** What the unit runs and where its env file lives. */
export interface UnitOptions {
  /** The node binary and bin/k1s, absolute. */
  nodePath: string;
  k1sBin: string;
  /** `k1s server` flags given to `k1s install` on its command line. */
  serverArgs: string[];
  envFile: string;
}

/** k1s.service, modelled on k3s's unit (limits, KillMode=process, Delegate=yes, Restart=always). */
export function renderUnit(o: UnitOptions): string {
  const exec = [o.nodePath, o.k1sBin, 'server', ...o.serverArgs].map(systemdQuote).join(' ');
  return `[Unit]
Description=k1s: a single-node Kubernetes for multi-container pods
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=exec
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-${o.envFile}
# Stopping the service stops k1s only: containers keep running in their shims and are adopted at the next start.
KillMode=process
Delegate=yes
User=root
# As k3s: no per-process limits (accounting overhead); cgroups account per container.
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=${exec}
`;
}

/** The env file: the K1S_* variables of the installing environment (k3s keeps K3S_* the same way). */
export function renderEnvFile(env: Readonly<Record<string, string | undefined>>): string {
  const lines = ['# Environment of k1s.service: K1S_* variables (see \'k1s help server\'), one NAME=value a line.'];
  for (const [k, v] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (k.startsWith('K1S_') && k !== 'K1S_SYSTEMD_DIR' && v !== undefined) lines.push(`${k}=${JSON.stringify(v)}`);
  }
  return lines.join('\n') + '\n';
}

async function systemctl(args: string[]): Promise<void> {
  await promisify(execFile)('systemctl', args, { timeout: 60_000 });
}

/**
 * Writes SYSTEMD_DIR/k1s.service and k1s.service.env; when `systemd` (systemd runs and --skip-start was not
 * given), reloads it, enables and (re)starts the unit. Resolves with the lines to print.
 */
export async function runInstall(options: UnitOptions & { systemdDir: string; env: Readonly<Record<string, string | undefined>>; systemd: boolean }): Promise<string[]> {
  await mkdir(options.systemdDir, { recursive: true });
  const unit = join(options.systemdDir, 'k1s.service');
  await writeFile(unit, renderUnit(options), { mode: 0o644 });
  await writeFile(options.envFile, renderEnvFile(options.env), { mode: 0o600 });
  const out = [`wrote ${unit}`, `wrote ${options.envFile}`];
  if (!options.systemd) {
    out.push("not started (systemd is not running, or --skip-start): run 'k1s server' yourself, or 'systemctl enable --now k1s' under systemd");
    return out;
  }
  await systemctl(['daemon-reload']);
  await systemctl(['enable', 'k1s.service']);
  await systemctl(['restart', 'k1s.service']);
  out.push('enabled and started k1s.service');
  return out;
}

/** True when `dir` holds what `k1s server` writes (k1s.pid, tls/, db/, containerd/): uninstall removes nothing else. */
export function looksLikeDataDir(dir: string): boolean {
  try {
    const entries = new Set(readdirSync(dir));
    return ['tls', 'db', 'containerd', 'k1s.pid', 'kubeconfig.yaml'].some((e) => entries.has(e));
  } catch {
    return false;
  }
}

/**
 * Stops k1s.service (when systemd runs), then does killall's work on `dataDir` (pods, containerd, mounts, the
 * pod network), removes the unit, its env file and the data dir. The data dir is removed only when it looks
 * like one and nothing is mounted under it any more. Resolves with what could not be removed.
 */
export async function runUninstall(options: { dataDir: string; systemdDir: string; systemd: boolean }): Promise<{ removed: string[]; problems: string[] }> {
  const { dataDir } = options;
  const removed: string[] = [];
  const problems: string[] = [];
  const unit = join(options.systemdDir, 'k1s.service');
  if (existsSync(dataDir) && !looksLikeDataDir(dataDir)) {
    throw new StartupError(`k1s uninstall: "${dataDir}" does not look like a k1s data dir (no tls/, db/, containerd/ or k1s.pid): nothing removed`);
  }
  if (options.systemd && existsSync(unit)) {
    await systemctl(['disable', '--now', 'k1s.service']).catch((err: unknown) => problems.push(`systemctl disable --now k1s.service: ${(err as Error).message.split('\n')[0]}`));
  }
  if (existsSync(dataDir)) problems.push(...(await killall(dataDir)));
  for (const file of [unit, join(options.systemdDir, 'k1s.service.env')]) {
    if (!existsSync(file)) continue;
    await rm(file).then(
      () => removed.push(file),
      (err: unknown) => problems.push(`rm "${file}": ${(err as Error).message}`),
    );
  }
  if (options.systemd && removed.length) await systemctl(['daemon-reload']).catch(() => undefined);
  if (existsSync(dataDir)) {
    const left = mountsUnder([dataDir]);
    if (left.length) problems.push(`data dir "${dataDir}" kept: still mounted under it: ${left.join(', ')}`);
    else {
      await rm(dataDir, { recursive: true, force: true }).then(
        () => removed.push(dataDir),
        (err: unknown) => problems.push(`rm -r "${dataDir}": ${(err as Error).message}`),
      );
    }
  }
  return { removed, problems };
}

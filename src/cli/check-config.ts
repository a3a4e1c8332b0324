/**
 * `k1s check-config` (k3s check-config's role): what `k1s server` needs on this machine, one pass/warn/fail
 * line per item with the command that fixes it. `k1s server` runs the fatal subset first (preflight) and
 * refuses to start with that one line instead of failing later with a stack trace.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { release } from 'node:os';
import { dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { StartupError } from './error-line.js';
import { findPortOwner, type PortOwner } from './port-owner.js';
import type { ServerFlags } from './server-flags.js';

/** One item's verdict. */
export interface CheckResult {
  name: string;
  status: 'pass' | 'warn' | 'fail';
  /** What was found: versions, paths, controllers. */
  detail: string;
  /** The command or change that fixes a warn or fail. */
  fix?: string;
  /** True when `k1s server` with these flags cannot start while this fails. */
  fatal: boolean;
}

/** What the checks read from the machine; tests pass a fake. */
export interface Host {
  uid(): number;
  kernelRelease(): string;
  /** A file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
  /** True when `path` (a directory) can be created in or written to by this process. */
  writable(path: string): boolean;
  /** A program's combined stdout and stderr (its exit code ignored), or undefined when it cannot be run. */
  run(path: string, args: string[]): Promise<string | undefined>;
  /** True when TCP `port` can be bound on 127.0.0.1 now. */
  portFree(port: number): Promise<boolean>;
  portOwner(port: number): PortOwner | undefined;
}

/** The machine k1s runs on. */
export const realHost: Host = {
  uid: () => process.getuid?.() ?? -1,
  kernelRelease: () => release(),
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  exists: (path) => existsSync(path),
  writable: (path) => {
    let p = path;
    while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  run: (path, args) =>
    new Promise((resolve) => {
      execFile(path, args, { timeout: 5_000 }, (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') resolve(undefined);
        else resolve(`${stdout}${stderr}`);
      });
    }),
  portFree: (port) =>
    new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    }),
  portOwner: (port) => findPortOwner(port),
};

/** Debian's packages for everything k1s runs (scripts/ensure-deps.sh installs the same). */
const APT = 'apt-get install -y';

/** Kernel release `5.10.0-23-amd64` as [5, 10]; [0, 0] when unreadable. */
export function kernelVersion(releaseText: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(releaseText);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

function atLeast(v: [number, number], major: number, minor: number): boolean {
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

/** The cgroup layout from /proc/self/mounts and the controllers available: v2 (unified at /sys/fs/cgroup) or v1. */
export function cgroupLayout(mounts: string, v2Controllers: string | undefined): { version: 1 | 2; controllers: string[] } {
  const entries = mounts.split('\n').map((l) => l.split(' '));
  if (entries.some((e) => e[1] === '/sys/fs/cgroup' && e[2] === 'cgroup2')) {
    return { version: 2, controllers: (v2Controllers ?? '').trim().split(/\s+/).filter(Boolean) };
  }
  const controllers = new Set<string>();
  for (const e of entries) {
    if (e[2] !== 'cgroup' || !e[1]?.startsWith('/sys/fs/cgroup/')) continue;
    for (const opt of (e[3] ?? '').split(',')) if (!['rw', 'ro', 'relatime', 'nosuid', 'nodev', 'noexec'].includes(opt) && !opt.startsWith('name=')) controllers.add(opt);
  }
  return { version: 1, controllers: [...controllers].sort() };
}

function firstLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n')[0] ?? '';
}

/** A binary k1s runs, where it looks for it, the package that has it and how to ask its version. */
interface Binary {
  name: string;
  path: string;
  pkg: string;
  versionArgs: string[];
}

const BINARIES: Binary[] = [
  { name: 'containerd', path: '/usr/bin/containerd', pkg: 'containerd', versionArgs: ['--version'] },
  { name: 'ctr', path: '/usr/bin/ctr', pkg: 'containerd', versionArgs: ['--version'] },
  { name: 'runc', path: '/usr/sbin/runc', pkg: 'runc', versionArgs: ['--version'] },
  { name: 'catatonit', path: '/usr/bin/catatonit', pkg: 'catatonit', versionArgs: ['--version'] },
  ...['bridge', 'host-local', 'portmap', 'loopback'].map((p) => ({ name: `CNI plugin ${p}`, path: `/usr/lib/cni/${p}`, pkg: 'containernetworking-plugins', versionArgs: [] })),
];

/**
 * Runs every check for a server started with `flags`, in a fixed order. Fatal items are those without which
 * that server cannot start: root, the binaries (both only when k1s starts containerd itself), a free API
 * port, a writable data dir, a readable and valid --private-registry file.
 */
export async function runChecks(flags: ServerFlags, host: Host = realHost, options: { preflight?: boolean } = {}): Promise<CheckResult[]> {
  const ownRuntime = flags.containerRuntimeEndpoint === undefined;
  const out: CheckResult[] = [];
  const add = (r: CheckResult) => out.push(r);
  const uid = host.uid();
  add(
    uid === 0
      ? { name: 'root', status: 'pass', detail: 'running as root', fatal: false }
      : { name: 'root', status: ownRuntime ? 'fail' : 'warn', detail: `running as uid ${uid}: containerd, mounts and iptables need root`, fix: 'run k1s as root (sudo)', fatal: ownRuntime },
  );

  if (!options.preflight) await machineChecks(host, ownRuntime, add);
  else if (ownRuntime && !host.exists('/usr/sbin/iptables')) {
    add({ name: 'iptables', status: 'fail', detail: '/usr/sbin/iptables not found: the CNI bridge, portmap and kube-proxy need it', fix: `${APT} iptables`, fatal: true });
  }
  for (const b of BINARIES) {
    // Preflight only looks for the file; check-config also asks each binary its version.
    const output = !host.exists(b.path) ? undefined : options.preflight ? '' : await host.run(b.path, b.versionArgs);
    add(
      output !== undefined
        ? { name: b.name, status: 'pass', detail: `${b.path}: ${firstLine(output) || 'present'}`, fatal: false }
        : { name: b.name, status: ownRuntime ? 'fail' : 'warn', detail: `${b.path} not found`, fix: `${APT} ${b.pkg}`, fatal: ownRuntime },
    );
  }

  const port = flags.httpsListenPort;
  if (await host.portFree(port)) add({ name: `port ${port}`, status: 'pass', detail: 'free on 127.0.0.1', fatal: false });
  else {
    const owner = host.portOwner(port);
    add({
      name: `port ${port}`,
      status: 'fail',
      detail: `in use${owner ? ` by pid ${owner.pid} (${owner.command})` : ''}`,
      fix: `stop ${owner ? `pid ${owner.pid}` : 'the process holding it'}, or choose another port with --https-listen-port`,
      fatal: true,
    });
  }

  const pidText = host.readFile(`${flags.dataDir}/k1s.pid`)?.trim();
  const livePid = pidText !== undefined && /^\d+$/.test(pidText) && Number(pidText) !== process.pid && host.exists(`/proc/${pidText}`) ? pidText : undefined;
  if (livePid !== undefined) {
    add({ name: 'data dir', status: 'fail', detail: `${flags.dataDir} is in use by a running k1s server (pid ${livePid})`, fix: `stop it (kill ${livePid}) or choose another --data-dir`, fatal: true });
  } else if (!host.writable(flags.dataDir)) {
    add({ name: 'data dir', status: 'fail', detail: `${flags.dataDir} is not writable`, fix: 'run as root or choose another --data-dir', fatal: true });
  } else add({ name: 'data dir', status: 'pass', detail: `${flags.dataDir} writable`, fatal: false });

  if (flags.privateRegistry !== undefined) add(checkRegistries(flags.privateRegistry, host));
  const resolvConf = host.readFile(flags.resolvConf);
  add(
    resolvConf !== undefined
      ? { name: 'resolv.conf', status: 'pass', detail: `${flags.resolvConf} readable`, fatal: false }
      : { name: 'resolv.conf', status: 'warn', detail: `${flags.resolvConf} cannot be read: pods with dnsPolicy Default get no name servers`, fix: 'create it or choose another with --resolv-conf', fatal: false },
  );
  return out;
}

/** The machine's kernel, cgroups, filesystems, networking and capabilities (check-config only, never fatal). */
async function machineChecks(host: Host, ownRuntime: boolean, add: (r: CheckResult) => void): Promise<void> {
  const kernel = kernelVersion(host.kernelRelease());
  const cgroups = cgroupLayout(host.readFile('/proc/self/mounts') ?? '', host.readFile('/sys/fs/cgroup/cgroup.controllers'));
  if (!atLeast(kernel, 3, 10)) add({ name: 'kernel', status: 'fail', detail: `${host.kernelRelease()}: runc needs 3.10 or later`, fix: 'upgrade the kernel', fatal: false });
  else if (cgroups.version === 2 && !atLeast(kernel, 5, 8)) add({ name: 'kernel', status: 'warn', detail: `${host.kernelRelease()}: Kubernetes recommends 5.8 or later with cgroup v2`, fix: 'upgrade the kernel', fatal: false });
  else add({ name: 'kernel', status: 'pass', detail: host.kernelRelease(), fatal: false });

  const needed = ['cpu', 'memory', 'pids', ...(cgroups.version === 1 ? ['devices'] : [])];
  const missing = needed.filter((c) => !cgroups.controllers.includes(c));
  add({
    name: 'cgroups',
    status: missing.length ? 'fail' : 'pass',
    detail: `cgroup v${cgroups.version}, controllers: ${cgroups.controllers.join(' ') || 'none'}${missing.length ? `; missing ${missing.join(', ')}` : ''}`,
    ...(missing.length ? { fix: cgroups.version === 2 ? 'enable them in the parent cgroup: echo "+cpu +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control' : `mount them: mount -t cgroup -o ${missing[0]} cgroup /sys/fs/cgroup/${missing[0]}` } : {}),
    fatal: false,
  });

  const overlay = /\toverlay\n/.test(`${host.readFile('/proc/filesystems') ?? ''}\n`);
  add(
    overlay || host.exists('/sys/module/overlay')
      ? { name: 'overlayfs', status: 'pass', detail: 'overlay filesystem available', fatal: false }
      : { name: 'overlayfs', status: 'warn', detail: "overlay is not in /proc/filesystems: containerd's overlayfs snapshotter needs it", fix: 'modprobe overlay', fatal: false },
  );

  const iptables = firstLine(await host.run('/usr/sbin/iptables', ['--version']));
  add(
    iptables
      ? { name: 'iptables', status: 'pass', detail: iptables, fatal: false }
      : { name: 'iptables', status: ownRuntime ? 'fail' : 'warn', detail: '/usr/sbin/iptables not found: the CNI bridge, portmap and kube-proxy need it', fix: `${APT} iptables`, fatal: ownRuntime },
  );

  add(
    host.exists('/proc/self/ns/net')
      ? { name: 'network namespaces', status: 'pass', detail: '/proc/self/ns/net present', fatal: false }
      : { name: 'network namespaces', status: 'fail', detail: 'the kernel has no network namespaces (CONFIG_NET_NS)', fix: 'use a kernel built with CONFIG_NET_NS', fatal: false },
  );
  const forward = host.readFile('/proc/sys/net/ipv4/ip_forward')?.trim();
  add(
    forward === '1'
      ? { name: 'ip forwarding', status: 'pass', detail: 'net.ipv4.ip_forward = 1', fatal: false }
      : { name: 'ip forwarding', status: 'warn', detail: `net.ipv4.ip_forward = ${forward ?? '?'}: pods cannot reach beyond the node`, fix: 'sysctl -w net.ipv4.ip_forward=1', fatal: false },
  );
  add(
    host.exists('/proc/sys/net/bridge/bridge-nf-call-iptables')
      ? { name: 'br_netfilter', status: 'pass', detail: 'bridged traffic passes iptables', fatal: false }
      : { name: 'br_netfilter', status: 'warn', detail: 'bridge-nf-call-iptables missing: a pod reaching a Service backed by a pod on the same bridge may fail', fix: 'modprobe br_netfilter', fatal: false },
  );

  const status = host.readFile('/proc/self/status') ?? '';
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  const sysResource = capEff !== undefined && (BigInt(`0x${capEff}`) & (1n << 24n)) !== 0n;
  add({
    name: 'restrict_oom_score_adj',
    status: 'pass',
    detail: sysResource
      ? 'CAP_SYS_RESOURCE held: not needed (k1s sets it in containerd\'s config all the same)'
      : 'no CAP_SYS_RESOURCE (rootless or in a container): needed, and set in k1s\'s containerd config',
    fatal: false,
  });
}

/** --private-registry: readable, and YAML whose syntax errors are reported with line and column. */
function checkRegistries(path: string, host: Host): CheckResult {
  const text = host.readFile(path);
  if (text === undefined) return { name: 'private registry', status: 'fail', detail: `${path} cannot be read`, fix: 'create it or drop --private-registry', fatal: true };
  try {
    parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const linePos = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const where = linePos ? `${path}:${linePos.line}:${linePos.col}` : path;
    return { name: 'private registry', status: 'fail', detail: `${where}: invalid YAML: ${firstLine((err as Error).message).replace(/ at line \d+, column \d+:?$/, '')}`, fix: 'fix the file', fatal: true };
  }
  return { name: 'private registry', status: 'pass', detail: `${path} valid YAML`, fatal: false };
}

/** The report as `k1s check-config` prints it: `[pass] name: detail`, then `       fix: ...` under warn and fail. */
export function renderChecks(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`[${r.status}] ${r.name}: ${r.detail}`);
    if (r.fix !== undefined && r.status !== 'pass') lines.push(`       fix: ${r.fix}`);
  }
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  lines.push(`${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed`);
  return lines.join('\n') + '\n';
}

/**
 * `k1s server`'s preflight: runs the checks and throws StartupError for the first fatal failure
 * (`port 6443: in use by pid 123 (k1s server): stop pid 123, or choose another port with --https-listen-port`).
 */
export async function preflight(flags: ServerFlags, host: Host = realHost): Promise<void> {
  const failure = (await runChecks(flags, host, { preflight: true })).find((r) => r.fatal && r.status === 'fail');
  if (failure) throw new StartupError(`${failure.name}: ${failure.detail}${failure.fix !== undefined ? `: ${failure.fix}` : ''}`);
}

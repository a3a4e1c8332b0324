/**
 * What each k1s command does once main.ts has parsed its flags: one runner a command name (`images import`),
 * each loading the modules it needs on demand so `k1s --help` stays light.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEffectiveConfig } from './config-file.js';
import { errorLine, StartupError } from './error-line.js';
import { booleanFlag, stringFlag, type CommandDef, type ResolvedFlags } from './flags.js';
import { KUBERNETES_VERSION, K1S_VERSION } from './version.js';

/** A parsed command line: the command, its arguments as given, its effective flags, what goes on to another program. */
export interface RunContext {
  command: CommandDef;
  args: string[];
  flags: ResolvedFlags;
  passThrough: string[];
}

function dataDirOf(flags: ResolvedFlags): string {
  return resolve(stringFlag(flags, 'data-dir')!);
}

async function server({ command, args, flags }: RunContext): Promise<void> {
  if (booleanFlag(flags, 'print-config')) {
    // Cross-flag checks (cluster DNS inside the service CIDR) run before anything is printed.
    const { serverFlagsFrom } = await import('./server-flags.js');
    serverFlagsFrom(flags);
    process.stdout.write(renderEffectiveConfig(command, flags));
    return;
  }
  const { runServer } = await import('./server.js');
  await runServer(args);
  // Shutdown is bounded (shutdown.ts): exit now rather than wait for any handle a stuck step left open.
  process.exit(process.exitCode ?? 0);
}

async function checkConfig({ flags }: RunContext): Promise<void> {
  const { serverFlagsFrom } = await import('./server-flags.js');
  const { runChecks, renderChecks } = await import('./check-config.js');
  const results = await runChecks(serverFlagsFrom(flags));
  process.stdout.write(renderChecks(results));
  if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
}

async function images({ command, flags }: RunContext): Promise<void> {
  const { runImages } = await import('./images.js');
  const name = stringFlag(flags, 'name');
  await runImages(command.name === 'images import' ? 'import' : 'list', { dataDir: dataDirOf(flags), files: flags.positionals, ...(name !== undefined ? { name } : {}) });
}

async function killall({ flags }: RunContext): Promise<void> {
  const { runKillall } = await import('./killall.js');
  await runKillall(dataDirOf(flags));
}

/** `k1s kubectl`: --data-dir on the command line picks its kubeconfig; else $KUBECONFIG; else the data dir's. */
async function kubectl({ flags, passThrough }: RunContext): Promise<void> {
  const fromEnv = process.env['KUBECONFIG'];
  const kubeconfig = flags.sources.get('data-dir') === 'flag' || fromEnv === undefined ? join(dataDirOf(flags), 'kubeconfig.yaml') : fromEnv;
  const r = spawnSync('kubectl', passThrough, { stdio: 'inherit', env: { ...process.env, KUBECONFIG: kubeconfig } });
  if (r.error) throw new StartupError(`k1s kubectl: cannot run kubectl: ${errorLine(r.error)}: install kubectl and put it on PATH`, { cause: r.error });
  process.exitCode = r.status ?? 1;
}

/** `k1s ctr`: ctr with the data dir's containerd socket and the CRI namespace. */
async function ctr({ flags, passThrough }: RunContext): Promise<void> {
  const { runtimePaths } = await import('../containerd/paths.js');
  const dataDir = dataDirOf(flags);
  const socket = runtimePaths(dataDir).socket;
  if (!existsSync(socket)) throw new StartupError(`k1s ctr: no containerd socket at ${socket}: start 'k1s server --data-dir ${dataDir}' first`);
  const r = spawnSync('/usr/bin/ctr', ['--address', socket, '--namespace', 'k8s.io', ...passThrough], { stdio: 'inherit' });
  if (r.error) throw new StartupError(`k1s ctr: cannot run /usr/bin/ctr: ${errorLine(r.error)}: apt-get install -y containerd`, { cause: r.error });
  process.exitCode = r.status ?? 1;
}

async function crictl({ command, flags, passThrough }: RunContext): Promise<void> {
  const { runCrictl } = await import('./crictl.js');
  const tail = stringFlag(flags, 'tail');
  const seconds = stringFlag(flags, 'seconds');
  await runCrictl(command.name.slice('crictl '.length), {
    dataDir: dataDirOf(flags),
    args: [...flags.positionals, ...passThrough],
    all: booleanFlag(flags, 'all'),
    interactive: booleanFlag(flags, 'interactive'),
    tty: booleanFlag(flags, 'tty'),
    ...(tail !== undefined ? { tail: Number(tail) } : {}),
    ...(seconds !== undefined ? { seconds: Number(seconds) } : {}),
  });
}

/** `k1s lint FILE…`: exit 0 clean, 1 on a warning, 2 on unreadable input (lint.ts). */
async function lint({ flags }: RunContext): Promise<void> {
  const { runLint } = await import('./lint.js');
  process.exitCode = runLint(flags.positionals);
}

/** `k1s dashboard`: runs until SIGINT/SIGTERM (dashboard.ts). */
async function dashboard({ flags }: RunContext): Promise<void> {
  const { runDashboard } = await import('./dashboard.js');
  await runDashboard({
    kubeconfig: stringFlag(flags, 'kubeconfig'),
    dataDir: dataDirOf(flags),
    dataDirFromFlag: flags.sources.get('data-dir') === 'flag',
    port: Number(stringFlag(flags, 'port')),
    open: booleanFlag(flags, 'open'),
    env: process.env,
  });
}

async function install({ flags }: RunContext): Promise<void> {
  const { serverFlagsFrom } = await import('./server-flags.js');
  const { SERVER_FLAGS } = await import('./server-command.js');
  const { runInstall, systemdRunning } = await import('./install.js');
  serverFlagsFrom(flags);
  // Only what the command line said goes into ExecStart (normalized: absolute paths); the server reads the
  // env file and its config file itself.
  const serverArgs = SERVER_FLAGS.flatMap((f) => {
    const v = flags.values.get(f.name);
    if (flags.sources.get(f.name) !== 'flag' || v === undefined) return [];
    return typeof v === 'boolean' ? [v ? `--${f.name}` : `--${f.name}=false`] : [`--${f.name}`, v];
  });
  const systemdDir = stringFlag(flags, 'systemd-dir')!;
  const lines = await runInstall({
    nodePath: process.execPath,
    k1sBin: fileURLToPath(new URL('../../../bin/k1s', import.meta.url)),
    serverArgs,
    envFile: join(systemdDir, 'k1s.service.env'),
    systemdDir,
    env: process.env,
    systemd: systemdRunning() && !booleanFlag(flags, 'skip-start'),
  });
  for (const l of lines) console.log(l);
}

async function uninstall({ flags }: RunContext): Promise<void> {
  const { runUninstall, systemdRunning } = await import('./install.js');
  const r = await runUninstall({ dataDir: dataDirOf(flags), systemdDir: stringFlag(flags, 'systemd-dir')!, systemd: systemdRunning() });
  for (const f of r.removed) console.log(`removed ${f}`);
  for (const p of r.problems) process.stderr.write(`k1s uninstall: could not remove: ${p}\n`);
  if (r.problems.length) process.exitCode = 1;
}

async function version(): Promise<void> {
  console.log(`k1s version ${K1S_VERSION} (Kubernetes ${KUBERNETES_VERSION})`);
}

/** The runner of every command that has one, by full command name; commands.ts defines the same names. */
export const RUNNERS: Readonly<Record<string, (ctx: RunContext) => Promise<void>>> = {
  server,
  'check-config': checkConfig,
  'images import': images,
  'images list': images,
  killall,
  kubectl,
  ctr,
  ...Object.fromEntries(['pods', 'ps', 'images', 'inspect', 'inspectp', 'logs', 'stats', 'exec'].map((s) => [`crictl ${s}`, crictl])),
  lint,
  dashboard,
  install,
  uninstall,
  version,
};

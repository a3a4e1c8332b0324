/**
 * `k1s` command dispatcher: finds the command in the definitions (commands.ts), answers `--help`/`help CMD`
 * from them, parses its flags (command line > $K1S_… > config file > defaults) and runs it. Every failure is
 * one line on stderr and a non-zero exit code (2: bad usage; 1: the command failed); `--debug` or
 * $K1S_DEBUG adds the stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, parseCommand, requireCommand } from './commands.js';
import { renderEffectiveConfig } from './config-file.js';
import { errorLine, exitCodeOf, StartupError } from './error-line.js';
import { booleanFlag, stringFlag, UsageError, type CommandDef, type ResolvedFlags } from './flags.js';
import { renderCommandHelp, renderRootHelp } from './help.js';
import { KUBERNETES_VERSION, K1S_VERSION } from './version.js';

export { DEFAULT_DATA_DIR } from './common-flags.js';

const isHelp = (word: string | undefined) => word === '--help' || word === '-h';

/** Resolves `words` to a command: `images import` walks into subcommands. Returns the command and its arguments. */
function resolveCommand(argv: readonly string[]): { command: CommandDef; args: string[] } {
  let command = requireCommand(argv[0]!);
  let args = argv.slice(1);
  while (command.subcommands?.length) {
    const [word, ...rest] = args;
    if (word === undefined || isHelp(word)) return { command, args };
    command = requireCommand(word, command);
    args = rest;
  }
  return { command, args };
}

function dataDirOf(flags: ResolvedFlags): string {
  return resolve(stringFlag(flags, 'data-dir')!);
}

/** Runs the CLI with `argv` (without node and script). Resolves when a one-shot command ends; sets process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  try {
    await dispatch(argv);
  } catch (err) {
    const debug = argv.includes('--debug') || ['1', 'true', 'yes'].includes((process.env['K1S_DEBUG'] ?? '').toLowerCase());
    const known = err instanceof UsageError || err instanceof StartupError;
    const where = known ? '' : `k1s${argv[0] !== undefined && !argv[0].startsWith('-') ? ` ${argv[0]}` : ''}: `;
    process.stderr.write(`${where}${errorLine(err, { portFlag: '--https-listen-port' })}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = exitCodeOf(err);
  }
}

async function dispatch(argv: string[]): Promise<void> {
  const [first] = argv;
  if (first === undefined || isHelp(first)) {
    process.stdout.write(renderRootHelp(COMMANDS, K1S_VERSION));
    return;
  }
  if (first === '--version' || first === '-v') {
    printVersion();
    return;
  }
  if (first.startsWith('-')) throw new UsageError(`k1s: unknown flag ${first}; commands come first (see 'k1s --help')`);
  const { command, args } = resolveCommand(argv);
  if (command.subcommands?.length) {
    // `k1s images` alone: its help, on stdout when asked for, else on stderr as a usage error.
    if (isHelp(args[0])) process.stdout.write(renderCommandHelp(command));
    else {
      process.stderr.write(renderCommandHelp(command));
      process.exitCode = 2;
    }
    return;
  }
  if (command.name === 'help') {
    if (args.length === 0) process.stdout.write(renderRootHelp(COMMANDS, K1S_VERSION));
    else {
      const target = resolveCommand(args).command;
      process.stdout.write(renderCommandHelp(target));
    }
    return;
  }
  const parsed = parseCommand(command, args);
  if (parsed.help) {
    process.stdout.write(renderCommandHelp(command));
    return;
  }
  const flags = parsed.flags;
  switch (command.name) {
    case 'server': {
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
    // falls through (never: process.exit above)
    case 'check-config': {
      const { serverFlagsFrom } = await import('./server-flags.js');
      const { runChecks, renderChecks } = await import('./check-config.js');
      const results = await runChecks(serverFlagsFrom(flags));
      process.stdout.write(renderChecks(results));
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
      return;
    }
    case 'images import':
    case 'images list': {
      const { runImages } = await import('./images.js');
      const name = stringFlag(flags, 'name');
      await runImages(command.name === 'images import' ? 'import' : 'list', { dataDir: dataDirOf(flags), files: flags.positionals, ...(name !== undefined ? { name } : {}) });
      return;
    }
    case 'killall': {
      const { runKillall } = await import('./killall.js');
      await runKillall(dataDirOf(flags));
      return;
    }
    case 'kubectl': {
      // With --data-dir on the command line, that data dir's kubeconfig; else $KUBECONFIG; else the
      // (environment's, config file's or default) data dir's.
      const kubeconfig =
        flags.sources.get('data-dir') === 'flag' || process.env['KUBECONFIG'] === undefined ? join(dataDirOf(flags), 'kubeconfig.yaml') : process.env['KUBECONFIG'];
      const r = spawnSync('kubectl', parsed.passThrough, { stdio: 'inherit', env: { ...process.env, KUBECONFIG: kubeconfig } });
      if (r.error) throw new StartupError(`cannot run kubectl: ${errorLine(r.error)}: install kubectl and put it on PATH`, { cause: r.error });
      process.exitCode = r.status ?? 1;
      return;
    }
    case 'ctr': {
      const { runtimePaths } = await import('../containerd/paths.js');
      const socket = runtimePaths(dataDirOf(flags)).socket;
      if (!existsSync(socket)) throw new StartupError(`k1s ctr: no containerd socket at ${socket}: start 'k1s server --data-dir ${dataDirOf(flags)}' first`);
      const r = spawnSync('/usr/bin/ctr', ['--address', socket, '--namespace', 'k8s.io', ...parsed.passThrough], { stdio: 'inherit' });
      if (r.error) throw new StartupError(`k1s ctr: cannot run /usr/bin/ctr: ${errorLine(r.error)}: apt-get install -y containerd`, { cause: r.error });
      process.exitCode = r.status ?? 1;
      return;
    }
    case 'crictl pods':
    case 'crictl ps':
    case 'crictl images':
    case 'crictl inspect':
    case 'crictl inspectp':
    case 'crictl logs':
    case 'crictl exec': {
      const { runCrictl } = await import('./crictl.js');
      const tail = stringFlag(flags, 'tail');
      await runCrictl(command.name.slice('crictl '.length), {
        dataDir: dataDirOf(flags),
        args: [...flags.positionals, ...parsed.passThrough],
        all: booleanFlag(flags, 'all'),
        ...(tail !== undefined ? { tail: Number(tail) } : {}),
      });
      return;
    }
    case 'install': {
      const { serverFlagsFrom } = await import('./server-flags.js');
      const { SERVER_FLAGS } = await import('./server-command.js');
      const { runInstall, systemdRunning } = await import('./install.js');
      serverFlagsFrom(flags);
      // Only what the command line said goes into ExecStart (normalized: absolute paths); the server reads
      // the environment file and its config file itself.
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
      return;
    }
    case 'uninstall': {
      const { runUninstall, systemdRunning } = await import('./install.js');
      const r = await runUninstall({ dataDir: dataDirOf(flags), systemdDir: stringFlag(flags, 'systemd-dir')!, systemd: systemdRunning() });
      for (const f of r.removed) console.log(`removed ${f}`);
      for (const p of r.problems) process.stderr.write(`k1s uninstall: could not remove: ${p}\n`);
      if (r.problems.length) process.exitCode = 1;
      return;
    }
    case 'version':
      printVersion();
      return;
    default:
      throw new Error(`k1s: command "${command.name}" has a definition but no runner`);
  }
}

function printVersion(): void {
  console.log(`k1s version ${K1S_VERSION} (Kubernetes ${KUBERNETES_VERSION})`);
}

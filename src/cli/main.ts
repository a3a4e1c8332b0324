/**
 * `k1s` command dispatcher: finds the command in the definitions (commands.ts), answers `--help`/`help CMD`
 * from them, parses its flags (command line > $K1S_… > config file > defaults) and runs it. Every failure is
 * one line on stderr and a non-zero exit code (2: bad usage; 1: the command failed); `--debug` or
 * $K1S_DEBUG adds the stack trace.
 */
import { COMMANDS, parseCommand, requireCommand } from './commands.js';
import { errorLine, exitCodeOf, StartupError } from './error-line.js';
import { UsageError, type CommandDef } from './flags.js';
import { renderCommandHelp, renderRootHelp } from './help.js';
import { RUNNERS } from './runners.js';
import { K1S_VERSION } from './version.js';

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
    await dispatch(['version']);
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
  const runner = RUNNERS[command.name];
  if (!runner) throw new Error(`k1s: command "${command.name}" has a definition but no runner`);
  await runner({ command, args, flags: parsed.flags, passThrough: parsed.passThrough });
}


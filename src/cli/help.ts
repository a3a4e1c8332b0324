/**
 * Help text from the command definitions, in k3s's (urfave/cli's) layout: NAME, USAGE, DESCRIPTION,
 * COMMANDS, OPTIONS with `(group) meaning (default: "x") [$K1S_X]`; and the README's Markdown tables
 * from the same definitions.
 */
import { envVarOf, HELP_FLAG, type CommandDef, type FlagDef } from './flags.js';

/** `--data-dir DIR, -d DIR` (value flags) or `--debug` (switches): the left column of OPTIONS. */
export function flagSynopsis(flag: FlagDef): string {
  const value = flag.kind === 'string' ? ` ${flag.valueName ?? 'value'}` : '';
  return `--${flag.name}${value}${flag.short !== undefined ? `, -${flag.short}${value}` : ''}`;
}

/** The default as help shows it: `"/var/lib/k1s"`, `the host name`, or undefined for none (and for switches off). */
export function defaultText(flag: FlagDef): string | undefined {
  if (flag.defaultText !== undefined) return flag.defaultText;
  if (flag.default === undefined || typeof flag.default === 'function') return undefined;
  if (typeof flag.default === 'boolean') return flag.default ? 'true' : undefined;
  return JSON.stringify(flag.default);
}

/** The right column of OPTIONS: `(data) state directory (default: "/var/lib/k1s") [$K1S_DATA_DIR]`. */
export function flagUsage(flag: FlagDef): string {
  const parts = [];
  if (flag.group !== undefined) parts.push(`(${flag.group})`);
  parts.push(flag.usage);
  const def = defaultText(flag);
  if (def !== undefined) parts.push(`(default: ${def})`);
  const env = envVarOf(flag);
  if (env !== undefined) parts.push(`[$${env}]`);
  return parts.join(' ');
}

function columns(rows: Array<[string, string]>, indent = '   '): string {
  const width = Math.min(44, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows.map(([left, right]) => (left.length + 2 > width ? `${indent}${left}\n${indent}${' '.repeat(width)}${right}` : `${indent}${left.padEnd(width)}${right}`)).join('\n');
}

/** The usage line after `k1s`: `server [OPTIONS]`, `images import [OPTIONS] FILE…`, `images COMMAND [OPTIONS]`. */
export function usageLine(command: CommandDef): string {
  if (command.subcommands?.length) return `k1s ${command.name} COMMAND [OPTIONS]`;
  return `k1s ${command.name}${command.flags.length ? ' [OPTIONS]' : ''}${command.args !== undefined ? ` ${command.args}` : ''}`;
}

/** `k1s help CMD` / `k1s CMD --help`: the whole help of one command. */
export function renderCommandHelp(command: CommandDef): string {
  const out = [`NAME:\n   k1s ${command.name} - ${command.summary}`, `USAGE:\n   ${usageLine(command)}`];
  if (command.description !== undefined) out.push(`DESCRIPTION:\n${command.description.split('\n').map((l) => (l ? `   ${l}` : '')).join('\n')}`);
  if (command.subcommands?.length) {
    out.push(`COMMANDS:\n${columns(command.subcommands.map((s) => [s.name.slice(command.name.length + 1), s.summary]))}`);
  }
  const flags = [...command.flags, HELP_FLAG];
  out.push(`OPTIONS:\n${columns(flags.map((f) => [flagSynopsis(f), flagUsage(f)]))}`);
  return out.join('\n\n') + '\n';
}

/** `k1s --help`: name, usage, version, every command with its summary, global options. */
export function renderRootHelp(commands: readonly CommandDef[], version: string): string {
  const rows: Array<[string, string]> = commands.map((c) => [[c.name, ...(c.aliases ?? [])].join(', '), c.summary]);
  return [
    'NAME:\n   k1s - a single-node Kubernetes for multi-container pods',
    'USAGE:\n   k1s COMMAND [OPTIONS] [ARGS…]\n   k1s help COMMAND',
    `VERSION:\n   ${version}`,
    `COMMANDS:\n${columns(rows)}`,
    `GLOBAL OPTIONS:\n${columns([
      ['--help, -h', 'show help'],
      ['--version, -v', 'print the version'],
    ])}`,
  ].join('\n\n') + '\n';
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The README's table of one command's flags: flag, environment variable, default, meaning. */
export function renderMarkdownFlags(command: CommandDef): string {
  const rows = ['| flag | environment | default | meaning |', '|---|---|---|---|'];
  for (const f of command.flags) {
    const env = envVarOf(f);
    rows.push(`| ${markdownFlagName(f)} | ${env !== undefined ? `\`${env}\`` : '—'} | ${md(markdownDefault(f))} | ${md(f.usage)} |`);
  }
  return rows.join('\n') + '\n';
}

/** The README's table of commands: usage line and summary, subcommands on their own rows. */
export function renderMarkdownCommands(commands: readonly CommandDef[]): string {
  const rows = ['| command | what it does |', '|---|---|'];
  const add = (c: CommandDef) => {
    if (c.subcommands?.length) c.subcommands.forEach(add);
    else rows.push(`| \`${usageLine(c)}\` | ${md(c.summary)}${c.description !== undefined ? `. ${md(c.description.replace(/\s*\n\s*/g, ' '))}` : ''} |`);
  };
  commands.forEach(add);
  return rows.join('\n') + '\n';
}

/**
 * One table of the flags of `commands` and their subcommands, each flag once: flag, environment variable,
 * default, the commands that take it (a parent's name when all its subcommands do), meaning. For the README's
 * table of the commands other than `server`.
 */
export function renderMarkdownSharedFlags(commands: readonly CommandDef[]): string {
  const rows = ['| flag | environment | default | commands | meaning |', '|---|---|---|---|---|'];
  const flags = new Map<string, FlagDef>();
  const leavesOf = (c: CommandDef): CommandDef[] => (c.subcommands?.length ? c.subcommands.flatMap(leavesOf) : [c]);
  for (const c of commands) for (const leaf of leavesOf(c)) for (const f of leaf.flags) if (!flags.has(f.name)) flags.set(f.name, f);
  for (const f of flags.values()) {
    const names: string[] = [];
    for (const c of commands) {
      const leaves = leavesOf(c);
      const having = leaves.filter((l) => l.flags.some((g) => g.name === f.name));
      if (having.length === leaves.length) names.push(c.name);
      else names.push(...having.map((l) => l.name));
    }
    const env = envVarOf(f);
    rows.push(`| ${markdownFlagName(f)} | ${env !== undefined ? `\`${env}\`` : '—'} | ${md(markdownDefault(f))} | ${names.join(', ')} | ${md(f.usage)} |`);
  }
  return rows.join('\n') + '\n';
}

function markdownFlagName(f: FlagDef): string {
  return `\`--${f.name}${f.kind === 'string' ? ` ${f.valueName ?? 'value'}` : ''}\`${f.short !== undefined ? `, \`-${f.short}\`` : ''}`;
}

function markdownDefault(f: FlagDef): string {
  return f.defaultText ?? (typeof f.default === 'string' || typeof f.default === 'boolean' ? `\`${String(f.default)}\`` : '—');
}

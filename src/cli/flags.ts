/**
 * Flag definitions and the one parser every k1s command uses: command line, then environment, then config
 * file, then default, like k3s's urfave/cli flags (`--data-dir value, -d value ... [$K3S_DATA_DIR]`).
 *
 * A command's flag table is the single source of its parsing, its `--help`, its config-file keys and the
 * README's flag tables (help.ts renders them; help.test.ts checks the README against them).
 */
import { parseArgs } from 'node:util';

/** A flag's value: strings for value flags, booleans for switches. */
export type FlagValue = string | boolean;

/** Where an effective value came from, highest precedence first. */
export type FlagSource = 'flag' | 'env' | 'config' | 'default';

/** One flag of one command. */
export interface FlagDef {
  /** Long name without dashes, k3s's where k3s has one (`data-dir`); also the config-file key. */
  name: string;
  /** One-letter alias (`d` for `-d`). */
  short?: string;
  /** `string` takes a value (`--data-dir DIR`, `--data-dir=DIR`); `boolean` is a switch (`--debug`, `--debug=false`). */
  kind: 'string' | 'boolean';
  /** Placeholder of the value in help (`DIR`, `PORT`); default `value`, as k3s prints. */
  valueName?: string;
  /**
   * The value when no source sets it; a function for defaults computed at run time (the host name) or from
   * flags earlier in the table (`--cluster-dns` from `--service-cidr`), which it receives resolved.
   */
  default?: FlagValue | ((earlier: ReadonlyMap<string, FlagValue>) => FlagValue);
  /** How help and the README show a computed or absent default (`the host name`). */
  defaultText?: string;
  /** Environment variable read when the command line does not set the flag; `false` for none. Default K1S_<NAME>. */
  env?: string | false;
  /** k3s's help category, printed in parentheses before the usage: `data`, `listener`, `networking`. */
  group?: string;
  /** One line of meaning, for `--help` and the README. */
  usage: string;
  /** Returns why `value` is invalid, or undefined when it is valid (called for string flags from every source). */
  validate?: (value: string) => string | undefined;
  /** Turns a valid value into its canonical form (absolute path, lower case), applied to the value from every source. */
  normalize?: (value: string) => string;
  /** False for flags that make no sense in a config file (`--config` itself, `--print-config`). Default true. */
  configurable?: boolean;
  /**
   * True for a value flag that may repeat (k3s's string slices, `--kubelet-arg A --kubelet-arg B`; a list in the
   * config file): its value is every occurrence in order, joined by newlines (see {@link multipleValues}).
   */
  multiple?: boolean;
}

/** The occurrences of a `multiple` flag's value, in order (empty strings dropped). */
export function multipleValues(value: string | undefined): string[] {
  return (value ?? '').split('\n').filter((v) => v !== '');
}

/** A command (or subcommand) of the k1s CLI and its flag table. */
export interface CommandDef {
  /** Full name after `k1s`, words separated by spaces: `server`, `images import`. */
  name: string;
  /** Extra names (`h` for `help`). */
  aliases?: string[];
  /** What follows `[OPTIONS]` in the usage line: `FILE…`, `[ARGS…]`. */
  args?: string;
  /** One line for `k1s --help` and the README's command table. */
  summary: string;
  /** More lines for `k1s help CMD`, printed as DESCRIPTION. */
  description?: string;
  flags: FlagDef[];
  subcommands?: CommandDef[];
  /** True when unknown flags and arguments go on to another program (`k1s kubectl`, `k1s ctr`). */
  passThrough?: boolean;
  /** True when flags end at the first argument: the rest is a command line of its own (`k1s crictl exec ID ls -l`). */
  flagsEndAtFirstArg?: boolean;
}

/** A bad command line, environment value or config file: one line for the user, exit code 2 (as Go's flag package). */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** Flags every command understands without listing them. */
export const HELP_FLAG: FlagDef = { name: 'help', short: 'h', kind: 'boolean', env: false, configurable: false, usage: 'show help' };

/** The environment variable of a flag, or undefined: `data-dir` → `K1S_DATA_DIR` unless the flag names its own or none. */
export function envVarOf(flag: FlagDef): string | undefined {
  if (flag.env === false) return undefined;
  return flag.env ?? `K1S_${flag.name.toUpperCase().replace(/-/g, '_')}`;
}

/** Edit distance of two strings (insertions, deletions, substitutions, adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `input`, or undefined when none is plausibly meant: a candidate containing the
 * input or contained in it (`port` → `https-listen-port`) wins, else the smallest edit distance within
 * about a third of the input's length (at least 2).
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  if (needle.length >= 3) {
    const containing = candidates.filter((c) => c.includes(needle) || needle.includes(c));
    if (containing.length) return containing.sort((x, y) => Math.abs(x.length - needle.length) - Math.abs(y.length - needle.length))[0];
  }
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(needle.length / 3));
  for (const c of candidates) {
    const dist = editDistance(needle, c);
    if (dist <= bestDistance && (best === undefined || dist < bestDistance)) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}

/** What the command line itself says, before environment, config file and defaults. */
export interface CommandLine {
  /** Flag values given on the command line, by long name; the last occurrence wins. */
  values: Map<string, FlagValue>;
  positionals: string[];
  /** True when `--help` or `-h` was given: the caller prints help and ignores everything else. */
  help: boolean;
}

function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no' || t === '') return false;
  return undefined;
}

/**
 * Reads a command line against `command`'s flags. `--help`/`-h` anywhere short-circuits every other check.
 * Throws UsageError (one line naming the command) for an unknown flag (with the closest valid flag), a value
 * flag without a value (`--data-dir` last, or followed by another flag), a switch given a value that is not
 * true/false, an invalid value, or positional arguments a command without `args` does not take.
 */
export function parseCommandLine(command: CommandDef, argv: readonly string[]): CommandLine {
  const flags = [...command.flags, HELP_FLAG];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const f of flags) options[f.name] = { type: f.kind, ...(f.short !== undefined ? { short: f.short } : {}) };
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const byName = new Map(flags.map((f) => [f.name, f]));
  const where = `k1s ${command.name}`;
  const seeHelp = `see 'k1s ${command.name} --help'`;
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { values: new Map(), positionals: [], help: true };
  const values = new Map<string, FlagValue>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    const flag = byName.get(token.name);
    if (!flag) {
      const isShort = !token.rawName.startsWith('--');
      const guess = isShort ? undefined : closest(token.name, flags.map((f) => f.name));
      throw new UsageError(`${where}: unknown flag ${token.rawName}${guess ? ` (did you mean --${guess}?)` : ''}; ${seeHelp}`);
    }
    if (flag.kind === 'boolean') {
      if (token.value === undefined) values.set(flag.name, true);
      else {
        const b = parseBoolean(token.value);
        if (b === undefined) throw new UsageError(`${where}: invalid value "${token.value}" for --${flag.name}: want true or false`);
        values.set(flag.name, b);
      }
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-')) {
      const got = token.value === undefined ? '' : ` (got "${token.value}"; write --${flag.name}=${token.value} if you mean it)`;
      throw new UsageError(`${where}: flag ${token.rawName} needs a value${got}; ${seeHelp}`);
    }
    checkValue(command, flag, token.value, undefined);
    const prior = values.get(flag.name);
    values.set(flag.name, flag.multiple && typeof prior === 'string' ? `${prior}\n${token.value}` : token.value);
  }
  if (positionals.length && command.args === undefined && !command.passThrough) {
    throw new UsageError(`${where}: unexpected argument "${positionals[0]}"; ${seeHelp}`);
  }
  return { values, positionals, help: false };
}

/** Throws UsageError when `value` fails the flag's validation; `from` names where the value came from. */
export function checkValue(command: CommandDef, flag: FlagDef, value: string, from: string | undefined): void {
  const why = flag.validate?.(value);
  if (why !== undefined) throw new UsageError(`k1s ${command.name}: invalid value "${value}" for --${flag.name}${from !== undefined ? ` (from ${from})` : ''}: ${why}`);
}

/** The effective value of every flag that has one, with where it came from. */
export interface ResolvedFlags {
  values: Map<string, FlagValue>;
  sources: Map<string, FlagSource>;
  positionals: string[];
  /** The config file that was read, if any. */
  configFile?: string;
}

/** What resolveFlags reads besides the command line; injected so tests need neither process.env nor /etc. */
export interface FlagInputs {
  env: Readonly<Record<string, string | undefined>>;
  /** Flag values from a config file, by long name (config-file.ts), and the file's path. */
  config?: { path: string; values: Map<string, FlagValue> };
}

/**
 * Merges command line > environment > config file > default for every flag of `command`. Environment
 * values are validated like flags (booleans: true/false/1/0/yes/no). Throws UsageError naming the source
 * of an invalid value.
 */
export function resolveFlags(command: CommandDef, line: CommandLine, inputs: FlagInputs): ResolvedFlags {
  const values = new Map<string, FlagValue>();
  const sources = new Map<string, FlagSource>();
  for (const flag of command.flags) {
    const set = (value: FlagValue, source: FlagSource) => {
      values.set(flag.name, typeof value === 'string' && flag.normalize ? flag.normalize(value) : value);
      sources.set(flag.name, source);
    };
    const fromLine = line.values.get(flag.name);
    if (fromLine !== undefined) {
      set(fromLine, 'flag');
      continue;
    }
    const envName = envVarOf(flag);
    const fromEnv = envName !== undefined ? inputs.env[envName] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      if (flag.kind === 'boolean') {
        const b = parseBoolean(fromEnv);
        if (b === undefined) throw new UsageError(`k1s ${command.name}: invalid value "${fromEnv}" for --${flag.name} (from $${envName}): want true or false`);
        set(b, 'env');
      } else {
        checkValue(command, flag, fromEnv, `$${envName}`);
        set(fromEnv, 'env');
      }
      continue;
    }
    const fromConfig = flag.configurable === false ? undefined : inputs.config?.values.get(flag.name);
    if (fromConfig !== undefined) {
      if (typeof fromConfig === 'string') checkValue(command, flag, fromConfig, inputs.config!.path);
      set(fromConfig, 'config');
      continue;
    }
    if (flag.default !== undefined) set(typeof flag.default === 'function' ? flag.default(values) : flag.default, 'default');
  }
  return { values, sources, positionals: line.positionals, ...(inputs.config ? { configFile: inputs.config.path } : {}) };
}

/** The string value of `name` in `resolved`, or undefined; throws when the flag is a switch (a programming error). */
export function stringFlag(resolved: ResolvedFlags, name: string): string | undefined {
  const v = resolved.values.get(name);
  if (typeof v === 'boolean') throw new Error(`flag --${name} is a switch, not a value flag`);
  return v;
}

/** The boolean value of `name` in `resolved` (false when unset). */
export function booleanFlag(resolved: ResolvedFlags, name: string): boolean {
  return resolved.values.get(name) === true;
}

/**
 * The k1s config file, as k3s's /etc/rancher/k3s/config.yaml: a YAML mapping whose keys are the long flag
 * names without dashes (`data-dir: /srv/k1s`, `https-listen-port: 6443`, `disable-default-registry-endpoint:
 * true`). One file serves every command: each takes the keys it has flags for; a key no command knows is an
 * error naming its line and the closest key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import { CONFIG_FLAG, DEFAULT_CONFIG_FILE } from './common-flags.js';
import { closest, envVarOf, UsageError, type CommandDef, type FlagValue, type ResolvedFlags } from './flags.js';

/**
 * Reads a config file's text into flag values for `command`. Keys `command` has no flag for are skipped
 * when another command has one (`allKeys`), so one file serves `server` and `images`. Values are taken as
 * written (YAML failsafe schema: `0644` stays "0644"); switches accept true/false/yes/no/1/0.
 * Throws UsageError `FILE:LINE:COL: ...` on YAML syntax errors, a document that is not a mapping, a list or
 * mapping value, an unknown key (with the closest known key) or a switch given another word.
 */
export function parseConfigText(path: string, text: string, command: CommandDef, allKeys: ReadonlySet<string>): Map<string, FlagValue> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return path;
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  const firstError = doc.errors[0];
  if (firstError) throw new UsageError(`${at(firstError.pos[0])}: invalid YAML: ${firstError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  const values = new Map<string, FlagValue>();
  if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === '' || doc.contents.value === null))) return values;
  if (!isMap(doc.contents)) throw new UsageError(`${at(doc.contents.range?.[0])}: the config file must be a mapping of flag names to values`);
  const byName = new Map(command.flags.filter((f) => f.configurable !== false).map((f) => [f.name, f]));
  for (const pair of doc.contents.items) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const keyPos = isScalar(keyNode) ? keyNode.range?.[0] : undefined;
    const flag = byName.get(key);
    if (!flag) {
      if (allKeys.has(key)) continue;
      const guess = closest(key, [...allKeys]);
      throw new UsageError(`${at(keyPos)}: unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}; keys are the long flag names of 'k1s help server'`);
    }
    const valueNode = pair.value;
    if (flag.multiple && isSeq(valueNode) && valueNode.items.every((i) => isScalar(i))) {
      values.set(key, valueNode.items.map((i) => String((i as { value: unknown }).value)).join('\n'));
      continue;
    }
    if (!isScalar(valueNode)) {
      throw new UsageError(`${at(keyPos)}: "${key}" takes a single value, not a ${valueNode === null ? 'null' : isMap(valueNode) ? 'mapping' : 'list'}`);
    }
    const raw = String(valueNode.value);
    if (flag.kind === 'boolean') {
      const t = raw.trim().toLowerCase();
      if (['true', 'yes', '1'].includes(t)) values.set(key, true);
      else if (['false', 'no', '0'].includes(t)) values.set(key, false);
      else throw new UsageError(`${at(valueNode.range?.[0])}: "${key}" is a switch: want true or false, got "${raw}"`);
    } else {
      values.set(key, raw);
    }
  }
  return values;
}

/**
 * Which config file a command reads: `--config`, else $K1S_CONFIG_FILE, else DEFAULT_CONFIG_FILE when it
 * exists (undefined otherwise). `explicit` is true when the user named the file, which then must exist.
 */
export function configFilePath(
  fromFlag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  defaultPath = DEFAULT_CONFIG_FILE,
): { path: string; explicit: boolean } | undefined {
  if (fromFlag !== undefined) return { path: fromFlag, explicit: true };
  const fromEnv = env[envVarOf(CONFIG_FLAG)!];
  if (fromEnv !== undefined && fromEnv !== '') return { path: fromEnv, explicit: true };
  return existsSync(defaultPath) ? { path: defaultPath, explicit: false } : undefined;
}

/**
 * Reads the config file at `path` for `command` (see parseConfigText). Throws UsageError when it cannot be
 * read ("config file \"/x\" not found") or is invalid.
 */
export function loadConfigFile(path: string, command: CommandDef, allKeys: ReadonlySet<string>): Map<string, FlagValue> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new UsageError(`k1s ${command.name}: cannot read config file "${path}": ${why}`, { cause: err });
  }
  return parseConfigText(path, text, command, allKeys);
}

/**
 * `--print-config`: the effective configuration of `command` as a config file (keys in flag-table order),
 * each line commented with where its value came from; unset flags appear commented out. Reading the output
 * back with --config yields the same configuration.
 */
export function renderEffectiveConfig(command: CommandDef, resolved: ResolvedFlags): string {
  const lines = [`# k1s ${command.name}: effective configuration (flags > environment > config file > defaults)`];
  if (resolved.configFile !== undefined) lines.push(`# config file: ${resolved.configFile}`);
  for (const flag of command.flags) {
    if (flag.configurable === false) continue;
    const value = resolved.values.get(flag.name);
    if (value === undefined) {
      lines.push(`# ${flag.name}: (unset)`);
      continue;
    }
    const source = resolved.sources.get(flag.name);
    const from = source === 'env' ? `$${envVarOf(flag)}` : source === 'config' ? 'config file' : source === 'flag' ? 'command line' : 'default';
    if (flag.multiple && typeof value === 'string') {
      // A repeatable flag is a list, its comment on the key's line (a block scalar would swallow it).
      lines.push(`${flag.name}:  # ${from}`);
      for (const item of value.split('\n')) lines.push(`  - ${stringify(item, { lineWidth: 0 }).trimEnd()}`);
      continue;
    }
    lines.push(`${stringify({ [flag.name]: value }, { lineWidth: 0 }).trimEnd()}  # ${from}`);
  }
  return lines.join('\n') + '\n';
}

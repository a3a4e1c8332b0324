import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFIG_KEYS, findCommand, parseCommand } from './commands.js';
import { parseConfigText, renderEffectiveConfig } from './config-file.js';
import { UsageError } from './flags.js';

const server = findCommand(['server'])!;
const imagesList = findCommand(['images', 'list'])!;

const usage = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof UsageError && err.exitCode === 2 && pattern.test(err.message));

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-config-test-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

test('parseConfigText takes long flag names as keys, values as written, switches as true/false', () => {
  const values = parseConfigText('/c.yaml', 'data-dir: /srv/k1s\nhttps-listen-port: 06443\ndisable-default-registry-endpoint: yes\n', server, CONFIG_KEYS);
  assert.deepEqual([...values], [
    ['data-dir', '/srv/k1s'],
    ['https-listen-port', '06443'],
    ['disable-default-registry-endpoint', true],
  ]);
});

test('parseConfigText skips keys another command has (one file serves every command)', () => {
  const values = parseConfigText('/c.yaml', 'data-dir: /srv/k1s\ncluster-cidr: 10.50.0.0/16\n', imagesList, CONFIG_KEYS);
  assert.deepEqual([...values], [['data-dir', '/srv/k1s']]);
});

test('parseConfigText names the line, column and closest key of an unknown key', () => {
  usage(() => parseConfigText('/c.yaml', 'data-dir: /x\n  \nclustr-cidr: 10.1.0.0/16\n', server, CONFIG_KEYS), /^\/c\.yaml:3:1: unknown key "clustr-cidr" \(did you mean "cluster-cidr"\?\)/);
});

test('parseConfigText refuses YAML errors, non-mappings, lists and bad switches with their position', () => {
  usage(() => parseConfigText('/c.yaml', 'data-dir: [unclosed\n', server, CONFIG_KEYS), /^\/c\.yaml:\d+:\d+: invalid YAML: /);
  usage(() => parseConfigText('/c.yaml', '- data-dir\n', server, CONFIG_KEYS), /^\/c\.yaml:1:1: the config file must be a mapping/);
  usage(() => parseConfigText('/c.yaml', 'node-name:\n  - a\n  - b\n', server, CONFIG_KEYS), /^\/c\.yaml:1:1: "node-name" takes a single value, not a list/);
  usage(() => parseConfigText('/c.yaml', 'debug: loud\n', server, CONFIG_KEYS), /^\/c\.yaml:1:8: "debug" is a switch: want true or false, got "loud"/);
  usage(() => parseConfigText('/c.yaml', 'print-config: true\n', server, CONFIG_KEYS), /unknown key "print-config"/);
});

test('parseConfigText reads an empty file as no settings', () => {
  assert.equal(parseConfigText('/c.yaml', '# nothing yet\n', server, CONFIG_KEYS).size, 0);
});

test('parseCommand reads --config, and the command line and environment override the file', () => {
  using t = tempDir();
  const file = join(t.dir, 'config.yaml');
  writeFileSync(file, 'data-dir: /srv/from-file\nnode-name: File-Node\nhttps-listen-port: 7000\n');
  const parsed = parseCommand(server, ['--config', file, '--https-listen-port', '7001'], { env: { K1S_NODE_NAME: 'env-node' }, defaultConfigFile: join(t.dir, 'absent.yaml') });
  assert.equal(parsed.help, false);
  if (parsed.help) return;
  assert.equal(parsed.flags.values.get('data-dir'), '/srv/from-file');
  assert.equal(parsed.flags.values.get('node-name'), 'env-node');
  assert.equal(parsed.flags.values.get('https-listen-port'), '7001');
  assert.equal(parsed.flags.configFile, file);
});

test('parseCommand reads the default config file only when it exists, and $K1S_CONFIG_FILE instead of it', () => {
  using t = tempDir();
  const byDefault = join(t.dir, 'default.yaml');
  const byEnv = join(t.dir, 'env.yaml');
  writeFileSync(byDefault, 'cluster-cidr: 10.50.0.0/16\n');
  writeFileSync(byEnv, 'cluster-cidr: 10.60.0.0/16\n');
  const read = (env: Record<string, string>, defaultConfigFile: string) => {
    const p = parseCommand(server, [], { env, defaultConfigFile });
    return p.help ? undefined : p.flags.values.get('cluster-cidr');
  };
  assert.equal(read({}, byDefault), '10.50.0.0/16');
  assert.equal(read({}, join(t.dir, 'absent.yaml')), '10.42.0.0/16');
  assert.equal(read({ K1S_CONFIG_FILE: byEnv }, byDefault), '10.60.0.0/16');
});

test('parseCommand refuses a config file named on the command line that does not exist', () => {
  usage(() => parseCommand(server, ['--config', '/nonexistent/k1s.yaml'], { env: {} }), /^k1s server: cannot read config file "\/nonexistent\/k1s\.yaml": not found$/);
});

test('renderEffectiveConfig prints every key with its source, and reads back as the same configuration', () => {
  using t = tempDir();
  const inputs = { env: { K1S_SERVICE_CIDR: '10.90.0.0/16' }, defaultConfigFile: join(t.dir, 'absent.yaml') };
  const first = parseCommand(server, ['--node-name', 'n1', '--cluster-dns', '10.90.0.10', '--disable-default-registry-endpoint'], inputs);
  if (first.help) throw new Error('unexpected help');
  const text = renderEffectiveConfig(server, first.flags);
  assert.match(text, /^node-name: n1 {2}# command line$/m);
  assert.match(text, /^service-cidr: 10\.90\.0\.0\/16 {2}# \$K1S_SERVICE_CIDR$/m);
  assert.match(text, /^cluster-domain: cluster\.local {2}# default$/m);
  assert.match(text, /^# private-registry: \(unset\)$/m);
  const file = join(t.dir, 'printed.yaml');
  writeFileSync(file, text);
  const second = parseCommand(server, ['--config', file], { env: {} });
  if (second.help) throw new Error('unexpected help');
  assert.deepEqual([...second.flags.values].filter(([k]) => k !== 'config'), [...first.flags.values]);
  assert.equal(second.flags.values.get('config'), file);
});

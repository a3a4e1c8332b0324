import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, parseCommandLine, resolveFlags, UsageError, type CommandDef } from './flags.js';
import { validatePort } from './validators.js';

const demo: CommandDef = {
  name: 'demo',
  summary: 'a command for tests',
  flags: [
    { name: 'data-dir', short: 'd', kind: 'string', default: '/var/lib/demo', usage: 'state', normalize: (v) => v.replace(/\/+$/, '') },
    { name: 'https-listen-port', kind: 'string', default: '6443', usage: 'port', validate: validatePort },
    { name: 'verbose', kind: 'boolean', default: false, usage: 'talk' },
    { name: 'token', kind: 'string', env: 'DEMO_TOKEN', usage: 'secret' },
    { name: 'local-only', kind: 'string', env: false, usage: 'no env' },
  ],
};

const usage = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof UsageError && err.exitCode === 2 && pattern.test(err.message));

test('parseCommandLine takes --flag VALUE, --flag=VALUE, -d VALUE, and the last of repeated flags', () => {
  const line = parseCommandLine(demo, ['--data-dir', '/a', '--https-listen-port=7443', '-d', '/b', '--verbose']);
  assert.equal(line.values.get('data-dir'), '/b');
  assert.equal(line.values.get('https-listen-port'), '7443');
  assert.equal(line.values.get('verbose'), true);
  assert.equal(line.help, false);
});

test('parseCommandLine reads a switch given =false as off and refuses other words', () => {
  assert.equal(parseCommandLine(demo, ['--verbose=false']).values.get('verbose'), false);
  usage(() => parseCommandLine(demo, ['--verbose=maybe']), /^k1s demo: invalid value "maybe" for --verbose: want true or false$/);
});

test('parseCommandLine names the closest valid flag for a misspelt or partial one', () => {
  usage(() => parseCommandLine(demo, ['--data-dri', '/x']), /^k1s demo: unknown flag --data-dri \(did you mean --data-dir\?\); see 'k1s demo --help'$/);
  usage(() => parseCommandLine(demo, ['--port', '1']), /unknown flag --port \(did you mean --https-listen-port\?\)/);
  usage(() => parseCommandLine(demo, ['--zzzzzzzz']), /^k1s demo: unknown flag --zzzzzzzz; see 'k1s demo --help'$/);
});

test('parseCommandLine refuses a value flag with no value, or followed by another flag', () => {
  usage(() => parseCommandLine(demo, ['--data-dir']), /^k1s demo: flag --data-dir needs a value; see/);
  usage(() => parseCommandLine(demo, ['--data-dir', '--verbose']), /flag --data-dir needs a value \(got "--verbose"; write --data-dir=--verbose if you mean it\)/);
  assert.equal(parseCommandLine(demo, ['--data-dir=--odd']).values.get('data-dir'), '--odd');
});

test('parseCommandLine validates values and refuses positional arguments the command does not take', () => {
  usage(() => parseCommandLine(demo, ['--https-listen-port', '70000']), /^k1s demo: invalid value "70000" for --https-listen-port: must be a port number 1-65535$/);
  usage(() => parseCommandLine(demo, ['stray']), /^k1s demo: unexpected argument "stray"/);
});

test('parseCommandLine answers help for -h or --help anywhere, whatever else is wrong', () => {
  assert.equal(parseCommandLine(demo, ['--bogus', '-h']).help, true);
  assert.equal(parseCommandLine(demo, ['--data-dir', '/x', '--help']).help, true);
});

test('resolveFlags: command line over environment over config file over default', () => {
  const line = parseCommandLine(demo, ['--data-dir', '/from/flag']);
  const config = { path: '/etc/demo.yaml', values: new Map<string, string | boolean>([['data-dir', '/from/config'], ['https-listen-port', '1111'], ['token', 'cfg']]) };
  const r = resolveFlags(demo, line, { env: { K1S_DATA_DIR: '/from/env', K1S_HTTPS_LISTEN_PORT: '2222' }, config });
  assert.equal(r.values.get('data-dir'), '/from/flag');
  assert.equal(r.sources.get('data-dir'), 'flag');
  assert.equal(r.values.get('https-listen-port'), '2222');
  assert.equal(r.sources.get('https-listen-port'), 'env');
  assert.equal(r.values.get('token'), 'cfg');
  assert.equal(r.sources.get('token'), 'config');
  assert.equal(r.values.get('verbose'), false);
  assert.equal(r.sources.get('verbose'), 'default');
  assert.equal(r.values.has('local-only'), false);
  assert.equal(r.configFile, '/etc/demo.yaml');
});

test('resolveFlags reads a flag\'s own environment variable, none for env: false, and normalizes every source', () => {
  const r = resolveFlags(demo, parseCommandLine(demo, []), { env: { DEMO_TOKEN: 't', K1S_TOKEN: 'wrong', K1S_LOCAL_ONLY: 'x', K1S_DATA_DIR: '/env/dir///' } });
  assert.equal(r.values.get('token'), 't');
  assert.equal(r.values.has('local-only'), false);
  assert.equal(r.values.get('data-dir'), '/env/dir');
});

test('resolveFlags names the environment variable or config file an invalid value came from', () => {
  usage(() => resolveFlags(demo, parseCommandLine(demo, []), { env: { K1S_HTTPS_LISTEN_PORT: 'http' } }), /invalid value "http" for --https-listen-port \(from \$K1S_HTTPS_LISTEN_PORT\)/);
  usage(() => resolveFlags(demo, parseCommandLine(demo, []), { env: { K1S_VERBOSE: 'loud' } }), /--verbose \(from \$K1S_VERBOSE\): want true or false/);
  const config = { path: '/etc/demo.yaml', values: new Map<string, string | boolean>([['https-listen-port', '0']]) };
  usage(() => resolveFlags(demo, parseCommandLine(demo, []), { env: {}, config }), /--https-listen-port \(from \/etc\/demo\.yaml\)/);
});

test('closest prefers a name containing the input, then the smallest edit distance, else nothing', () => {
  const names = ['data-dir', 'https-listen-port', 'node-name', 'cluster-cidr', 'service-cidr'];
  assert.equal(closest('port', names), 'https-listen-port');
  assert.equal(closest('nod-name', names), 'node-name');
  assert.equal(closest('clustre-cidr', names), 'cluster-cidr');
  assert.equal(closest('xyz', names), undefined);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS, CONFIG_KEYS, findCommand, splitAtFirstArg, splitPassThrough } from './commands.js';
import type { CommandDef } from './flags.js';
import { RUNNERS } from './runners.js';

const leaves = (list: readonly CommandDef[]): CommandDef[] => list.flatMap((c) => (c.subcommands?.length ? leaves(c.subcommands) : [c]));

test('every command has a runner and every runner a command (help is main.ts\'s own)', () => {
  const names = leaves(COMMANDS).map((c) => c.name).filter((n) => n !== 'help').sort();
  assert.deepEqual(Object.keys(RUNNERS).sort(), names);
});

test('no command defines a flag twice, and the config file keys include the new server flags', () => {
  for (const c of leaves(COMMANDS)) {
    const names = c.flags.map((f) => f.name);
    assert.deepEqual(names, [...new Set(names)], c.name);
    const shorts = c.flags.flatMap((f) => (f.short !== undefined ? [f.short] : []));
    assert.deepEqual(shorts, [...new Set(shorts)], c.name);
    assert.equal(shorts.includes('h'), false, `${c.name}: -h is help`);
  }
  for (const key of ['service-cidr', 'cluster-dns', 'cluster-domain', 'resolv-conf', 'service-node-port-range']) assert.ok(CONFIG_KEYS.has(key), key);
  assert.equal(CONFIG_KEYS.has('print-config'), false);
});

test('splitPassThrough takes only its own long flags out of a kubectl command line', () => {
  const kubectl = findCommand(['kubectl'])!;
  assert.deepEqual(splitPassThrough(kubectl, ['get', 'pods', '--data-dir', '/d', '-n', 'kube-system', '--config=/c.yaml', '-c', 'app']), {
    own: ['--data-dir', '/d', '--config=/c.yaml'],
    rest: ['get', 'pods', '-n', 'kube-system', '-c', 'app'],
  });
});

test('splitAtFirstArg ends crictl exec\'s flags at the container id, so the command keeps its own', () => {
  const exec = findCommand(['crictl', 'exec'])!;
  assert.deepEqual(splitAtFirstArg(exec, ['--data-dir', '/d', 'abc', 'ls', '-la', '--data-dir']), { own: ['--data-dir', '/d'], rest: ['abc', 'ls', '-la', '--data-dir'] });
  assert.deepEqual(splitAtFirstArg(exec, ['-d', '/d', '--', '-weird-id', 'sh']), { own: ['-d', '/d'], rest: ['-weird-id', 'sh'] });
});

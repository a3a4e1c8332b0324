import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { COMMANDS, findCommand } from './commands.js';
import { flagSynopsis, flagUsage, renderCommandHelp, renderRootHelp } from './help.js';
import { updateReadme } from './readme.js';

const server = findCommand(['server'])!;

test('renderCommandHelp gives every flag of k1s server one line: synopsis, then group, usage, default and environment variable', () => {
  const help = renderCommandHelp(server);
  for (const flag of server.flags) {
    const line = help.split('\n').find((l) => l.trimStart().startsWith(`${flagSynopsis(flag)} `));
    assert.ok(line, `--${flag.name} missing from help`);
    assert.ok(line.endsWith(flagUsage(flag)), `--${flag.name}: ${line}`);
    assert.ok(flagUsage(flag).includes(flag.usage));
  }
  assert.match(help, /^ {3}--help, -h +show help$/m);
  assert.match(help, /^ {3}--print-config +\(config\) print the effective configuration .* and exit$/m);
});

test("renderCommandHelp shows k3s's defaults for the service and DNS flags", () => {
  const help = renderCommandHelp(server);
  assert.match(help, /--service-cidr CIDR .*\(default: "10\.43\.0\.0\/16"\) \[\$K1S_SERVICE_CIDR\]/);
  assert.match(help, /--cluster-dns IP .*\(default: the 10th address of --service-cidr: "10\.43\.0\.10"\)/);
  assert.match(help, /--cluster-domain DOMAIN .*\(default: "cluster\.local"\)/);
  assert.match(help, /--resolv-conf FILE .*\(default: "\/etc\/resolv\.conf"\)/);
  assert.match(help, /--service-node-port-range RANGE .*\(default: "30000-32767"\)/);
  assert.match(help, /--data-dir DIR, -d DIR +\(data\) .*\(default: "\/var\/lib\/k1s"\) \[\$K1S_DATA_DIR\]/);
});

test('renderRootHelp lists every command with its summary', () => {
  const help = renderRootHelp(COMMANDS, '9.9.9');
  for (const c of COMMANDS) assert.match(help, new RegExp(`^ {3}${c.name}(, \\w+)? +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  assert.match(help, /^VERSION:\n {3}9\.9\.9$/m);
});

test("the README's command and flag tables are the ones the definitions generate", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  assert.equal(
    readme,
    updateReadme(readme),
    'README.md is out of date: run  node -e "import(\'./dist/src/cli/readme.js\').then((m) => m.writeReadme(\'README.md\'))"',
  );
});

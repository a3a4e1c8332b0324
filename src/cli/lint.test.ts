/** Tests of `k1s lint`: output lines, exit codes, directories and unreadable input, on injected files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from './flags.js';
import { runLint, type LintIo } from './lint.js';

const twoPorts = `apiVersion: v1
kind: Pod
metadata:
  name: two-ports
spec:
  containers:
  - {name: app1, image: nginx, ports: [{containerPort: 8080}]}
  - {name: app2, image: httpd, ports: [{containerPort: 8080}]}
`;
const clean = `apiVersion: v1
kind: Pod
metadata:
  name: fine
spec:
  containers:
  - {name: app, image: nginx}
`;

/** Files by path (a directory is a list of paths); what was printed. */
function fakeIo(files: Record<string, string | string[]>): LintIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    read(path) {
      const f = files[path];
      if (typeof f !== 'string') throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT', path });
      return f;
    },
    list: (path) => {
      const f = files[path];
      return Array.isArray(f) ? f : undefined;
    },
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
  };
}

test('k1s lint prints FILE:LINE: Kind/name: warning and exits 1 on a warning, 0 when clean', () => {
  const io = fakeIo({ 'bad.yaml': `${clean}---\n${twoPorts}`, 'ok.yaml': clean });
  assert.equal(runLint(['bad.yaml'], io), 1);
  assert.equal(io.stdout.length, 1);
  assert.match(io.stdout[0]!, /^bad\.yaml:9: Pod\/two-ports: spec\.containers\[1\]\.ports\[0\]: \[PortConflict\] containers "app1" and "app2" both declare containerPort 8080\/TCP/);
  assert.deepEqual(io.stderr, ['k1s lint: 1 warning (docs/warnings.md explains each code)']);
  const quiet = fakeIo({ 'ok.yaml': clean });
  assert.equal(runLint(['ok.yaml'], quiet), 0);
  assert.deepEqual([quiet.stdout, quiet.stderr], [[], []]);
});

test('k1s lint reads the manifests of a directory', () => {
  const io = fakeIo({ dir: ['dir/a.yaml', 'dir/b.yaml'], 'dir/a.yaml': clean, 'dir/b.yaml': twoPorts });
  assert.equal(runLint(['dir'], io), 1);
  assert.deepEqual(io.stdout.map((l) => l.slice(0, l.indexOf(': spec'))), ['dir/b.yaml:1: Pod/two-ports']);
});

test('k1s lint exits 2 for a missing file or broken YAML, still linting the other files', () => {
  const io = fakeIo({ 'broken.yaml': 'kind: Pod\nspec: [\n', 'bad.yaml': twoPorts });
  assert.equal(runLint(['missing.yaml', 'broken.yaml', 'bad.yaml'], io), 2);
  assert.equal(io.stdout.length, 1);
  assert.match(io.stderr[0]!, /^k1s lint: missing\.yaml: cannot read: .*no such file or directory/);
  assert.match(io.stderr[1]!, /^k1s lint: broken\.yaml:\d+: cannot parse: /);
});

test('k1s lint exits 2 for a directory without manifests', () => {
  const io = fakeIo({ empty: [] });
  assert.equal(runLint(['empty'], io), 2);
  assert.deepEqual(io.stderr, ['k1s lint: empty: no .yaml, .yml or .json files in this directory']);
});

test('k1s lint without files is a usage error', () => {
  assert.throws(() => runLint([], fakeIo({})), UsageError);
});

// bin/k1s run as a user runs it (a child process on the built dist/), its output and exit code checked.
// Nothing here starts containerd: help, usage errors, --print-config and refusals all end before that.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findCommand } from './commands.js';
import { flagSynopsis } from './help.js';

const k1sBin = fileURLToPath(new URL('../../../bin/k1s', import.meta.url));
// An empty config file stands in for /etc/k1s/config.yaml, so this machine's own never leaks in.
const scratch = mkdtempSync(join(tmpdir(), 'k1s-cli-test-'));
const emptyConfig = join(scratch, 'empty.yaml');
writeFileSync(emptyConfig, '');
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs bin/k1s with `args`; the environment has no K1S_* and an empty config file unless given. */
function k1s(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('K1S_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [k1sBin, ...args], { env: { ...clean, K1S_CONFIG_FILE: emptyConfig, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('k1s server --help and -h print every server flag on stdout and exit 0', async () => {
  for (const flag of ['--help', '-h']) {
    const r = await k1s(['server', flag]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^NAME:\n {3}k1s server - /);
    for (const f of findCommand(['server'])!.flags) assert.ok(r.stdout.includes(`   ${flagSynopsis(f)} `), `${flag}: --${f.name}`);
  }
});

test('k1s --help lists the commands; k1s help images import shows that subcommand', async () => {
  const root = await k1s(['--help']);
  assert.equal(root.code, 0);
  assert.match(root.stdout, /^ {3}server +run the API server/m);
  assert.match(root.stdout, /^ {3}check-config +/m);
  const sub = await k1s(['help', 'images', 'import']);
  assert.equal(sub.code, 0);
  assert.match(sub.stdout, /^USAGE:\n {3}k1s images import \[OPTIONS\] FILE…$/m);
  assert.match(sub.stdout, /--name REPO/);
});

test('an unknown flag is one line on stderr with the closest valid flag, and exit code 2', async () => {
  const r = await k1s(['server', '--data-dri', '/tmp/x']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "k1s server: unknown flag --data-dri (did you mean --data-dir?); see 'k1s server --help'\n");
  const cmd = await k1s(['serve']);
  assert.equal(cmd.code, 2);
  assert.equal(cmd.stderr, `k1s: unknown command "serve" (did you mean "server"?); see 'k1s --help'\n`);
});

test('k1s server --print-config merges flags, environment and the config file, and prints their sources', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-cli-test-'));
  try {
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'data-dir: /srv/from-file\nhttps-listen-port: 7000\ncluster-domain: file.local\n');
    const r = await k1s(['server', '--print-config', '--https-listen-port', '7001'], { K1S_CONFIG_FILE: config, K1S_CLUSTER_DOMAIN: 'env.local' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^data-dir: \/srv\/from-file {2}# config file$/m);
    assert.match(r.stdout, /^https-listen-port: "7001" {2}# command line$/m);
    assert.match(r.stdout, /^cluster-domain: env\.local {2}# \$K1S_CLUSTER_DOMAIN$/m);
    assert.match(r.stdout, /^service-cidr: 10\.43\.0\.0\/16 {2}# default$/m);
    writeFileSync(config, 'data-dir: /srv\nhttps-listen-prot: 7000\n');
    const bad = await k1s(['server', '--print-config', '--config', config]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, `${config}:2:1: unknown key "https-listen-prot" (did you mean "https-listen-port"?); keys are the long flag names of 'k1s help server'\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('k1s server on a busy port refuses in one line naming the port and the process holding it, exit code 1', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'k1s-cli-test-'));
  try {
    // An external runtime endpoint: the binaries are not needed, so the port is the first fatal check.
    const r = await k1s(['server', '--data-dir', join(dir, 'data'), '--https-listen-port', String(port), '--container-runtime-endpoint', join(dir, 'none.sock')]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^port ${port}: in use by pid ${process.pid} \\(.*\\): stop pid ${process.pid}, or choose another port with --https-listen-port\\n$`));
  } finally {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('k1s images import of a missing file says so in one line, before any runtime starts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-cli-test-'));
  try {
    const r = await k1s(['images', 'import', '--data-dir', join(dir, 'data'), join(dir, 'busybox.tar')]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `k1s images import: cannot read image archive "${join(dir, 'busybox.tar')}": no such file or directory\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('k1s install --skip-start writes k1s.service with the given server flags and its env file, and starts nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-cli-test-'));
  try {
    const systemd = join(dir, 'systemd');
    const r = await k1s(['install', '--skip-start', '--systemd-dir', systemd, '--data-dir', '/srv/k1s', '--https-listen-port', '7443', '--disable-default-registry-endpoint'], { K1S_NODE_NAME: 'edge-1' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], `wrote ${join(systemd, 'k1s.service')}`);
    assert.match(r.stdout, /^not started /m);
    const unit = readFileSync(join(systemd, 'k1s.service'), 'utf8');
    assert.match(unit, new RegExp(`^ExecStart=${process.execPath} \\S+/bin/k1s server --data-dir /srv/k1s --https-listen-port 7443 --disable-default-registry-endpoint$`, 'm'));
    assert.match(unit, /^KillMode=process$/m);
    assert.match(readFileSync(join(systemd, 'k1s.service.env'), 'utf8'), /^K1S_NODE_NAME="edge-1"$/m);
    const bad = await k1s(['install', '--skip-start', '--systemd-dir', systemd, '--cluster-dns', '192.168.0.10']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^k1s server: --cluster-dns 192\.168\.0\.10 is outside --service-cidr/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('k1s uninstall removes the unit, its env file and the data dir, and refuses a directory that is not a data dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-cli-test-'));
  try {
    const systemd = join(dir, 'systemd');
    const data = join(dir, 'data');
    mkdirSync(systemd);
    mkdirSync(join(data, 'tls'), { recursive: true });
    writeFileSync(join(systemd, 'k1s.service'), '[Unit]\n');
    writeFileSync(join(systemd, 'k1s.service.env'), '');
    const r = await k1s(['uninstall', '--systemd-dir', systemd, '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `removed ${join(systemd, 'k1s.service')}\nremoved ${join(systemd, 'k1s.service.env')}\nremoved ${data}\n`);
    assert.equal(existsSync(data), false);
    const other = join(dir, 'photos');
    mkdirSync(other);
    writeFileSync(join(other, 'cat.jpg'), 'meow');
    const refused = await k1s(['uninstall', '--systemd-dir', systemd, '--data-dir', other]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /does not look like a k1s data dir .*: nothing removed\n$/);
    assert.equal(readFileSync(join(other, 'cat.jpg'), 'utf8'), 'meow');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

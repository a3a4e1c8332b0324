// Tests of the test image catalogue: what each image holds and runs (in a chroot of its unpacked layer), and the archive cache.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { testImages, type TestImages } from './test-images.js';

const exec = promisify(execFile);
const isRoot = process.getuid?.() === 0;

interface Unpacked {
  root: string;
  config: { Entrypoint?: string[]; Cmd?: string[]; User?: string; WorkingDir?: string; StopSignal?: string; ExposedPorts?: Record<string, unknown> };
  refs: string[];
}

/** Unpacks an archive's (single) layer into `dir` with the host's tar; returns its config and refs. */
async function unpack(archive: string, dir: string): Promise<Unpacked> {
  const layout = join(dir, 'layout');
  const root = join(dir, 'rootfs');
  await mkdir(layout, { recursive: true });
  await mkdir(root, { recursive: true });
  await exec('tar', ['-xf', archive, '-C', layout]);
  const blob = (digest: string): string => join(layout, 'blobs', 'sha256', digest.replace('sha256:', ''));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  assert.equal(manifest.layers.length, 1);
  await exec('tar', ['-xzf', blob(manifest.layers[0]!.digest), '-C', root]);
  const config = (JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8')) as { config: Unpacked['config'] }).config;
  return { root, config, refs: index.manifests.map((m) => m.annotations['io.containerd.image.name'] ?? '') };
}

/** Runs `args` chrooted into `root` (root only); resolves with the exit code and output. */
async function inChroot(root: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec('chroot', [root, ...args], { env: { PATH: '/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...env } });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('test images', () => {
  let cache = '';
  let images: TestImages;
  const unpacked: Record<string, Unpacked> = {};

  before(async () => {
    cache = await mkdtemp(join(tmpdir(), 'k1s-images-test-'));
    images = await testImages(cache);
    for (const a of images.archives) unpacked[a.name] = await unpack(a.file, join(cache, 'unpacked', a.name));
  });

  after(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  it('serves the refs the seeds use, each tag from the archive that carries it', () => {
    for (const ref of [
      'docker.io/library/busybox:1.36',
      'docker.io/library/nginx:latest',
      'docker.io/library/nginx:1.25',
      'docker.io/library/nginx:alpine',
      'docker.io/library/nginx:1.25-alpine',
      'docker.io/curlimages/curl:8.4.0',
      'docker.io/curlimages/curl:latest',
      'docker.io/library/postgres:alpine',
    ]) {
      assert.ok(images.refs.includes(ref), `${ref} served (have ${images.refs.join(', ')})`);
    }
    for (const a of images.archives) assert.deepEqual(unpacked[a.name]?.refs, a.refs, a.name);
  });

  it('builds in seconds, then a second call finds the archives in the cache', async () => {
    assert.ok(images.buildMs > 0 && images.buildMs < 20_000, `${images.buildMs} ms`);
    const again = await testImages(cache);
    assert.equal(again.buildMs, 0);
    assert.equal(again.dir, images.dir);
  });

  it('nginx: the official image\'s command, stop signal, config layout, welcome page and log links', () => {
    for (const name of ['nginx', 'nginx-alpine']) {
      const { root, config } = unpacked[name]!;
      assert.deepEqual(config.Cmd, ['nginx', '-g', 'daemon off;'], name);
      assert.equal(config.StopSignal, 'SIGQUIT');
      assert.deepEqual(config.ExposedPorts, { '80/tcp': {} });
      assert.match(readFileSync(join(root, 'usr/share/nginx/html/index.html'), 'utf8'), /<title>Welcome to nginx!<\/title>/);
      assert.match(readFileSync(join(root, 'etc/nginx/nginx.conf'), 'utf8'), /access_log\s+\/var\/log\/nginx\/access\.log\s+main;/);
      assert.match(readFileSync(join(root, 'etc/nginx/conf.d/default.conf'), 'utf8'), /listen\s+80;/);
      assert.equal(readlinkSync(join(root, 'var/log/nginx/access.log')), '/dev/stdout');
      assert.equal(readlinkSync(join(root, 'var/log/nginx/error.log')), '/dev/stderr');
      assert.match(readFileSync(join(root, 'etc/passwd'), 'utf8'), /^nginx:x:101:101:/m);
      for (const tool of ['bin/sh', 'bin/cat', 'usr/bin/tail', 'usr/bin/curl']) assert.ok(existsSync(join(root, tool)), `${name} has /${tool}`);
    }
    assert.ok(existsSync(join(unpacked['nginx']!.root, 'bin/bash')), 'the Debian-based nginx has bash');
    assert.ok(!existsSync(join(unpacked['nginx-alpine']!.root, 'bin/bash')), 'nginx:alpine has no bash');
  });

  it('curl: entrypoint /entrypoint.sh, command curl, user curl_user, as curlimages/curl', () => {
    const { root, config } = unpacked['curl']!;
    assert.deepEqual(config.Entrypoint, ['/entrypoint.sh']);
    assert.deepEqual(config.Cmd, ['curl']);
    assert.equal(config.User, 'curl_user');
    assert.equal(config.WorkingDir, '/home/curl_user');
    assert.match(readFileSync(join(root, 'etc/passwd'), 'utf8'), /^curl_user:x:100:101:/m);
  });

  it('nginx runs from its layer alone: the config tests ok, curl and bash start', { skip: isRoot ? false : 'chroot needs root' }, async () => {
    for (const name of ['nginx', 'nginx-alpine']) {
      const root = unpacked[name]!.root;
      const t = await inChroot(root, ['nginx', '-t']);
      assert.equal(t.code, 0, t.out);
      assert.match(t.out, /configuration file \/etc\/nginx\/nginx\.conf test is successful/);
      const curl = await inChroot(root, ['curl', '--version']);
      assert.equal(curl.code, 0, curl.out);
      assert.match(curl.out, /^curl \d+\.\d+/);
      const sh = await inChroot(root, ['sh', '-c', 'echo $((6*7)) | cat']);
      assert.equal(sh.out.trim(), '42');
    }
    const bash = await inChroot(unpacked['nginx']!.root, ['/bin/bash', '-c', 'echo "$BASH_VERSION"']);
    assert.match(bash.out, /^\d+\.\d+/);
  });

  it('curl\'s entrypoint prepends curl to options and runs commands as given', { skip: isRoot ? false : 'chroot needs root' }, async () => {
    const root = unpacked['curl']!.root;
    const version = await inChroot(root, ['/entrypoint.sh', '--version']);
    assert.equal(version.code, 0, version.out);
    assert.match(version.out, /^curl \d+\.\d+/);
    const sh = await inChroot(root, ['/entrypoint.sh', 'sh', '-c', 'echo from-sh']);
    assert.equal(sh.out.trim(), 'from-sh');
  });

  it('postgres stand-in: refuses to start without POSTGRES_PASSWORD, as the official image does', { skip: isRoot ? false : 'chroot needs root' }, async () => {
    const { root, config } = unpacked['postgres-stand-in']!;
    assert.deepEqual([config.Entrypoint, config.Cmd, config.StopSignal], [['docker-entrypoint.sh'], ['postgres'], 'SIGINT']);
    const refused = await inChroot(root, ['docker-entrypoint.sh', 'postgres']);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /superuser password is not specified/);
    const other = await inChroot(root, ['docker-entrypoint.sh', 'echo', 'hi'], { POSTGRES_PASSWORD: '' });
    assert.equal(other.out.trim(), 'hi');
  });
});

// Integration test: an OCI archive written by umoci, whose index names only a tag, imported into a real containerd.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createCriClient } from '../cri/client.js';
import { cleanupRuntime } from './cleanup.js';
import { importImagesDetailed } from './images.js';
import { startContainerd, type ContainerdProcess } from './supervisor.js';

const run = promisify(execFile);
const busybox = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
const runnable = process.getuid?.() === 0 && existsSync('/usr/bin/containerd') && existsSync('/usr/bin/umoci') && busybox !== undefined;

/** Builds OUT (an OCI layout tar) with umoci: one image tagged `tag` in the layout, i.e. ref.name = tag only. */
async function umociArchive(work: string, out: string, tag: string): Promise<void> {
  const layout = join(work, 'layout');
  const bundle = join(work, 'bundle');
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:${tag}`]);
  await run('umoci', ['unpack', '--image', `${layout}:${tag}`, bundle]);
  await run('sh', ['-c', `mkdir -p "${bundle}/rootfs/bin" && cp "${busybox}" "${bundle}/rootfs/bin/busybox" && ln -s busybox "${bundle}/rootfs/bin/sh"`]);
  await run('umoci', ['repack', '--image', `${layout}:${tag}`, bundle]);
  await run('umoci', ['config', '--image', `${layout}:${tag}`, '--config.cmd', 'sh']);
  await run('tar', ['-C', layout, '-cf', out, '.']);
  const { stdout } = await run('tar', ['-xOf', out, './index.json']);
  assert.deepEqual(
    (JSON.parse(stdout) as { manifests: Array<{ annotations: Record<string, string> }> }).manifests.map((m) => m.annotations),
    [{ 'org.opencontainers.image.ref.name': tag }],
    'umoci writes a tag-only ref',
  );
}

describe('images import of a tag-only OCI archive', { skip: runnable ? false : 'needs root, containerd, umoci and busybox' }, () => {
  let dataDir = '';
  let containerd: ContainerdProcess | undefined;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'k1s-import-'));
    containerd = await startContainerd({ dataDir });
  });
  after(async () => {
    const report = await cleanupRuntime({ dataDir, ...(containerd ? { containerd } : {}) });
    assert.deepEqual(report.errors, []);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports it as <file name>:<tag> by default and as <--name>:<tag> when given, visible to CRI', async () => {
    const archive = join(dataDir, 'busybox.tar');
    await umociArchive(join(dataDir, 'work'), archive, '1.36');
    const t0 = performance.now();
    const byFile = await importImagesDetailed(containerd!.endpoint, [archive]);
    console.log(`# figure: umoci archive imported in ${Math.round(performance.now() - t0)} ms`);
    assert.deepEqual(byFile, [{ name: 'docker.io/library/busybox:1.36', file: archive, tagOnlyRef: '1.36' }]);
    const byName = await importImagesDetailed(containerd!.endpoint, [archive], { repository: 'registry.local/team/tool' });
    assert.deepEqual(byName.map((i) => i.name), ['registry.local/team/tool:1.36']);

    const cri = createCriClient(containerd!.endpoint);
    try {
      const tags = (await cri.images.listImages()).flatMap((i) => i.repoTags).sort();
      assert.deepEqual(tags, ['docker.io/library/busybox:1.36', 'registry.local/team/tool:1.36']);
    } finally {
      cri.close();
    }
  });
});

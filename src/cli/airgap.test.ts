import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { airgapArchives, airgapImagesDir } from './airgap.js';

describe('airgap image directory', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('is DATA_DIR/agent/images, as k3s\'s', () => {
    assert.equal(airgapImagesDir('/var/lib/k1s'), '/var/lib/k1s/agent/images');
  });

  it('lists the archive files in name order, leaving other files and directories out', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'k1s-airgap-'));
    dirs.push(dataDir);
    const dir = airgapImagesDir(dataDir);
    await mkdir(join(dir, 'sub.tar'), { recursive: true });
    for (const f of ['b.tar.zst', 'a.tar', 'c.tgz', 'list.txt', 'x.tar.bz2']) await writeFile(join(dir, f), '');
    assert.deepEqual(await airgapArchives(dir), [join(dir, 'a.tar'), join(dir, 'b.tar.zst'), join(dir, 'c.tgz')]);
  });

  it('is empty when the directory does not exist', async () => {
    assert.deepEqual(await airgapArchives('/nonexistent/k1s/agent/images'), []);
  });
});

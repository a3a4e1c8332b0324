// Unit tests of image archive recognition: compression by magic bytes, OCI vs docker layout, one-line refusals.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { classifyArchive, detectCompression, inspectImageArchive, isArchiveName } from './image-archive.js';
import { buildOciArchive, buildOciImage, type BuiltImage } from './oci-archive.js';
import { dockerArchive, tagOnlyOciArchive, writeArchive } from './testing/archive-forms.js';

describe('detectCompression', () => {
  const tarHead = Buffer.alloc(512);
  tarHead.write('ustar', 257, 'latin1');
  it('tells gzip, zstd and plain tar apart by their first bytes', () => {
    assert.equal(detectCompression(Buffer.from([0x1f, 0x8b, 8, 0])), 'gzip');
    assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0])), 'zstd');
    assert.equal(detectCompression(tarHead), 'none');
  });
  it('names the compressions it cannot read, and refuses what is no tar', () => {
    assert.throws(() => detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0])), /^Error: the archive is compressed with xz: k1s reads tar archives, plain, gzip or zstd compressed$/);
    assert.throws(() => detectCompression(Buffer.from('BZh91AY')), /compressed with bzip2/);
    assert.throws(() => detectCompression(Buffer.from('hello')), /^Error: not a tar archive \(plain, gzip or zstd compressed\)$/);
  });
});

describe('isArchiveName', () => {
  it('accepts the airgap suffixes k1s reads and nothing else', () => {
    for (const n of ['a.tar', 'a.tar.gz', 'a.tgz', 'a.tar.zst', 'a.tzst', 'A.TAR']) assert.equal(isArchiveName(n), true, n);
    for (const n of ['a.txt', 'a.tar.bz2', 'a.tar.lz4', 'a.tar.xz', 'tar']) assert.equal(isArchiveName(n), false, n);
  });
});

describe('classifyArchive', () => {
  it('sees manifest.json as a docker archive, even beside an index.json (docker 25+ save)', () => {
    const files = new Map([['manifest.json', JSON.stringify([{ RepoTags: ['busybox:1.36'] }, { RepoTags: ['me/app:1', 'me/app:2'] }])], ['index.json', '{}']]);
    assert.deepEqual(classifyArchive(files, 'gzip'), { compression: 'gzip', format: 'docker', repoTags: ['busybox:1.36', 'me/app:1', 'me/app:2'], indexJson: '{}' });
  });
  it('sees index.json alone as an OCI archive', () => {
    assert.deepEqual(classifyArchive(new Map([['index.json', '{"manifests":[]}'], ['oci-layout', '']]), 'none'), { compression: 'none', format: 'oci', indexJson: '{"manifests":[]}', repoTags: [] });
  });
  it('refuses an archive of neither kind and a docker archive that names no image, in one line', () => {
    assert.throws(() => classifyArchive(new Map(), 'none'), /^Error: neither an OCI image layout \(index\.json\) nor a docker archive \(manifest\.json\)$/);
    assert.throws(() => classifyArchive(new Map([['manifest.json', '[{"RepoTags":null}]']]), 'none'), /names no image \(manifest\.json has no RepoTags\)/);
    assert.throws(() => classifyArchive(new Map([['manifest.json', '{']]), 'none'), /manifest\.json is not JSON/);
  });
});

describe('inspectImageArchive', () => {
  let dir = '';
  let image: BuiltImage;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k1s-archive-test-'));
    image = await buildOciImage({ files: [{ path: '/hello', content: 'hi' }], config: { Cmd: ['/hello'] }, refs: ['docker.io/library/hello:1'] });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads a tag-only OCI archive plain, gzip- and zstd-compressed', async () => {
    const tar = await tagOnlyOciArchive(image, '1.36');
    for (const [name, compression] of [['t.tar', 'none'], ['t.tar.gz', 'gzip'], ['t.tar.zst', 'zstd']] as const) {
      await writeArchive(join(dir, name), tar);
      const got = await inspectImageArchive(join(dir, name));
      assert.equal(got.compression, compression, name);
      assert.equal(got.format, 'oci', name);
      assert.match(got.indexJson ?? '', /"org\.opencontainers\.image\.ref\.name":"1\.36"/, name);
    }
  });

  it('reads the RepoTags of a docker archive', async () => {
    await writeArchive(join(dir, 'd.tgz'), await dockerArchive(image, ['busybox:1.35']));
    assert.deepEqual(await inspectImageArchive(join(dir, 'd.tgz')), { compression: 'gzip', format: 'docker', repoTags: ['busybox:1.35'] });
  });

  it('reads the OCI archives k1s builds itself', async () => {
    await writeFile(join(dir, 'k.tar'), await buildOciArchive([image]));
    assert.equal((await inspectImageArchive(join(dir, 'k.tar'))).format, 'oci');
  });

  it('refuses a truncated zstd archive with zstd\'s reason', async () => {
    await writeArchive(join(dir, 'cut.tar.zst'), await tagOnlyOciArchive(image, '1'));
    const { readFile } = await import('node:fs/promises');
    const whole = await readFile(join(dir, 'cut.tar.zst'));
    await writeFile(join(dir, 'cut.tar.zst'), whole.subarray(0, Math.floor(whole.length / 2)));
    await assert.rejects(inspectImageArchive(join(dir, 'cut.tar.zst')), /^Error: cannot decompress zstd: .+/);
  });

  it('refuses a tar holding no image, and a file that is no archive', async () => {
    const { pack } = await import('tar-stream');
    const p = pack();
    p.entry({ name: 'readme.txt' }, 'not an image');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
    await writeFile(join(dir, 'other.tar'), Buffer.concat(chunks));
    await assert.rejects(inspectImageArchive(join(dir, 'other.tar')), /^Error: neither an OCI image layout/);
    await writeFile(join(dir, 'notes.tar'), 'plain text, no tar');
    await assert.rejects(inspectImageArchive(join(dir, 'notes.tar')), /^Error: not a tar archive/);
  });
});

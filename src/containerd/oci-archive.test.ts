// Unit tests of the OCI image builder and archive writer.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { buildLayerTar, buildOciArchive, buildOciImage, hostArchitecture, refTag, sha256Digest } from './oci-archive.js';

interface Entry {
  name: string;
  type: string;
  mode: number;
  linkname: string | null;
  data: Buffer;
}

async function untar(tar: Buffer): Promise<Entry[]> {
  const entries: Entry[] = [];
  const extract = tarExtract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(Buffer.from(c as Uint8Array)));
      stream.on('end', () => {
        entries.push({ name: header.name, type: header.type ?? 'file', mode: header.mode ?? 0, linkname: header.linkname ?? null, data: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([tar]).pipe(extract as unknown as NodeJS.WritableStream);
  await done;
  return entries;
}

const desc = {
  files: [
    { path: '/bin/busybox', content: 'ELF', mode: 0o755 },
    { path: '/bin/sh', symlink: '/bin/busybox' },
    { path: '/tmp', dir: true, mode: 0o1777 },
  ],
  config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
  refs: ['docker.io/library/t:1', 'docker.io/library/t:latest'],
};

describe('buildLayerTar', () => {
  it('adds parent directories and sorts entries', async () => {
    const entries = await untar(await buildLayerTar([{ path: '/a/b/c', content: 'x' }, { path: '/a/l', symlink: 'b/c' }]));
    assert.deepEqual(entries.map((e) => [e.name, e.type]), [['a/', 'directory'], ['a/b/', 'directory'], ['a/b/c', 'file'], ['a/l', 'symlink']]);
    assert.equal(entries[3]?.linkname, 'b/c');
  });
  it('rejects duplicate paths', async () => {
    await assert.rejects(buildLayerTar([{ path: '/x', content: '' }, { path: 'x', content: '' }]), /duplicate path "\/x"/);
  });
});

describe('buildOciImage', () => {
  it('links layer, config and manifest by digest with diff_ids of the uncompressed layer', async () => {
    const image = await buildOciImage(desc);
    const layer = image.layers[0]!;
    assert.equal(layer.digest, sha256Digest(layer.data));
    const config = JSON.parse(image.config.data.toString()) as { architecture: string; os: string; config: unknown; rootfs: { diff_ids: string[] } };
    assert.equal(config.os, 'linux');
    assert.equal(config.architecture, hostArchitecture());
    assert.deepEqual(config.config, desc.config);
    assert.deepEqual(config.rootfs.diff_ids, [sha256Digest(gunzipSync(layer.data))]);
    const manifest = JSON.parse(image.manifest.data.toString()) as { config: { digest: string; size: number }; layers: { digest: string }[] };
    assert.deepEqual(manifest.config, { mediaType: 'application/vnd.oci.image.config.v1+json', digest: image.config.digest, size: image.config.data.length });
    assert.equal(manifest.layers[0]?.digest, layer.digest);
    const files = await untar(gunzipSync(layer.data));
    assert.deepEqual(files.map((f) => f.name), ['bin/', 'bin/busybox', 'bin/sh', 'tmp/']);
    assert.equal(files.find((f) => f.name === 'tmp/')?.mode, 0o1777);
  });

  it('is reproducible', async () => {
    assert.equal((await buildOciImage(desc)).manifest.digest, (await buildOciImage(desc)).manifest.digest);
  });
});

describe('buildOciArchive', () => {
  it('writes oci-layout, an index entry a ref with containerd and OCI name annotations, and each blob once', async () => {
    const image = await buildOciImage(desc);
    const entries = await untar(await buildOciArchive([image]));
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.deepEqual(JSON.parse(byName.get('oci-layout')!.data.toString()), { imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(byName.get('index.json')!.data.toString()) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    assert.deepEqual(
      index.manifests.map((m) => [m.digest, m.annotations]),
      [
        [image.manifest.digest, { 'io.containerd.image.name': 'docker.io/library/t:1', 'org.opencontainers.image.ref.name': '1' }],
        [image.manifest.digest, { 'io.containerd.image.name': 'docker.io/library/t:latest', 'org.opencontainers.image.ref.name': 'latest' }],
      ],
    );
    const blobs = entries.filter((e) => e.name.startsWith('blobs/sha256/') && e.type === 'file');
    assert.equal(blobs.length, 3);
    for (const b of blobs) assert.equal(sha256Digest(b.data), `sha256:${b.name.slice('blobs/sha256/'.length)}`);
  });
});

describe('refTag', () => {
  it('finds the tag after the last path component', () => {
    assert.equal(refTag('localhost:5000/a/b:2'), '2');
    assert.equal(refTag('localhost:5000/a/b'), 'latest');
    assert.equal(refTag('a/b@sha256:00'), '');
  });
});

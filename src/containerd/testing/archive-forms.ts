/**
 * Writes a built image in the archive forms other tools produce, for tests of `k1s images import`: an OCI
 * layout whose index names it by tag only (as umoci and `skopeo copy oci-archive:` write) and a `docker save`
 * archive (manifest.json with RepoTags, config and layer files), either then gzip- or zstd-compressed.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { ANNOTATION_REF_NAME, MEDIA_TYPE_INDEX, MEDIA_TYPE_MANIFEST, type BuiltImage } from '../oci-archive.js';

/** A tar of `files` (name → content), in order. */
async function tar(files: [string, Buffer | string][]): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  })();
  for (const [name, content] of files) {
    const data = Buffer.from(content);
    pack.entry({ name, size: data.length, mode: 0o644, mtime: new Date('2000-01-01T00:00:00Z') }, data);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const hex = (digest: string): string => digest.replace(/^sha256:/, '');

/** The OCI layout tar of `image` with one index entry annotated only `org.opencontainers.image.ref.name: tag`. */
export async function tagOnlyOciArchive(image: BuiltImage, tag: string): Promise<Buffer> {
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_INDEX,
    manifests: [{ mediaType: MEDIA_TYPE_MANIFEST, digest: image.manifest.digest, size: image.manifest.data.length, annotations: { [ANNOTATION_REF_NAME]: tag } }],
  };
  return tar([
    ['oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' })],
    ['index.json', JSON.stringify(index)],
    ...[image.manifest, image.config, ...image.layers].map((b): [string, Buffer] => [`blobs/sha256/${hex(b.digest)}`, b.data]),
  ]);
}

/** The `docker save` tar of `image` named `repoTags` (e.g. ["busybox:1.35"]; [] for a save by image id). */
export async function dockerArchive(image: BuiltImage, repoTags: string[]): Promise<Buffer> {
  const layers = image.layers.map((l) => `${hex(l.digest)}/layer.tar`);
  const manifest = [{ Config: `${hex(image.config.digest)}.json`, RepoTags: repoTags, Layers: layers }];
  return tar([
    ['manifest.json', JSON.stringify(manifest)],
    [`${hex(image.config.digest)}.json`, image.config.data],
    ...image.layers.map((l, i): [string, Buffer] => [layers[i]!, l.data]),
  ]);
}

/** Writes `data` to `file`, compressed as the name says: `.gz`/`.tgz` with gzip, `.zst`/`.tzst` with the zstd binary. */
export async function writeArchive(file: string, data: Buffer): Promise<void> {
  if (/\.(gz|tgz)$/.test(file)) return writeFile(file, gzipSync(data));
  if (/\.(zst|tzst)$/.test(file)) {
    await writeFile(`${file}.plain`, data);
    await promisify(execFile)('zstd', ['-q', '-f', '--rm', `${file}.plain`, '-o', file]);
    return;
  }
  return writeFile(file, data);
}

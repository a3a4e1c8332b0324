// Builds single-layer OCI images in memory and writes them as OCI image-layout tar archives.

import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

/** One filesystem entry of a layer. Exactly one of content / symlink / dir should be set; parents are implied. */
export interface LayerFile {
  /** Path inside the image, absolute or relative ("/bin/sh" and "bin/sh" are the same). */
  path: string;
  content?: string | Buffer;
  /** Symlink target. */
  symlink?: string;
  dir?: boolean;
  /** Permission bits; default 0o644 for files, 0o755 for dirs, 0o777 for symlinks. */
  mode?: number;
}

/** The runtime part of an OCI image config (image-spec config.md `config`). */
export interface ImageRuntimeConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  /** Ports the image documents, as "80/tcp" → {} (informational, as in docker's config). */
  ExposedPorts?: Record<string, Record<string, never>>;
  /** The signal that stops the container ("SIGQUIT"); runtimes default to SIGTERM. */
  StopSignal?: string;
}

/** An image to build: one layer of `files`, its config, and the names it is tagged with (full refs). */
export interface ImageDescription {
  files: LayerFile[];
  config: ImageRuntimeConfig;
  /** Fully qualified references, e.g. "docker.io/library/busybox:1.36". */
  refs: string[];
}

/** A content-addressed blob. `digest` is "sha256:<hex>". */
export interface Blob {
  digest: string;
  mediaType: string;
  data: Buffer;
}

/** A built image: all blobs (layer, config, manifest) plus the manifest's digest and the refs. */
export interface BuiltImage {
  manifest: Blob;
  config: Blob;
  layers: Blob[];
  refs: string[];
}

export const MEDIA_TYPE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const MEDIA_TYPE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const MEDIA_TYPE_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
/** containerd's annotation carrying the full image name in an OCI index (images.AnnotationImageName). */
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
/** The OCI annotation carrying the tag (image-spec annotations.md). */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** Fixed timestamps keep builds reproducible, so re-importing the same image is a no-op. */
const EPOCH = new Date('2000-01-01T00:00:00Z');

/** The GOARCH name of the host's architecture (x64 → amd64). */
export function hostArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}

/** "sha256:<hex>" of `data`. */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function blob(mediaType: string, data: Buffer): Blob {
  return { digest: sha256Digest(data), mediaType, data };
}

/** Collects a readable stream into one Buffer. */
async function collect(stream: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A tar entry written by {@link writeTar}. */
interface TarEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  data?: Buffer;
  linkname?: string;
}

/** Writes entries in order into an uncompressed tar (ustar/pax via tar-stream), owner root, fixed mtime. */
async function writeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tarPack();
  const out = collect(pack as unknown as AsyncIterable<Buffer>); // tar-stream v3 packs are streamx Readables
  for (const e of entries) {
    const header = { name: e.name, type: e.type, mode: e.mode, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: EPOCH };
    if (e.type === 'file') {
      const data = e.data ?? Buffer.alloc(0);
      pack.entry({ ...header, size: data.length }, data);
    } else if (e.type === 'symlink') {
      pack.entry({ ...header, linkname: e.linkname ?? '' });
    } else {
      pack.entry(header);
    }
  }
  pack.finalize();
  return out;
}

/**
 * The uncompressed layer tar of `files`: entries sorted by path, missing parent directories added
 * (0755), paths relative ("bin/sh", "etc/"). Throws on an entry with no kind or a duplicate path.
 */
export async function buildLayerTar(files: LayerFile[]): Promise<Buffer> {
  const byPath = new Map<string, TarEntry>();
  const addDir = (path: string, mode = 0o755): void => {
    if (!byPath.has(path)) byPath.set(path, { name: `${path}/`, type: 'directory', mode });
  };
  for (const f of files) {
    const path = f.path.replace(/^\/+/, '').replace(/\/+$/, '');
    if (path === '') continue;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) addDir(parts.slice(0, i).join('/'));
    const existing = byPath.get(path);
    if (existing && !(f.dir && existing.type === 'directory')) throw new Error(`cannot build layer: duplicate path "/${path}"`);
    if (f.dir) byPath.set(path, { name: `${path}/`, type: 'directory', mode: f.mode ?? 0o755 });
    else if (f.symlink !== undefined) byPath.set(path, { name: path, type: 'symlink', mode: f.mode ?? 0o777, linkname: f.symlink });
    else if (f.content !== undefined) byPath.set(path, { name: path, type: 'file', mode: f.mode ?? 0o644, data: Buffer.from(f.content) });
    else throw new Error(`cannot build layer: "/${path}" has no content, symlink or dir`);
  }
  const sorted = [...byPath.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  return writeTar(sorted);
}

/**
 * Builds the blobs of a one-layer OCI image for the host platform (linux/<host arch>): gzip layer,
 * config (rootfs.diff_ids = digest of the uncompressed tar), manifest. Deterministic for equal input.
 */
export async function buildOciImage(desc: ImageDescription): Promise<BuiltImage> {
  const tar = await buildLayerTar(desc.files);
  const layer = blob(MEDIA_TYPE_LAYER_GZIP, gzipSync(tar, { level: 6 }));
  const config = blob(
    MEDIA_TYPE_CONFIG,
    Buffer.from(
      JSON.stringify({
        created: EPOCH.toISOString(),
        architecture: hostArchitecture(),
        os: 'linux',
        config: desc.config,
        rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
        history: [{ created: EPOCH.toISOString(), created_by: 'k1s image builder' }],
      }),
    ),
  );
  const manifest = blob(
    MEDIA_TYPE_MANIFEST,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_MANIFEST,
        config: { mediaType: config.mediaType, digest: config.digest, size: config.data.length },
        layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.data.length }],
      }),
    ),
  );
  return { manifest, config, layers: [layer], refs: [...desc.refs] };
}

/** The tag of a full ref ("docker.io/library/busybox:1.36" → "1.36"; "latest" when none, digest refs → ""). */
export function refTag(ref: string): string {
  if (ref.includes('@')) return '';
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  return colon >= 0 ? ref.slice(colon + 1) : 'latest';
}

/**
 * The OCI image-layout tar of `images`: oci-layout, index.json (one manifest entry per ref, annotated
 * with io.containerd.image.name = the full ref and org.opencontainers.image.ref.name = its tag, which is
 * what `ctr images import` and `docker load` read), blobs/sha256/<hex> (each blob once).
 */
export async function buildOciArchive(images: BuiltImage[]): Promise<Buffer> {
  const blobs = new Map<string, Blob>();
  const manifests: unknown[] = [];
  for (const image of images) {
    for (const b of [image.manifest, image.config, ...image.layers]) blobs.set(b.digest, b);
    for (const ref of image.refs) {
      manifests.push({
        mediaType: MEDIA_TYPE_MANIFEST,
        digest: image.manifest.digest,
        size: image.manifest.data.length,
        annotations: { [ANNOTATION_IMAGE_NAME]: ref, [ANNOTATION_REF_NAME]: refTag(ref) },
        platform: { architecture: hostArchitecture(), os: 'linux' },
      });
    }
  }
  const entries: TarEntry[] = [
    { name: 'oci-layout', type: 'file', mode: 0o644, data: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })) },
    { name: 'index.json', type: 'file', mode: 0o644, data: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_INDEX, manifests })) },
    { name: 'blobs/', type: 'directory', mode: 0o755 },
    { name: 'blobs/sha256/', type: 'directory', mode: 0o755 },
  ];
  for (const b of blobs.values()) entries.push({ name: `blobs/sha256/${b.digest.slice('sha256:'.length)}`, type: 'file', mode: 0o644, data: b.data });
  return writeTar(entries);
}

/** Builds `desc` and writes its OCI archive to `outFile`; returns the built image (digests for callers/tests). */
export async function writeOciArchive(outFile: string, desc: ImageDescription): Promise<BuiltImage> {
  const image = await buildOciImage(desc);
  await writeFile(outFile, await buildOciArchive([image]));
  return image;
}

/**
 * Recognises image archives before they reach ctr: the compression (none, gzip, zstd) from the first bytes,
 * the format (OCI image layout with index.json, or `docker save`'s manifest.json) and how it names its images,
 * and opens the archive decompressed (zstd through the Debian `zstd` binary), so `k1s images import` and the
 * airgap directory refuse what ctr could not import with one clear line instead of a tar error.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';

/** How an archive's bytes are compressed. */
export type ArchiveCompression = 'none' | 'gzip' | 'zstd';

/** An image archive's layout: OCI image layout (index.json) or docker-archive (manifest.json with RepoTags). */
export type ArchiveFormat = 'oci' | 'docker';

/** What {@link inspectImageArchive} found. */
export interface ArchiveContents {
  compression: ArchiveCompression;
  format: ArchiveFormat;
  /** index.json's text (OCI archives; docker 25+ `docker save` archives carry one too). */
  indexJson?: string;
  /** Every RepoTags entry of manifest.json (docker archives), as written ("busybox:1.36"). */
  repoTags: string[];
}

/** File names k1s treats as image archives (k3s's airgap extensions, the ones k1s can read). */
export const ARCHIVE_SUFFIXES = ['.tar', '.tar.gz', '.tgz', '.tar.zst', '.tzst'] as const;

/** True when `file`'s name ends with one of {@link ARCHIVE_SUFFIXES} (case-insensitive). */
export function isArchiveName(file: string): boolean {
  const lower = file.toLowerCase();
  return ARCHIVE_SUFFIXES.some((s) => lower.endsWith(s));
}

/**
 * The compression of an archive from its first 512 bytes (or fewer): gzip (1f 8b), zstd (28 b5 2f fd), or a
 * plain tar ("ustar" at offset 257). Throws one line naming what it is instead: xz, bzip2, lz4, or not a tar.
 */
export function detectCompression(head: Buffer): ArchiveCompression {
  const starts = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return 'none';
  const other = starts(0xfd, 0x37, 0x7a, 0x58, 0x5a) ? 'xz' : starts(0x42, 0x5a, 0x68) ? 'bzip2' : starts(0x04, 0x22, 0x4d, 0x18) ? 'lz4' : undefined;
  if (other) throw new Error(`the archive is compressed with ${other}: k1s reads tar archives, plain, gzip or zstd compressed`);
  throw new Error('not a tar archive (plain, gzip or zstd compressed)');
}

/** Reads the first 512 bytes of `file`. Throws as fs.open/read do. */
async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buf, 0, 512, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A decompressed archive stream and the promise of its decompressor's success. */
export interface OpenedArchive {
  stream: Readable;
  /** Resolves when decompression ended well; rejects with one line (zstd missing, corrupt input). */
  done: Promise<void>;
  /** Stops reading and the decompressor (an early end of the consumer). */
  close(): void;
}

/**
 * Opens `file` decompressed according to `compression`: plain files as they are, gzip through node:zlib, zstd
 * through `zstd -dc` (Debian package zstd). Errors surface on `done` and as a stream error.
 */
export function openArchive(file: string, compression: ArchiveCompression, zstdPath = 'zstd'): OpenedArchive {
  if (compression === 'zstd') {
    const child = spawn(zstdPath, ['-dcq', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const out = new PassThrough();
    child.stdout.pipe(out);
    let closed = false;
    const done = new Promise<void>((resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        const e = new Error(err.code === 'ENOENT' ? `cannot decompress zstd: ${zstdPath} is not installed (Debian package zstd)` : `cannot decompress zstd: ${err.message}`);
        out.destroy(e);
        reject(e);
      });
      child.once('close', (code, signal) => {
        if (code === 0 || closed) return resolve();
        const e = new Error(`cannot decompress zstd: ${stderr.trim().split('\n').pop()?.replace(/^zstd: /, '') || (signal ?? `exit code ${code}`)}`);
        out.destroy(e);
        reject(e);
      });
    });
    done.catch(() => undefined);
    return {
      stream: out,
      done,
      close() {
        closed = true;
        child.kill('SIGTERM');
        out.destroy();
      },
    };
  }
  const input = createReadStream(file);
  if (compression === 'none') {
    const done = new Promise<void>((resolve, reject) => {
      input.once('end', resolve);
      input.once('close', resolve);
      input.once('error', reject);
    });
    done.catch(() => undefined);
    return { stream: input, done, close: () => input.destroy() };
  }
  const gunzip = createGunzip();
  input.once('error', (err) => gunzip.destroy(err));
  const done = new Promise<void>((resolve, reject) => {
    gunzip.once('end', resolve);
    gunzip.once('close', resolve);
    gunzip.once('error', (err) => reject(new Error(`cannot decompress gzip: ${err.message}`)));
  });
  done.catch(() => undefined);
  return {
    stream: input.pipe(gunzip),
    done,
    close() {
      input.destroy();
      gunzip.destroy();
    },
  };
}

/**
 * Classifies an archive from the top-level files it holds (name → text of index.json / manifest.json, or ""
 * for oci-layout): manifest.json makes a docker archive (containerd's importer prefers it, and `docker save`
 * of docker 25+ writes both); else index.json makes an OCI archive. Throws one line when it is neither, when a
 * docker archive's manifest.json is no list of {RepoTags}, or names no image. Pure.
 */
export function classifyArchive(files: ReadonlyMap<string, string>, compression: ArchiveCompression): ArchiveContents {
  const indexJson = files.get('index.json');
  const manifest = files.get('manifest.json');
  if (manifest !== undefined) {
    let entries: unknown;
    try {
      entries = JSON.parse(manifest);
    } catch {
      throw new Error('its manifest.json is not JSON: not a docker archive');
    }
    if (!Array.isArray(entries)) throw new Error('its manifest.json is not a list of images: not a docker archive');
    const repoTags = entries.flatMap((e: { RepoTags?: unknown }) => (Array.isArray(e?.RepoTags) ? e.RepoTags.filter((t): t is string => typeof t === 'string') : []));
    if (repoTags.length === 0) throw new Error('the docker archive names no image (manifest.json has no RepoTags): save it by name, e.g. docker save busybox:1.36');
    return { compression, format: 'docker', repoTags, ...(indexJson !== undefined ? { indexJson } : {}) };
  }
  if (indexJson !== undefined) return { compression, format: 'oci', indexJson, repoTags: [] };
  throw new Error('neither an OCI image layout (index.json) nor a docker archive (manifest.json)');
}

/**
 * Reads `file` once (decompressed) and tells what it is (see {@link classifyArchive}). Throws one line: not a
 * tar, an unsupported compression, a corrupt or truncated stream, neither format. File system errors propagate.
 */
export async function inspectImageArchive(file: string, zstdPath?: string): Promise<ArchiveContents> {
  const compression = detectCompression(await readHead(file));
  const opened = openArchive(file, compression, zstdPath);
  const files = new Map<string, string>();
  const extract = tarExtract();
  const finished = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\.\//, '');
      const wanted = header.type === 'file' && (name === 'index.json' || name === 'manifest.json' || name === 'oci-layout');
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        if (wanted) chunks.push(Buffer.from(c as Uint8Array));
      });
      stream.on('end', () => {
        if (wanted) files.set(name, Buffer.concat(chunks).toString('utf8'));
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', (err: Error) => reject(new Error(`not a readable tar archive: ${err.message}`)));
  });
  opened.stream.on('error', (err) => extract.destroy(err));
  opened.stream.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    await Promise.all([finished, opened.done]);
  } catch (err) {
    opened.close();
    // The decompressor's own message says more than the tar parser's "unexpected end of data".
    throw await opened.done.then(() => err, (e: unknown) => e);
  }
  return classifyArchive(files, compression);
}

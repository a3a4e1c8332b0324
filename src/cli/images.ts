/**
 * `k1s images import [--name REPOSITORY] FILE…` and `k1s images list`: the runtime's image store, for
 * machines with no registry. Archives are OCI image layouts or `docker save` tars, plain, gzip or zstd
 * compressed (.tar, .tar.gz/.tgz, .tar.zst/.tzst). Images an OCI archive names by tag only (`org.opencontainers.image.ref.name:
 * 1.36`, as umoci and skopeo write) are imported as REPOSITORY:TAG, REPOSITORY defaulting to the file's
 * base name (busybox.tar → docker.io/library/busybox:1.36); see importedImageName.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inspectImageArchive, type ArchiveContents } from '../containerd/image-archive.js';
import { importImagesDetailed, normalizeRepository } from '../containerd/images.js';
import { errorLine, StartupError } from './error-line.js';
import { UsageError } from './flags.js';
import { createImportProgress } from './import-progress.js';
import { openRuntimeSession } from './runtime-session.js';

/** Bytes in the images list's units: `2.1MB`, `512.0kB`, `12B`. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)}MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)}kB`;
  return `${Math.round(bytes)}B`;
}

/** `busybox.tar: 3 images, 2.1MB in 0.8 s (2.6MB/s)`: the line after one archive's import. */
export function importSummary(file: string, images: number, bytes: number, elapsedMs: number): string {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  return `${file}: ${images} image${images === 1 ? '' : 's'}, ${formatSize(bytes)} in ${seconds.toFixed(1)} s (${formatSize(bytes / seconds)}/s)`;
}

/** What `k1s images import|list` works on (main.ts parses it from the command's flag table). */
export interface ImagesOptions {
  /** Absolute data dir. */
  dataDir: string;
  /** Archives to import (import only). */
  files: string[];
  /** Repository for images the archive names by tag only (import only). */
  name?: string;
}

/**
 * Runs `k1s images import` or `k1s images list`. Import checks that every archive is a readable file before
 * it reaches the runtime (StartupError `"/x.tar": no such file or directory`). Throws on runtime errors.
 */
export async function runImages(sub: 'import' | 'list', options: ImagesOptions): Promise<void> {
  const { dataDir } = options;
  const inspected = new Map<string, ArchiveContents>();
  if (sub === 'import') {
    if (options.files.length === 0) throw new UsageError("k1s images import: no image archive given; see 'k1s images import --help'");
    for (const file of options.files) {
      const s = await stat(file).catch((err: unknown) => {
        throw new StartupError(`k1s images import: cannot read image archive "${file}": ${errorLine(err).replace(/^stat "[^"]*": /, '')}`, { cause: err });
      });
      if (!s.isFile()) throw new StartupError(`k1s images import: "${file}" is not a file: give OCI-archive or docker-archive tars`);
    }
    if (options.name !== undefined) {
      try {
        normalizeRepository(options.name);
      } catch (err) {
        throw new StartupError(`k1s images import: --name: ${errorLine(err)}`, { cause: err });
      }
    }
    // Each archive is recognised before the runtime is reached: a refusal is one line and costs no containerd start.
    for (const file of options.files.map((f) => resolve(f))) {
      try {
        inspected.set(file, await inspectImageArchive(file));
      } catch (err) {
        throw new StartupError(`k1s images import: cannot import image archive "${file}": ${errorLine(err)}`, { cause: err });
      }
    }
  }
  const session = await openRuntimeSession(dataDir);
  try {
    if (sub === 'import') {
      let count = 0;
      for (const file of options.files.map((f) => resolve(f))) {
        // Progress on stderr (bars on a terminal, plain lines otherwise); image names alone on stdout.
        const progress = createImportProgress();
        let imported;
        try {
          imported = await importImagesDetailed(session.endpoint, [file], { onProgress: (e) => progress.report(e), inspected, ...(options.name !== undefined ? { repository: options.name } : {}) });
        } finally {
          progress.stop();
        }
        for (const image of imported) {
          const why = image.tagOnlyRef !== undefined ? ` (the archive names it by tag only, "${image.tagOnlyRef}"${options.name !== undefined ? '' : '; choose the repository with --name'})` : '';
          console.log(`imported ${image.name}${why}`);
        }
        count += imported.length;
      }
      if (count === 0) console.log('no images imported');
      return;
    }
    const images = await session.cri.images.listImages();
    const rows = [['IMAGE', 'IMAGE ID', 'SIZE']];
    for (const img of images) {
      const id = img.id.replace(/^sha256:/, '').slice(0, 13);
      for (const tag of img.repoTags.length ? img.repoTags : ['<none>']) rows.push([tag, id, formatSize(img.size)]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]! + 3)).join('').trimEnd());
  } finally {
    await session.close();
  }
}

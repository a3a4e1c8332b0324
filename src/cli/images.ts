/**
 * `k1s images import [--name REPOSITORY] FILE…` and `k1s images list`: the runtime's image store, for
 * machines with no registry. Images an OCI archive names by tag only (`org.opencontainers.image.ref.name:
 * 1.36`, as umoci and skopeo write) are imported as REPOSITORY:TAG, REPOSITORY defaulting to the file's
 * base name (busybox.tar → docker.io/library/busybox:1.36); see importedImageName.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importImagesDetailed } from '../containerd/images.js';
import { DEFAULT_DATA_DIR } from './main.js';
import { openRuntimeSession } from './runtime-session.js';

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)}MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)}kB`;
  return `${bytes}B`;
}

/** Runs `k1s images <import|list>`; throws on bad usage or runtime errors. */
export async function runImages(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { 'data-dir': { type: 'string', short: 'd' }, name: { type: 'string' } },
    allowPositionals: true,
  });
  const dataDir = resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);
  if (sub !== 'import' && sub !== 'list') throw new Error('usage: k1s images import [--data-dir D] [--name REPOSITORY] FILE… | k1s images list [--data-dir D]');
  if (sub === 'list' && values.name !== undefined) throw new Error('k1s images list: --name applies to import only');
  if (sub === 'import' && positionals.length === 0) throw new Error('k1s images import: no image archive given');
  const session = await openRuntimeSession(dataDir);
  try {
    if (sub === 'import') {
      const files = positionals.map((f) => resolve(f));
      const imported = await importImagesDetailed(session.endpoint, files, values.name !== undefined ? { repository: values.name } : {});
      for (const image of imported) {
        const why = image.tagOnlyRef !== undefined ? ` (the archive names it by tag only, "${image.tagOnlyRef}"${values.name !== undefined ? '' : '; choose the repository with --name'})` : '';
        console.log(`imported ${image.name}${why}`);
      }
      if (imported.length === 0) console.log('no images imported');
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

/** `k1s images import FILE…` and `k1s images list`: the runtime's image store, for machines with no registry. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importImages } from '../containerd/images.js';
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
    options: { 'data-dir': { type: 'string', short: 'd' } },
    allowPositionals: true,
  });
  const dataDir = resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);
  if (sub !== 'import' && sub !== 'list') throw new Error('usage: k1s images import [--data-dir D] FILE… | k1s images list [--data-dir D]');
  if (sub === 'import' && positionals.length === 0) throw new Error('k1s images import: no image archive given');
  const session = await openRuntimeSession(dataDir);
  try {
    if (sub === 'import') {
      const names = await importImages(session.endpoint, positionals.map((f) => resolve(f)));
      for (const name of names) console.log(`imported ${name}`);
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

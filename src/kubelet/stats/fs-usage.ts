/**
 * How much a directory tree holds on disk: allocated bytes and inodes, counted as du does.
 *
 * Mirrors `pkg/volume/util/fs` DiskUsage (1.32: a walk with lstat that sums `st_blocks × 512`, counts every
 * inode once — hard links are not counted twice — and does not cross into other file systems, `du -x`).
 */
import type { BigIntStats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FsStats } from './summary.js';

/**
 * The usage of the tree at `path`, or undefined when `path` does not exist. Entries that vanish or cannot be
 * read during the walk are skipped (a container may be writing as we count). Never throws.
 */
export async function diskUsage(path: string): Promise<FsStats | undefined> {
  let root: BigIntStats;
  try {
    root = await lstat(path, { bigint: true });
  } catch {
    return undefined;
  }
  const seen = new Set<bigint>();
  let bytes = 0n;
  let inodes = 0;
  const visit = async (p: string, st: BigIntStats): Promise<void> => {
    if (st.dev !== root.dev) return;
    if (!seen.has(st.ino)) {
      seen.add(st.ino);
      bytes += st.blocks * 512n;
      inodes++;
    }
    if (!st.isDirectory()) return;
    let names: string[];
    try {
      names = await readdir(p);
    } catch {
      return;
    }
    // The children's lstat calls run together (one directory at a time), the subdirectories one after another.
    const children = await Promise.all(names.map(async (name) => ({ path: join(p, name), st: await lstat(join(p, name), { bigint: true }).catch(() => undefined) })));
    for (const child of children) if (child.st) await visit(child.path, child.st);
  };
  await visit(path, root);
  return { usedBytes: Number(bytes), inodesUsed: inodes };
}

// The atomic writer of configMap/secret/downwardAPI/projected volumes (pkg/volume/util/atomic_writer.go).

import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One file of a volume payload: content and permission bits (e.g. 0o644). */
export interface FileProjection {
  data: Buffer;
  mode: number;
}

const DATA_DIR = '..data';
const DATA_TMP = '..data_tmp';

function tsDirName(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.${randomBytes(5).toString('hex').slice(0, 9)}`;
}

/** Validates a payload path: relative, no `..` element, not starting with `..` (reserved). */
export function validatePayloadPath(path: string): void {
  if (!path || path.startsWith('/')) throw new Error(`invalid path: must be relative path: ${path}`);
  if (path.split('/').some((e) => e === '..')) throw new Error(`invalid path: must not contain '..': ${path}`);
  if (path.startsWith('..')) throw new Error(`invalid path: must not start with '..': ${path}`);
}

async function samePayload(dir: string, payload: Map<string, FileProjection>): Promise<boolean> {
  const seen = new Set<string>();
  async function walk(rel: string): Promise<boolean> {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!(await walk(r))) return false;
        continue;
      }
      const want = payload.get(r);
      if (!want) return false;
      const [data, st] = await Promise.all([readFile(join(dir, r)), stat(join(dir, r))]);
      if (!data.equals(want.data) || (st.mode & 0o7777) !== want.mode) return false;
      seen.add(r);
    }
    return true;
  }
  try {
    return (await walk('')) && seen.size === payload.size;
  } catch {
    return false;
  }
}

/**
 * Writes `payload` (relative path → file) into `targetDir` atomically: files go to a fresh timestamped hidden
 * directory, `..data` is swapped to it with a rename, and each top-level entry is a symlink `<name> -> ..data/<name>`.
 * Does nothing when the current content already equals `payload`. Returns whether anything was written.
 */
export async function writeAtomic(targetDir: string, payload: Map<string, FileProjection>, now = new Date()): Promise<boolean> {
  for (const p of payload.keys()) validatePayloadPath(p);
  await mkdir(targetDir, { recursive: true });
  let oldTs: string | undefined;
  try {
    oldTs = await readlink(join(targetDir, DATA_DIR));
  } catch {
    oldTs = undefined;
  }
  if (oldTs && (await samePayload(join(targetDir, oldTs), payload))) return false;

  const ts = tsDirName(now);
  const tsPath = join(targetDir, ts);
  await mkdir(tsPath, { mode: 0o755 });
  await chmod(tsPath, 0o755);
  for (const [rel, f] of payload) {
    const file = join(tsPath, rel);
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await writeFile(file, f.data);
    await chmod(file, f.mode);
  }
  const tmp = join(targetDir, DATA_TMP);
  await rm(tmp, { force: true });
  await symlink(ts, tmp);
  await rename(tmp, join(targetDir, DATA_DIR));

  const tops = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const top of tops) {
    const link = join(targetDir, top);
    try {
      await lstat(link);
    } catch {
      await symlink(join(DATA_DIR, top), link);
    }
  }
  for (const name of await readdir(targetDir)) {
    if (name.startsWith('..') || tops.has(name)) continue;
    await unlink(join(targetDir, name)).catch(() => rm(join(targetDir, name), { recursive: true, force: true }));
  }
  if (oldTs && oldTs !== ts) await rm(join(targetDir, oldTs), { recursive: true, force: true });
  return true;
}

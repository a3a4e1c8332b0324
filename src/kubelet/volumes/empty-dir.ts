// emptyDir volumes (pkg/volume/emptydir/empty_dir.go): a 0777 directory, or a tmpfs mount for medium Memory.

import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Mount points under `prefix` (from /proc/self/mountinfo), deepest first. */
export async function mountsUnder(prefix: string): Promise<string[]> {
  let text = '';
  try {
    text = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const decoded = mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (decoded === prefix || decoded.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) out.push(decoded);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** True when `path` is a mount point. */
export async function isMountPoint(path: string): Promise<boolean> {
  return (await mountsUnder(path)).includes(path);
}

/**
 * Sets up an emptyDir at `dir`: mode 0777 on disk, or a tmpfs of `sizeBytes` (0 = tmpfs default) when
 * `medium` is `Memory`. Idempotent. Throws when the tmpfs mount fails (needs CAP_SYS_ADMIN).
 */
export async function setUpEmptyDir(dir: string, medium: string | undefined, sizeBytes: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o777 });
  if (medium === 'Memory' && !(await isMountPoint(dir))) {
    const opts = ['mode=0777'];
    if (sizeBytes > 0) opts.push(`size=${sizeBytes}`);
    try {
      await run('mount', ['-t', 'tmpfs', '-o', opts.join(','), 'tmpfs', dir]);
    } catch (err) {
      throw new Error(`mount failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`, { cause: err });
    }
  }
  await chmod(dir, 0o777);
}

/** Unmounts every mount point under `dir` (deepest first); lazily when busy. */
export async function unmountAll(dir: string): Promise<void> {
  for (const mp of await mountsUnder(dir)) {
    try {
      await run('umount', [mp]);
    } catch {
      await run('umount', ['-l', mp]).catch(() => undefined);
    }
  }
}

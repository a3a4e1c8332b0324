/** A pid file that keeps two k1s servers off one data dir. */
import { readFile, rm, writeFile } from 'node:fs/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes this process's pid to `path`; throws when the file names another live process.
 * Returns the release function (removes the file if it still holds our pid).
 */
export async function acquirePidFile(path: string): Promise<() => Promise<void>> {
  try {
    const other = Number((await readFile(path, 'utf8')).trim());
    if (Number.isInteger(other) && other > 0 && other !== process.pid && alive(other)) {
      throw new Error(`another k1s server (pid ${other}) is using this data dir (${path})`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await writeFile(path, `${process.pid}\n`);
  return async () => {
    try {
      if (Number((await readFile(path, 'utf8')).trim()) === process.pid) await rm(path, { force: true });
    } catch {
      // already gone
    }
  };
}

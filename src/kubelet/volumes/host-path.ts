// hostPath volume type checks (pkg/volume/hostpath/host_path.go).

import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HostPathType } from '../../api/types.js';

async function statOrUndefined(path: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/**
 * Validates (and for the *OrCreate types creates) a hostPath; returns the path to bind-mount.
 * Throws with upstream's messages: `hostPath type check failed: /p is not a directory`, `invalid HostPath ...`.
 */
export async function setUpHostPath(path: string, type: HostPathType | undefined): Promise<string> {
  if (path.split('/').includes('..')) throw new Error(`invalid HostPath \`${path}\`: must not contain '..'`);
  const fail = (what: string): Error => new Error(`hostPath type check failed: ${path} is not ${what}`);
  switch (type ?? '') {
    case '':
      return path;
    case 'DirectoryOrCreate': {
      const st = await statOrUndefined(path);
      if (!st) {
        await mkdir(path, { recursive: true, mode: 0o755 });
        await chmod(path, 0o755);
        return path;
      }
      if (!st.isDirectory()) throw fail('a directory');
      return path;
    }
    case 'Directory': {
      const st = await statOrUndefined(path);
      if (!st?.isDirectory()) throw fail('a directory');
      return path;
    }
    case 'FileOrCreate': {
      const st = await statOrUndefined(path);
      if (!st) {
        if (!(await statOrUndefined(dirname(path)))?.isDirectory()) {
          throw new Error(`hostPath type check failed: ${path} is not a file`);
        }
        await writeFile(path, '', { mode: 0o644, flag: 'a' });
        return path;
      }
      if (!st.isFile()) throw fail('a file');
      return path;
    }
    case 'File': {
      const st = await statOrUndefined(path);
      if (!st?.isFile()) throw fail('a file');
      return path;
    }
    case 'Socket': {
      const st = await statOrUndefined(path);
      if (!st?.isSocket()) throw fail('a socket file');
      return path;
    }
    case 'CharDevice': {
      const st = await statOrUndefined(path);
      if (!st?.isCharacterDevice()) throw fail('a character device');
      return path;
    }
    case 'BlockDevice': {
      const st = await statOrUndefined(path);
      if (!st?.isBlockDevice()) throw fail('a block device');
      return path;
    }
  }
  return path;
}

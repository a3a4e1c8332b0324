// Volume ownership for a pod's fsGroup (pkg/volume/volume_linux.go SetVolumeOwnership): group-owned files, setgid directories.

import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The bits SetVolumeOwnership adds: rw for user and group (r only on read-only volumes), x and setgid on directories. */
const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

/** Options of {@link setVolumeOwnership}. */
export interface OwnershipOptions {
  /** A read-only volume (configMap, secret, downwardAPI, projected): r instead of rw. */
  readOnly: boolean;
  /** `OnRootMismatch` skips the walk when the root already has the group and the bits; default `Always`. */
  policy?: 'Always' | 'OnRootMismatch';
}

/** The mode bits a file or directory must have under fsGroup: `mode | mask` (lower 12 bits). */
export function ownedMode(mode: number, isDir: boolean, readOnly: boolean): number {
  let mask = readOnly ? RO_MASK : RW_MASK;
  if (isDir) mask |= EXEC_MASK | SETGID;
  return (mode & 0o7777) | mask;
}

/** requiresPermissionChange: the root's gid differs, or it lacks the bits or setgid (always for a non-directory). */
async function requiresChange(root: string, fsGroup: number, readOnly: boolean): Promise<boolean> {
  const st = await lstat(root);
  if (st.gid !== fsGroup || !st.isDirectory()) return true;
  const want = (readOnly ? RO_MASK : RW_MASK) | EXEC_MASK;
  return (st.mode & want) !== want || (st.mode & SETGID) === 0;
}

async function changeOne(path: string, fsGroup: number, readOnly: boolean): Promise<boolean> {
  const st = await lstat(path);
  await lchown(path, st.uid, fsGroup);
  if (st.isSymbolicLink()) return false;
  const mode = ownedMode(st.mode, st.isDirectory(), readOnly);
  if (mode !== (st.mode & 0o7777)) await chmod(path, mode);
  return st.isDirectory();
}

async function walk(dir: string, fsGroup: number, readOnly: boolean): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (await changeOne(p, fsGroup, readOnly)) await walk(p, fsGroup, readOnly);
  }
}

/**
 * Makes everything under `root` (root included) group-owned by `fsGroup` with group read/write (read on read-only
 * volumes), and every directory setgid so new files inherit the group. Symlinks are re-grouped, never followed or
 * chmod'ed. Under `OnRootMismatch` nothing is done when the root already fits. Throws on file system errors.
 */
export async function setVolumeOwnership(root: string, fsGroup: number, options: OwnershipOptions): Promise<void> {
  if (options.policy === 'OnRootMismatch' && !(await requiresChange(root, fsGroup, options.readOnly))) return;
  if (await changeOne(root, fsGroup, options.readOnly)) await walk(root, fsGroup, options.readOnly);
}

// Builds the busybox test images (docker.io/library/busybox:1.36, :1.35, :latest) from the host's busybox-static.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { writeOciArchive, type BuiltImage, type ImageDescription, type LayerFile } from '../../src/containerd/oci-archive.js';

/** The refs the busybox test archive is tagged with. */
export const BUSYBOX_REFS = ['docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.35', 'docker.io/library/busybox:latest'];

/** Where Debian's busybox-static installs its binary. */
export const BUSYBOX_PATH = '/usr/bin/busybox';

/** PATH as docker's busybox, nginx and alpine images set it. */
export const IMAGE_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Users and groups of an image's /etc/passwd and /etc/group beyond root and nobody. */
export interface ImageAccount {
  name: string;
  uid: number;
  gid: number;
  /** Group name; default `name`. */
  group?: string;
  home: string;
  shell: string;
  gecos?: string;
}

/** /etc/passwd and /etc/group with root, `accounts` and nobody (65534), in that order. */
export function accountFiles(accounts: ImageAccount[] = []): LayerFile[] {
  const users = [
    'root:x:0:0:root:/root:/bin/sh',
    ...accounts.map((a) => `${a.name}:x:${a.uid}:${a.gid}:${a.gecos ?? ''}:${a.home}:${a.shell}`),
    'nobody:x:65534:65534:nobody:/home:/bin/false',
  ];
  const groups = ['root:x:0:', ...accounts.map((a) => `${a.group ?? a.name}:x:${a.gid}:`), 'nobody:x:65534:'];
  return [
    { path: '/etc/passwd', content: `${users.join('\n')}\n` },
    { path: '/etc/group', content: `${groups.join('\n')}\n` },
  ];
}

/**
 * The busybox userland every test image starts from: /bin/busybox plus a symlink to it for every applet
 * (`busybox --list-full`: /bin/sh, /bin/cat, /usr/bin/tail, /usr/bin/wget, /bin/nc, ...), /etc/hostname,
 * /etc/hosts, /etc/resolv.conf placeholders and empty /tmp (1777) /var /root /proc /sys /dev /home. No
 * /etc/passwd or /etc/group (see {@link accountFiles}). Throws when `busyboxPath` cannot be read or run.
 */
export async function busyboxFiles(busyboxPath = BUSYBOX_PATH): Promise<LayerFile[]> {
  const binary = await readFile(busyboxPath);
  const { stdout } = await promisify(execFile)(busyboxPath, ['--list-full']);
  const applets = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== 'bin/busybox');
  return [
    { path: '/bin/busybox', content: binary, mode: 0o755 },
    ...[...new Set(applets)].map((p): LayerFile => ({ path: `/${p}`, symlink: '/bin/busybox' })),
    { path: '/etc/hostname', content: '' },
    { path: '/etc/hosts', content: '127.0.0.1\tlocalhost\n' },
    { path: '/etc/resolv.conf', content: '' },
    { path: '/tmp', dir: true, mode: 0o1777 },
    { path: '/var', dir: true },
    { path: '/var/tmp', dir: true, mode: 0o1777 },
    { path: '/root', dir: true, mode: 0o700 },
    { path: '/home', dir: true },
    { path: '/proc', dir: true },
    { path: '/sys', dir: true },
    { path: '/dev', dir: true },
  ];
}

/**
 * Merges layer file lists: a later entry for the same path replaces an earlier one (a real binary replaces a
 * busybox applet link of the same name), directories merge. Order of first appearance is kept.
 */
export function overlayFiles(...lists: LayerFile[][]): LayerFile[] {
  const byPath = new Map<string, LayerFile>();
  for (const list of lists) {
    for (const f of list) {
      const key = f.path.replace(/^\/+/, '').replace(/\/+$/, '');
      const prev = byPath.get(key);
      if (prev?.dir && f.dir) continue;
      byPath.set(key, f);
    }
  }
  return [...byPath.values()];
}

/**
 * The busybox image: {@link busyboxFiles} plus /etc/passwd and /etc/group (root, nobody); Cmd ["sh"], PATH as
 * docker's busybox image.
 */
export async function busyboxImageDescription(busyboxPath = BUSYBOX_PATH, refs: string[] = BUSYBOX_REFS): Promise<ImageDescription> {
  return {
    files: [...(await busyboxFiles(busyboxPath)), ...accountFiles()],
    config: { Cmd: ['sh'], Env: [IMAGE_PATH_ENV] },
    refs,
  };
}

/** Writes the busybox OCI archive to `outFile` (≈1 MB gzip, well under a second). Returns the built image. */
export async function buildBusyboxArchive(outFile: string, refs: string[] = BUSYBOX_REFS): Promise<BuiltImage> {
  return writeOciArchive(outFile, await busyboxImageDescription(BUSYBOX_PATH, refs));
}

// Builds the busybox test images (docker.io/library/busybox:1.36, :1.35, :latest) from the host's busybox-static.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { writeOciArchive, type BuiltImage, type ImageDescription, type LayerFile } from '../../src/containerd/oci-archive.js';

/** The refs the busybox test archive is tagged with. */
export const BUSYBOX_REFS = ['docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.35', 'docker.io/library/busybox:latest'];

/**
 * The busybox image: /bin/busybox plus a symlink to it for every applet (`busybox --list-full`),
 * /etc/passwd and /etc/group (root, nobody), /etc/hostname, /etc/hosts, /etc/resolv.conf placeholders and
 * empty /tmp (1777) /var /root /proc /sys /dev /home; Cmd ["sh"], PATH as docker's busybox image.
 */
export async function busyboxImageDescription(busyboxPath = '/usr/bin/busybox', refs: string[] = BUSYBOX_REFS): Promise<ImageDescription> {
  const binary = await readFile(busyboxPath);
  const { stdout } = await promisify(execFile)(busyboxPath, ['--list-full']);
  const applets = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== 'bin/busybox');
  const files: LayerFile[] = [
    { path: '/bin/busybox', content: binary, mode: 0o755 },
    ...[...new Set(applets)].map((p): LayerFile => ({ path: `/${p}`, symlink: '/bin/busybox' })),
    { path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' },
    { path: '/etc/group', content: 'root:x:0:\nnobody:x:65534:\n' },
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
  return {
    files,
    config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    refs,
  };
}

/** Writes the busybox OCI archive to `outFile` (≈1 MB gzip, well under a second). Returns the built image. */
export async function buildBusyboxArchive(outFile: string, refs: string[] = BUSYBOX_REFS): Promise<BuiltImage> {
  return writeOciArchive(outFile, await busyboxImageDescription('/usr/bin/busybox', refs));
}

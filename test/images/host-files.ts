// Copies files of the host's (or an unpacked Debian package's) binaries into test image layers: the binaries, the shared libraries ldd resolves for them, and their versions.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LayerFile } from '../../src/containerd/oci-archive.js';

const exec = promisify(execFile);

/**
 * The shared objects the dynamic loader maps for `binaries`, as absolute host paths in ldd's order and
 * de-duplicated: every `libX.so.N => /lib/...` line plus the loader itself (`/lib64/ld-linux-x86-64.so.2`).
 * The vDSO has no file and is left out. Throws when ldd fails or reports a library "not found".
 */
export async function sharedLibraries(binaries: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const binary of binaries) {
    const { stdout } = await exec('ldd', [binary]);
    for (const line of stdout.split('\n')) {
      const text = line.trim();
      if (text === '' || text.startsWith('linux-vdso') || text.startsWith('linux-gate')) continue;
      if (/=>\s*not found/.test(text)) throw new Error(`cannot copy ${binary} into a test image: ldd says ${text}`);
      const m = /=>\s*(\/\S+)/.exec(text) ?? /^(\/\S+)/.exec(text);
      if (m?.[1]) out.add(m[1]);
    }
  }
  return [...out];
}

/**
 * Layer entries copying `paths` from the host into the image at the same paths (or, with `root`, host
 * `root + path` to image `path`). Symlinks are followed: the image gets the target's content under the
 * linked name. Executable files keep mode 0755, others 0644. Throws when a path cannot be read.
 */
export async function copyFiles(paths: string[], root = ''): Promise<LayerFile[]> {
  const files: LayerFile[] = [];
  for (const path of paths) {
    const source = join(root || '/', path);
    const [content, st] = await Promise.all([readFile(source), stat(source)]);
    files.push({ path, content, mode: st.mode & 0o111 ? 0o755 : 0o644 });
  }
  return files;
}

/**
 * `binaries` (image paths, found on the host under `root`) and every shared library they need, as layer
 * entries. Libraries come from the host's own installed packages, at the paths ldd resolves.
 */
export async function binariesWithLibraries(binaries: string[], root = ''): Promise<LayerFile[]> {
  const libraries = await sharedLibraries(binaries.map((b) => join(root || '/', b)));
  return [...(await copyFiles(binaries, root)), ...(await copyFiles(libraries))];
}

/**
 * "package=version" for each installed Debian package of `packages` ("package=" when it is not installed);
 * used to key the test image cache.
 */
export async function installedVersions(packages: string[]): Promise<string[]> {
  return Promise.all(
    packages.map(async (p) => {
      try {
        const { stdout } = await exec('dpkg-query', ['-W', '-f=${Version}', p]);
        return `${p}=${stdout.trim()}`;
      } catch {
        return `${p}=`;
      }
    }),
  );
}

/** Where scripts/ensure-deps.sh keeps Debian packages it downloads (not installs) for test images. */
export const DEB_CACHE_DIR = process.env['K1S_DEB_CACHE'] ?? '/var/cache/k1s/debs';

/** A Debian package's files, either unpacked from a downloaded .deb or installed on the host. */
export interface PackageSource {
  package: string;
  /** The .deb's file name ("nginx_1.22.1-9+deb12u11_amd64.deb") or "installed=<version>". */
  identity: string;
  /** Absolute directory the package's paths are relative to ("/" when installed). */
  root: string;
}

/** The newest `.deb` of `pkg` in `dir` (by file name), or undefined. */
function cachedDeb(pkg: string, dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))
    .sort()
    .at(-1);
}

/**
 * Identifies where `pkg`'s files come from without unpacking anything: a .deb in {@link DEB_CACHE_DIR}
 * first, else the installed package. Throws, naming scripts/ensure-deps.sh, when it is neither.
 */
export async function locatePackage(pkg: string): Promise<Omit<PackageSource, 'root'> & { deb?: string }> {
  const deb = cachedDeb(pkg, DEB_CACHE_DIR);
  if (deb) return { package: pkg, identity: deb, deb: join(DEB_CACHE_DIR, deb) };
  try {
    const { stdout } = await exec('dpkg-query', ['-W', '-f=${db:Status-Status} ${Version}', pkg]);
    const [status, version] = stdout.trim().split(' ');
    if (status === 'installed') return { package: pkg, identity: `installed=${version ?? ''}` };
  } catch {
    // not known to dpkg
  }
  throw new Error(`cannot build a test image: Debian package "${pkg}" is neither downloaded to ${DEB_CACHE_DIR} nor installed (scripts/ensure-deps.sh downloads it)`);
}

/** {@link locatePackage}, unpacking a downloaded .deb into `workDir/<pkg>` (dpkg-deb -x). */
export async function packageSource(pkg: string, workDir: string): Promise<PackageSource> {
  const found = await locatePackage(pkg);
  if (!found.deb) return { package: pkg, identity: found.identity, root: '/' };
  const root = join(workDir, pkg);
  await mkdir(root, { recursive: true });
  await exec('dpkg-deb', ['-x', found.deb, root]);
  return { package: pkg, identity: found.identity, root };
}

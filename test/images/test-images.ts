// The e2e suites' image catalogue: builds every test image archive once, caches the archives under a temp dir keyed by what went into them, and says which refs they serve.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostArchitecture, writeOciArchive, type ImageDescription } from '../../src/containerd/oci-archive.js';
import { BUSYBOX_REFS, busyboxImageDescription } from './busybox.js';
import { CURL_REFS, curlImageDescription } from './curl.js';
import { installedVersions, locatePackage, packageSource } from './host-files.js';
import { NGINX_ALPINE_REFS, NGINX_DEBIAN_REFS, nginxImageDescription } from './nginx.js';
import { POSTGRES_STAND_IN_REFS, postgresStandInDescription } from './postgres-stand-in.js';

/** One built archive of the catalogue. */
export interface TestImageArchive {
  /** Short name: busybox, nginx, nginx-alpine, curl, postgres-stand-in. */
  name: string;
  file: string;
  refs: string[];
  /** Archive size, bytes (the gzip layer is nearly all of it). */
  bytes: number;
}

/** The catalogue's archives, built now or found in the cache. */
export interface TestImages {
  /** The busybox archive, which clusters import at start (tagged busybox images need no pull). */
  busybox: string;
  /** Every archive, busybox first; the e2e registry mirror serves them all. */
  archives: TestImageArchive[];
  /** Every ref served, e.g. "docker.io/library/nginx:1.25-alpine". */
  refs: string[];
  /** Directory holding the archives. */
  dir: string;
  /** Time spent building, ms (0 when every archive came from the cache). */
  buildMs: number;
}

/** Debian packages whose installed files end up in the images: a new version of any of them means a rebuild. */
const HOST_PACKAGES = ['busybox-static', 'curl', 'libcurl4', 'bash', 'libc6', 'libssl3', 'libpcre2-8-0', 'zlib1g', 'libcrypt1'];

/** Packages taken from downloaded .debs (or, failing that, the installed package): not installed by k1s. */
const DEB_PACKAGES = ['nginx', 'nginx-common'];

/** The builder's own compiled modules: editing one means a rebuild. */
const BUILDER_MODULES = ['busybox.js', 'curl.js', 'host-files.js', 'nginx.js', 'postgres-stand-in.js', 'test-images.js'];

/** Every ref of the catalogue, by archive name. */
export const TEST_IMAGE_REFS: Record<string, string[]> = {
  busybox: BUSYBOX_REFS,
  nginx: NGINX_DEBIAN_REFS,
  'nginx-alpine': NGINX_ALPINE_REFS,
  curl: CURL_REFS,
  'postgres-stand-in': POSTGRES_STAND_IN_REFS,
};

/** The default cache root: $TMPDIR/k1s-test-images. */
export const TEST_IMAGE_CACHE = join(tmpdir(), 'k1s-test-images');

/** Hex sha256 of what the archives are built from: builder sources, package versions, .deb names, architecture. */
export async function testImagesKey(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  for (const m of BUILDER_MODULES) hash.update(existsSync(join(here, m)) ? await readFile(join(here, m)) : m);
  const archiveModule = fileURLToPath(new URL('../../src/containerd/oci-archive.js', import.meta.url));
  if (existsSync(archiveModule)) hash.update(await readFile(archiveModule));
  hash.update((await installedVersions(HOST_PACKAGES)).join('\n'));
  for (const p of DEB_PACKAGES) hash.update(`\n${(await locatePackage(p)).identity}`);
  hash.update(`\n${hostArchitecture()}`);
  return hash.digest('hex');
}

/** Removes cache entries of other keys that nobody touched for a day (another checkout may still use newer ones). */
function pruneOld(root: string, keep: string): void {
  for (const entry of readdirSync(root)) {
    if (entry === keep) continue;
    const path = join(root, entry);
    try {
      if (Date.now() - statSync(path).mtimeMs > 24 * 3600_000) void rm(path, { recursive: true, force: true });
    } catch {
      // already gone
    }
  }
}

async function build(dir: string): Promise<void> {
  const nginx = await packageSource('nginx', join(dir, 'debs'));
  const nginxCommon = await packageSource('nginx-common', join(dir, 'debs'));
  const descriptions: Record<string, () => Promise<ImageDescription>> = {
    busybox: () => busyboxImageDescription(),
    nginx: () => nginxImageDescription('debian', nginx, nginxCommon),
    'nginx-alpine': () => nginxImageDescription('alpine', nginx, nginxCommon),
    curl: () => curlImageDescription(),
    'postgres-stand-in': () => postgresStandInDescription(),
  };
  for (const [name, describe] of Object.entries(descriptions)) await writeOciArchive(join(dir, `${name}.tar`), await describe());
  await rm(join(dir, 'debs'), { recursive: true, force: true });
}

let memo: Promise<TestImages> | undefined;

/**
 * The catalogue's archives: from `cacheRoot/<key>/` when a previous build (in this or another process) left
 * them there, else built into a fresh directory and renamed into place (so a concurrent reader never sees a
 * half-written archive). Memoised per process. Throws when an image cannot be built (a package missing:
 * scripts/ensure-deps.sh installs or downloads them).
 */
export function testImages(cacheRoot = TEST_IMAGE_CACHE): Promise<TestImages> {
  if (cacheRoot === TEST_IMAGE_CACHE && memo) return memo;
  const p = (async (): Promise<TestImages> => {
    const key = (await testImagesKey()).slice(0, 20);
    const dir = join(cacheRoot, key);
    let buildMs = 0;
    if (!existsSync(join(dir, 'done'))) {
      const t0 = Date.now();
      await mkdir(cacheRoot, { recursive: true });
      const work = join(cacheRoot, `.build-${process.pid}-${Date.now()}`);
      await mkdir(work, { recursive: true });
      try {
        await build(work);
        await mkdir(join(work, 'done'));
        await rename(work, dir).catch(async (err: unknown) => {
          if (!existsSync(join(dir, 'done'))) throw err;
        });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
      buildMs = Date.now() - t0;
      pruneOld(cacheRoot, key);
    }
    const archives = await Promise.all(
      Object.entries(TEST_IMAGE_REFS).map(async ([name, refs]) => {
        const file = join(dir, `${name}.tar`);
        return { name, file, refs, bytes: (await stat(file)).size };
      }),
    );
    return { busybox: join(dir, 'busybox.tar'), archives, refs: archives.flatMap((a) => a.refs), dir, buildMs };
  })();
  if (cacheRoot === TEST_IMAGE_CACHE) {
    memo = p;
    p.catch(() => {
      memo = undefined;
    });
  }
  return p;
}

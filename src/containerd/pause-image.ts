// Builds the pod sandbox ("pause") image from the host's static catatonit and imports it into containerd.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCriClient } from '../cri/client.js';
import { importImages } from './images.js';
import { buildOciArchive, buildOciImage, writeOciArchive, type ImageDescription } from './oci-archive.js';
import { runtimePaths } from './paths.js';

/**
 * The sandbox image k1s builds and sets as containerd's sandbox_image. A k1s.local name, so it can
 * never be mistaken for (or silently replaced by a pull of) upstream's registry.k8s.io/pause.
 */
export const PAUSE_IMAGE = 'k1s.local/pause:3.9';

/** The image description of the pause image: /catatonit (static) run as `catatonit -P` (pause mode). */
export async function pauseImageDescription(catatonitPath = '/usr/bin/catatonit'): Promise<ImageDescription> {
  const binary = await readFile(catatonitPath).catch((err: unknown) => {
    throw new Error(`cannot build pause image: cannot read "${catatonitPath}" (install the catatonit package)`, { cause: err });
  });
  return {
    files: [
      { path: '/catatonit', content: binary, mode: 0o755 },
      { path: '/etc/passwd', content: 'root:x:0:0:root:/:/catatonit\nnobody:x:65534:65534:nobody:/:/catatonit\n' },
      { path: '/etc/group', content: 'root:x:0:\nnogroup:x:65534:\n' },
      { path: '/dev', dir: true },
      { path: '/proc', dir: true },
      { path: '/sys', dir: true },
    ],
    config: { Entrypoint: ['/catatonit', '-P'], Env: ['PATH=/'], WorkingDir: '/', User: '65535:65535' },
    refs: [PAUSE_IMAGE],
  };
}

/**
 * Writes the pause image's OCI archive to `outDir`/pause.tar and imports it into the k8s.io namespace of
 * the containerd at `endpoint`. Idempotent (the build is reproducible). Returns the archive path.
 * Throws when catatonit is missing or the import fails.
 */
export async function buildAndImportPauseImage(endpoint: string, outDir: string, options: { catatonitPath?: string } = {}): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, 'pause.tar');
  await writeOciArchive(file, await pauseImageDescription(options.catatonitPath));
  await importImages(endpoint, [file]);
  return file;
}

/**
 * Makes sure the containerd at `endpoint` has exactly the pause image this host's catatonit yields:
 * builds it in memory (reproducible, so its id is known), and imports it only when CRI reports a
 * different or no image under PAUSE_IMAGE. The archive goes to DATA_DIR/containerd/images/pause.tar.
 * Returns whether an import happened. Called by `k1s server` before the kubelet starts.
 */
export async function ensurePauseImage(options: { endpoint: string; dataDir: string; catatonitPath?: string }): Promise<boolean> {
  const image = await buildOciImage(await pauseImageDescription(options.catatonitPath));
  const cri = createCriClient(options.endpoint);
  try {
    const present = await cri.images.imageStatus(PAUSE_IMAGE);
    if (present?.id === image.config.digest) return false;
  } finally {
    cri.close();
  }
  const dir = runtimePaths(options.dataDir).images;
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'pause.tar');
  await writeFile(file, await buildOciArchive([image]));
  await importImages(options.endpoint, [file]);
  return true;
}

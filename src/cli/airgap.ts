/**
 * The airgap image directory, as k3s's agent/images: every image archive in DATA_DIR/agent/images (.tar,
 * .tar.gz/.tgz, .tar.zst/.tzst; OCI or docker-archive) is imported into the runtime when `k1s server` starts,
 * before the kubelet, so pods whose images were carried in on disk start without a registry.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isArchiveName } from '../containerd/image-archive.js';
import { importImagesDetailed } from '../containerd/images.js';

/** DATA_DIR/agent/images: where the server looks for airgap image archives (k3s's path under its data dir). */
export function airgapImagesDir(dataDir: string): string {
  return join(dataDir, 'agent', 'images');
}

/** One archive of the directory and what came of it. */
export interface AirgapResult {
  file: string;
  /** Image names imported (empty when it failed). */
  images: string[];
  elapsedMs: number;
  /** Why it could not be imported (one line), when it could not. */
  error?: string;
}

/**
 * The archives of `dir`, sorted by name: regular files whose names end in an archive suffix. A missing
 * directory is an empty list; other read errors propagate.
 */
export async function airgapArchives(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const files: string[] = [];
  for (const name of names.filter(isArchiveName).sort()) {
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s?.isFile()) files.push(join(dir, name));
  }
  return files;
}

/**
 * Imports every archive of {@link airgapImagesDir}(dataDir) into the containerd at `endpoint`, one at a time;
 * an archive that fails (corrupt, unnamed images) is reported in its result and the rest go on, as k3s logs
 * and skips such a file. Tag-only OCI images are named after the file (busybox.tar → docker.io/library/busybox:TAG).
 * Every start imports again (containerd keeps content it has, so a re-import only re-reads the archive).
 */
export async function importAirgapImages(endpoint: string, dataDir: string): Promise<AirgapResult[]> {
  const results: AirgapResult[] = [];
  for (const file of await airgapArchives(airgapImagesDir(dataDir))) {
    const t0 = Date.now();
    try {
      const images = await importImagesDetailed(endpoint, [file]);
      results.push({ file, images: images.map((i) => i.name), elapsedMs: Date.now() - t0 });
    } catch (err) {
      results.push({ file, images: [], elapsedMs: Date.now() - t0, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return results;
}

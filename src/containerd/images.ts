// Imports image archives into containerd's CRI namespace and lists images through CRI.

import { createCriClient } from '../cri/client.js';
import type { CriImage } from '../cri/types.js';
import { runCtr, type CtrOptions } from './ctr.js';

/**
 * Normalises an image reference the way CRI/docker do (distribution/reference ParseDockerRef):
 * "busybox" → "docker.io/library/busybox:latest", "busybox:1.36" → "docker.io/library/busybox:1.36",
 * "me/app" → "docker.io/me/app:latest", "quay.io/x/y@sha256:…" unchanged. The first path component is
 * a registry when it contains "." or ":" or is "localhost". Throws on an empty or upper-case repository.
 */
export function normalizeImageRef(ref: string): string {
  const trimmed = ref.trim();
  if (trimmed === '') throw new Error('invalid image reference "": empty');
  const slash = trimmed.indexOf('/');
  const first = slash >= 0 ? trimmed.slice(0, slash) : '';
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let domain = hasDomain ? first : 'docker.io';
  let rest = hasDomain ? trimmed.slice(slash + 1) : trimmed;
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  const at = rest.indexOf('@');
  const namePart = at >= 0 ? rest.slice(0, at) : rest;
  const colon = namePart.lastIndexOf(':');
  const repository = colon >= 0 ? namePart.slice(0, colon) : namePart;
  if (repository === '' || repository !== repository.toLowerCase()) {
    throw new Error(`invalid image reference "${ref}": repository name must be lowercase`);
  }
  const tagged = colon >= 0 || at >= 0 ? rest : `${rest}:latest`;
  return `${domain}/${tagged}`;
}

/** Options of {@link importImages}. */
export interface ImportOptions extends CtrOptions {
  /** Wait until CRI reports every imported image, up to this many ms; default 10 000, 0 = don't wait. */
  waitForCriMs?: number;
}

/**
 * Imports OCI image-layout and docker-archive (`docker save`) tars into the `k8s.io` namespace of the
 * containerd at `endpointOrSocket`, unpacked into overlayfs so CRI can start containers from them at once.
 * Names come from the archive (io.containerd.image.name / RepoTags; ctr normalises docker-archive names
 * like "busybox:1.36" to docker.io/library/busybox:1.36). Then waits until CRI's image cache lists each
 * imported name. Returns the imported names. Throws `cannot import image archive "<file>": ...`.
 */
export async function importImages(endpointOrSocket: string, files: string[], options: ImportOptions = {}): Promise<string[]> {
  const names: string[] = [];
  for (const file of files) {
    let output: string;
    try {
      output = await runCtr(endpointOrSocket, ['images', 'import', '--snapshotter', 'overlayfs', file], options);
    } catch (err) {
      throw new Error(`cannot import image archive "${file}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    // ctr prints "unpacking <name> (sha256:...)...done" for each image.
    for (const m of output.matchAll(/^unpacking (\S+) \(sha256:[0-9a-f]+\)/gm)) if (m[1]) names.push(m[1]);
  }
  const waitMs = options.waitForCriMs ?? 10_000;
  if (waitMs > 0 && names.length > 0) await waitForCriImages(endpointOrSocket, names, waitMs);
  return names;
}

/** Polls CRI ImageStatus until every name is present; throws after `timeoutMs`. */
async function waitForCriImages(endpoint: string, names: string[], timeoutMs: number): Promise<void> {
  const client = createCriClient(endpoint);
  try {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(names);
    for (;;) {
      for (const name of [...pending]) if (await client.images.imageStatus(name)) pending.delete(name);
      if (pending.size === 0) return;
      if (Date.now() > deadline) throw new Error(`imported images not visible to CRI after ${timeoutMs}ms: ${[...pending].join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.close();
  }
}

/** Lists images through CRI ListImages (what `k1s images list` and `crictl images` show). */
export async function listImages(endpoint: string): Promise<CriImage[]> {
  const client = createCriClient(endpoint);
  try {
    return await client.images.listImages();
  } finally {
    client.close();
  }
}

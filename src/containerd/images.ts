// Imports image archives into containerd's CRI namespace and lists images through CRI.

import { stat } from 'node:fs/promises';
import { createCriClient } from '../cri/client.js';
import { inspectImageArchive, openArchive, type ArchiveContents } from './image-archive.js';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME } from './oci-archive.js';
import type { CriImage } from '../cri/types.js';
import { runCtr, type CtrOptions } from './ctr.js';
import { watchLayers } from './layer-progress.js';

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

/**
 * One step of an import, for progress output: an archive starts (its size in bytes), a layer advances (bytes
 * of it read so far of its size, and of the whole archive when known), an archive is done (images, bytes, ms).
 */
export type ImportProgress =
  | { kind: 'archive-start'; file: string; totalBytes: number }
  | { kind: 'layer'; file: string; layer: string; doneBytes: number; totalBytes: number; archiveDoneBytes?: number }
  | { kind: 'archive-done'; file: string; images: number; bytes: number; elapsedMs: number };

/** Options of {@link importImages}. */
export interface ImportOptions extends CtrOptions {
  /** Called as each archive starts and ends (see {@link ImportProgress}); must not throw. */
  onProgress?: (event: ImportProgress) => void;
  /** Wait until CRI reports every imported image, up to this many ms; default 10 000, 0 = don't wait. */
  waitForCriMs?: number;
  /**
   * Repository for the images an OCI archive names by tag only (`k1s images import --name`), e.g.
   * "busybox" or "registry.local/team/app"; default {@link defaultRepositoryFor}(file). See {@link importedImageName}.
   */
  repository?: string;
  /** Archives already inspected by the caller (inspectImageArchive), by file path, so they are not read again. */
  inspected?: ReadonlyMap<string, ArchiveContents>;
}

/** How an archive's OCI index names its images (see {@link ociIndexNaming}). */
export interface IndexNaming {
  /** Entries named in full (io.containerd.image.name, or a ref.name that is a whole reference). */
  fullNames: string[];
  /** Entries named by a tag only (ref.name like "1.36", as umoci and `skopeo copy oci-archive:` write). */
  tagOnly: string[];
}

/**
 * Classifies the manifests of an OCI image-layout `index.json` text: a manifest with
 * io.containerd.image.name, or whose org.opencontainers.image.ref.name contains "/", ":" or "@", is
 * named in full; one whose ref.name is a bare tag is tag-only; unnamed ones are ignored (ctr imports them
 * only with --digests). Mirrors containerd's archive importer (ociReferenceName + refTranslator).
 * Throws on text that is not an index.
 */
export function ociIndexNaming(indexJson: string): IndexNaming {
  const index = JSON.parse(indexJson) as { manifests?: Array<{ annotations?: Record<string, string> }> };
  if (!Array.isArray(index.manifests)) throw new Error('invalid OCI index: no "manifests" array');
  const naming: IndexNaming = { fullNames: [], tagOnly: [] };
  for (const m of index.manifests) {
    const full = m.annotations?.[ANNOTATION_IMAGE_NAME];
    const ref = m.annotations?.[ANNOTATION_REF_NAME];
    if (full) naming.fullNames.push(full);
    else if (ref && /[/:@]/.test(ref)) naming.fullNames.push(ref);
    else if (ref) naming.tagOnly.push(ref);
  }
  return naming;
}

/** One image an import created: its final name, and the tag-only ref it came from (if any). */
export interface ImportedImage {
  name: string;
  file: string;
  /** The OCI ref.name ("1.36") when the archive named the image by tag only and k1s chose the repository. */
  tagOnlyRef?: string;
}

/**
 * ctr's name for an image whose OCI index entry has only `org.opencontainers.image.ref.name: <tag>` (no
 * io.containerd.image.name), as umoci and `skopeo copy … oci-archive:` write: ctr (without --base-name)
 * prefixes the tag with "import-<local date>" (containerd cmd/ctr/commands/images/import.go,
 * archive.AddRefPrefix), a name CRI never resolves. Matches "import-2026-12-01:1.36" and "@sha256:…" forms.
 */
const CTR_DATE_PREFIX = /^import-\d{4}-\d{2}-\d{2}([:@].+)$/;

/** A valid last path component of a repository (distribution/reference path-component grammar). */
const REPOSITORY_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * The default repository for tag-only images of `file`: its base name without `.tar`, `.tar.gz`,
 * `.tgz`, `.tar.zst`, `.tzst`, `.oci` (so busybox.tar with ref.name 1.36 becomes docker.io/library/busybox:1.36, the name
 * `docker load`/kubectl users expect). Throws when the base name is not a valid repository name.
 */
export function defaultRepositoryFor(file: string): string {
  let base = file.slice(file.lastIndexOf('/') + 1);
  for (let prev = ''; prev !== base; ) {
    prev = base;
    base = base.replace(/\.(tar|tgz|gz|tzst|zst|oci)$/i, '');
  }
  if (!REPOSITORY_COMPONENT.test(base)) {
    throw new Error(`cannot name the images of "${file}" that its index names by tag only: "${base}" is not a repository name; give one with --name REPOSITORY`);
  }
  return base;
}

/**
 * Validates a `--name` repository ("busybox", "me/app", "registry.local:5000/team/app") and returns it
 * normalised ("docker.io/library/busybox"). Throws when it is empty, not lower case, or carries a tag or
 * digest (the tags come from the archive).
 */
export function normalizeRepository(repository: string): string {
  const last = repository.slice(repository.lastIndexOf('/') + 1);
  if (last.includes(':') || last.includes('@') || !REPOSITORY_COMPONENT.test(last)) {
    throw new Error(`invalid repository "${repository}": expected a name like busybox or registry.local/team/app, without tag or digest (the tags come from the archive)`);
  }
  return normalizeImageRef(repository).replace(/:latest$/, '');
}

/**
 * The name k1s gives an image ctr imported as `ctrName` from `file`: a tag-only ref ("import-<date>:1.36",
 * see CTR_DATE_PREFIX) becomes `<repository>:1.36` normalised (repository = `repository` or
 * {@link defaultRepositoryFor}(file)), e.g. docker.io/library/busybox:1.36; any other name (the archive's
 * io.containerd.image.name, or a docker-archive RepoTag) is kept as is. Like `ctr images import --base-name`,
 * but without dropping the archive's fully named images. Throws as defaultRepositoryFor / normalizeRepository.
 */
export function importedImageName(ctrName: string, file: string, repository?: string): ImportedImage {
  const m = CTR_DATE_PREFIX.exec(ctrName);
  if (!m) return { name: ctrName, file };
  const repo = normalizeRepository(repository ?? defaultRepositoryFor(file));
  return { name: `${repo}${m[1]}`, file, tagOnlyRef: m[1]!.replace(/^:/, '') };
}

/**
 * Imports OCI image-layout and docker-archive (`docker save`) tars, plain, gzip or zstd compressed (see
 * inspectImageArchive; compressed ones reach `ctr images import -` decompressed on its stdin), into the `k8s.io`
 * namespace of the containerd at `endpointOrSocket`, unpacked into overlayfs so CRI can start containers from them at once.
 * Names come from the archive (io.containerd.image.name / RepoTags; ctr normalises docker-archive names
 * like "busybox:1.36" to docker.io/library/busybox:1.36). Then waits until CRI's image cache lists each
 * imported name. Returns the imported names. Throws `cannot import image archive "<file>": ...`.
 */
export async function importImages(endpointOrSocket: string, files: string[], options: ImportOptions = {}): Promise<string[]> {
  return (await importImagesDetailed(endpointOrSocket, files, options)).map((i) => i.name);
}

/**
 * {@link importImages}, returning for each image where it landed and whether k1s chose its repository
 * (tag-only OCI refs, renamed from ctr's "import-<date>:<tag>" with `ctr images tag` + `ctr images rm`).
 */
export async function importImagesDetailed(endpointOrSocket: string, files: string[], options: ImportOptions = {}): Promise<ImportedImage[]> {
  const imported: ImportedImage[] = [];
  if (options.repository !== undefined) normalizeRepository(options.repository);
  for (const file of files) {
    let output: string;
    const t0 = Date.now();
    const before = imported.length;
    const bytes = options.onProgress ? await stat(file).then((s) => s.size, () => 0) : 0;
    options.onProgress?.({ kind: 'archive-start', file, totalBytes: bytes });
    const done = () => options.onProgress?.({ kind: 'archive-done', file, images: imported.length - before, bytes, elapsedMs: Date.now() - t0 });
    try {
      // What the archive is, read before ctr sees it: one clear line for what ctr could not import.
      const contents = options.inspected?.get(file) ?? (await inspectImageArchive(file));
      const naming = contents.format === 'oci' && contents.indexJson !== undefined ? ociIndexNaming(contents.indexJson) : undefined;
      if (naming && naming.fullNames.length === 0 && naming.tagOnly.length === 0) {
        throw new Error('its index.json names no image (no org.opencontainers.image.ref.name or io.containerd.image.name annotation)');
      }
      // An archive naming its images by tag only: let ctr name them <repository>:<tag> itself
      // (--base-name), so no "import-<date>:<tag>" image ever exists. Mixed archives are renamed below.
      let baseName: string[] = [];
      if (naming && naming.tagOnly.length > 0 && naming.fullNames.length === 0) {
        baseName = ['--base-name', normalizeRepository(options.repository ?? defaultRepositoryFor(file))];
      }
      // A compressed archive reaches ctr decompressed on its stdin (ctr reads plain tars only); so does any archive
      // whose layers' progress is asked for (read here on their way to ctr).
      const progress = options.onProgress;
      const opened = contents.compression === 'none' && !progress ? undefined : openArchive(file, contents.compression);
      if (opened && progress) {
        void watchLayers(opened.stream, (p) =>
          progress({ kind: 'layer', file, layer: p.layer, doneBytes: p.doneBytes, totalBytes: p.totalBytes, ...(contents.compression === 'none' ? { archiveDoneBytes: p.archiveDoneBytes } : {}) }),
        );
      }
      try {
        output = await runCtr(endpointOrSocket, ['images', 'import', '--snapshotter', 'overlayfs', ...baseName, opened ? '-' : file], { ...options, ...(opened ? { stdin: opened.stream } : {}) });
        await opened?.done;
      } catch (err) {
        opened?.close();
        throw await (opened?.done ?? Promise.resolve()).then(() => err, (e: unknown) => e);
      }
      if (baseName.length > 0) {
        for (const m of output.matchAll(/^unpacking (\S+) \(sha256:[0-9a-f]+\)/gm)) {
          if (m[1]) imported.push({ name: m[1], file, tagOnlyRef: m[1].slice(baseName[1]!.length + 1) });
        }
        done();
        continue;
      }
    } catch (err) {
      const why = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, '; ');
      throw new Error(`cannot import image archive "${file}": ${why}`, { cause: err });
    }
    // ctr prints "unpacking <name> (sha256:...)...done" for each image.
    for (const m of output.matchAll(/^unpacking (\S+) \(sha256:[0-9a-f]+\)/gm)) {
      if (!m[1]) continue;
      const image = importedImageName(m[1], file, options.repository);
      if (image.name !== m[1]) {
        try {
          await runCtr(endpointOrSocket, ['images', 'tag', '--force', m[1], image.name], options);
          await runCtr(endpointOrSocket, ['images', 'rm', m[1]], options);
        } catch (err) {
          throw new Error(`cannot import image archive "${file}": naming "${m[1]}" as "${image.name}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      }
      imported.push(image);
    }
    done();
  }
  const names = imported.map((i) => i.name);
  const waitMs = options.waitForCriMs ?? 10_000;
  if (waitMs > 0 && names.length > 0) await waitForCriImages(endpointOrSocket, names, waitMs);
  return imported;
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

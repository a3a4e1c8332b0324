/**
 * Finds the runnable pod manifests in the user's seed documents (../shared/seeds): every YAML document of
 * kind Pod whose images the test image catalogue serves (busybox, nginx, curlimages/curl...) and that neither
 * reaches outside the pod nor waits for a Service.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Pod } from '../../src/api/types.js';
import { TEST_IMAGE_REFS } from '../images/test-images.js';
import { repoRoot } from './paths.js';

/** The seeds folder beside the repository, as CI lays it out. */
export const seedsDir = join(repoRoot, '..', 'shared', 'seeds');

/** One pod manifest found in a seed. */
export interface SeedPod {
  /** Seed file name. */
  seed: string;
  name: string;
  /** The manifest text exactly as the seed has it. */
  text: string;
  pod: Pod;
}

/**
 * Commands that need DNS, a Service the seeds' labs create elsewhere, or the internet. Talking to localhost (another
 * container of the same pod) is fine.
 */
const needsNetwork = /\b(nslookup|dig|git|ping|nc -z)\b|https?:\/\/(?!(?:localhost|127\.0\.0\.1)(?:[:/'"\s]|$))/;

/** The full reference of an image name as containerd resolves it: "nginx" → "docker.io/library/nginx:latest". */
export function fullImageRef(image: string): string {
  const first = image.split('/')[0] ?? '';
  const domained = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let ref = domained ? image : `docker.io/${image.includes('/') ? image : `library/${image}`}`;
  if (!ref.includes('@') && !/:[^/]+$/.test(ref)) ref += ':latest';
  return ref;
}

const servedRefs = new Set(Object.values(TEST_IMAGE_REFS).flat());

/** True when the test registry mirror (or the busybox import) serves `image`. */
export function servedImage(image: string): boolean {
  return servedRefs.has(fullImageRef(image));
}

function candidateBlocks(doc: string): string[] {
  const blocks: string[] = [];
  // Fenced blocks (```yaml, ```bash with heredocs); the manifest starts at "apiVersion:" and ends at EOF or the fence.
  for (const fence of doc.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
    const body = fence[1] ?? '';
    for (const m of body.matchAll(/(^apiVersion:[\s\S]*?)(?=^EOF\s*$|(?![\s\S]))/gm)) blocks.push(m[1] ?? '');
  }
  return blocks;
}

function images(pod: Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.image ?? '');
}

/** One YAML document of a seed's fenced blocks. */
export interface SeedDocument {
  /** Seed file name. */
  seed: string;
  /** The document's text exactly as the seed has it. */
  text: string;
  obj: { kind?: string; metadata?: { name?: string } } & Record<string, unknown>;
}

/** Every parseable YAML object of the seeds' fenced blocks, in file order; [] when the seeds are not beside the repo. */
export function seedDocuments(): SeedDocument[] {
  if (!existsSync(seedsDir)) return [];
  const out: SeedDocument[] = [];
  for (const seed of readdirSync(seedsDir).sort()) {
    const doc = readFileSync(join(seedsDir, seed), 'utf8');
    for (const text of candidateBlocks(doc)) {
      let parsed;
      try {
        parsed = parseAllDocuments(text);
      } catch {
        continue;
      }
      for (const d of Array.isArray(parsed) ? parsed : [parsed]) {
        if (d.errors.length) continue;
        const obj = d.toJS() as SeedDocument['obj'] | null;
        if (obj && typeof obj === 'object') out.push({ seed, text: d.toString(), obj });
      }
    }
  }
  return out;
}

/** Every runnable pod manifest of the seeds whose images the test images cover; [] when the seeds are not beside the repo. */
export function seedPods(): SeedPod[] {
  const out: SeedPod[] = [];
  for (const { seed, text, obj: raw } of seedDocuments()) {
    const obj = raw as unknown as Pod;
    if (obj.kind !== 'Pod' || !obj.metadata?.name || !obj.spec?.containers) continue;
    if (!images(obj).every(servedImage)) continue;
    if (needsNetwork.test(JSON.stringify(obj.spec))) continue;
    if ((obj.spec.volumes ?? []).some((v) => v.persistentVolumeClaim)) continue;
    out.push({ seed, name: obj.metadata.name, text, pod: obj });
  }
  return out;
}

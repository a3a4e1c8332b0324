/**
 * Finds the runnable pod manifests in the user's seed documents (../shared/seeds): every YAML document of
 * kind Pod whose containers all use busybox and that neither reaches the network nor waits for a Service.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Pod } from '../../src/api/types.js';
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

/** Commands that need a network, DNS or a Service the seeds' labs create elsewhere. */
const needsNetwork = /\b(nslookup|wget|curl|git|nc -z|ping)\b|https?:\/\//;

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

/** Every runnable busybox pod manifest of the seeds; [] when the seeds are not beside the repo. */
export function seedPods(): SeedPod[] {
  if (!existsSync(seedsDir)) return [];
  const out: SeedPod[] = [];
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
        const obj = d.toJS() as Pod | null;
        if (!obj || obj.kind !== 'Pod' || !obj.metadata?.name || !obj.spec?.containers) continue;
        if (!images(obj).every((i) => /^busybox(:[\w.-]+)?$/.test(i))) continue;
        if (needsNetwork.test(JSON.stringify(obj.spec))) continue;
        if ((obj.spec.volumes ?? []).some((v) => v.persistentVolumeClaim)) continue;
        out.push({ seed, name: obj.metadata.name, text: d.toString(), pod: obj });
      }
    }
  }
  return out;
}

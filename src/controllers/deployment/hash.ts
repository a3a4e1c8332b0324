// The pod-template-hash of a Deployment's template (controller.ComputeHash) and template equality ignoring it.

import type { PodTemplateSpec } from '../../api/workloads.js';
import { spew } from './go-spew.js';

/** The label a Deployment's ReplicaSets, their selectors and pods carry (`apps.DefaultDeploymentUniqueLabelKey`). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** FNV-1a, 32 bits, over `bytes` starting from `hash` (Go's hash/fnv New32a). */
export function fnv32a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery `rand.SafeEncodeString`: each character mapped into consonants and digits that spell no words. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}

/**
 * `controller.ComputeHash`: FNV-32a of go-spew's `%#v` rendering of the template as the Go value
 * `v1.PodTemplateSpec` (./go-spew.ts), followed, when `collisionCount` is set, by its value as 8 bytes
 * (uint32 little-endian, then four zero bytes); the decimal Sum32 is then SafeEncodeString'd
 * (e.g. `6b9d6d4c7f`).
 */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(spew(template, 'core.PodTemplateSpec'), 'utf8'));
  if (collisionCount !== undefined) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

function withoutHash(t: PodTemplateSpec): PodTemplateSpec {
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...t, metadata: { ...(t.metadata ?? {}), labels } };
}

/**
 * `deploymentutil.EqualIgnoreHash`: the templates are semantically equal (apimachinery `Semantic.DeepEqual`:
 * nil and empty lists/maps alike, quantities by value) once the pod-template-hash label is removed from both.
 */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return spew(withoutHash(a ?? {}), 'core.PodTemplateSpec', 'value') === spew(withoutHash(b ?? {}), 'core.PodTemplateSpec', 'value');
}

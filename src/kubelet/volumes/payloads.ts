// File payloads of configMap, secret, downwardAPI and projected volumes (pkg/volume/{configmap,secret,downwardapi,projected}).

import type { ConfigMap, KeyToPath, Pod, Secret } from '../../api/types.js';
import { podFieldValue, type EnvFacts } from '../container/env.js';
import { resourceValue } from '../container/resources.js';
import type { FileProjection } from './atomic-writer.js';

/** Default file mode of these volumes (0644). */
export const DEFAULT_MODE = 0o644;

/** A required volume source that is missing; message as upstream (`configmap "x" not found`). */
export class VolumeSourceError extends Error {
  override readonly name = 'VolumeSourceError';
}

/**
 * Payload of a key/value source: all keys, or only `items` (a listed key missing is an error unless optional).
 * `kindForMessage` is `configmap` or `secret` (message `configmap references non-existent config key: k`).
 */
export function keyValuePayload(
  data: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number | undefined,
  optional: boolean,
  kindForMessage: 'configmap' | 'secret',
): Map<string, FileProjection> {
  const mode = defaultMode ?? DEFAULT_MODE;
  const out = new Map<string, FileProjection>();
  if (!items || items.length === 0) {
    for (const [k, v] of data) out.set(k, { data: v, mode });
    return out;
  }
  for (const it of items) {
    const v = data.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeSourceError(
        kindForMessage === 'configmap'
          ? `configmap references non-existent config key: ${it.key}`
          : `references non-existent secret key: ${it.key}`,
      );
    }
    out.set(it.path, { data: v, mode: it.mode ?? mode });
  }
  return out;
}

/** ConfigMap data and binaryData as bytes. */
export function configMapData(cm: ConfigMap | undefined): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm?.data ?? {})) m.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm?.binaryData ?? {})) m.set(k, Buffer.from(v, 'base64'));
  return m;
}

/** Secret data (base64-decoded) as bytes. */
export function secretData(s: Secret | undefined): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(s?.data ?? {})) m.set(k, Buffer.from(v, 'base64'));
  return m;
}

/** One downwardAPI item (`DownwardAPIVolumeFile`). */
export interface DownwardAPIItem {
  path: string;
  fieldRef?: { fieldPath: string };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number };
  mode?: number;
}

function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

/** Payload of downwardAPI items: whole labels/annotations render as sorted `key="value"` lines. */
export function downwardAPIPayload(pod: Pod, items: DownwardAPIItem[], defaultMode: number | undefined, facts: EnvFacts): Map<string, FileProjection> {
  const mode = defaultMode ?? DEFAULT_MODE;
  const out = new Map<string, FileProjection>();
  for (const it of items) {
    let value = '';
    if (it.fieldRef) {
      const fp = it.fieldRef.fieldPath;
      if (fp === 'metadata.labels') value = formatMap(pod.metadata.labels);
      else if (fp === 'metadata.annotations') value = formatMap(pod.metadata.annotations);
      else value = podFieldValue(pod, fp, facts);
    } else if (it.resourceFieldRef) {
      const self = pod.spec.containers.find((c) => c.name === it.resourceFieldRef!.containerName) ?? pod.spec.containers[0]!;
      value = resourceValue(pod, self, it.resourceFieldRef, facts.allocatable);
    }
    out.set(it.path, { data: Buffer.from(value), mode: it.mode ?? mode });
  }
  return out;
}

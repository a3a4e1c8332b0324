/**
 * Keeps client-side apply's `kubectl.kubernetes.io/last-applied-configuration` annotation in step with
 * server-side applies by the `kubectl` manager, so a later client-side `kubectl apply` diffs against what was
 * applied last.
 *
 * Mirrors apimachinery `pkg/util/managedfields/internal/lastappliedupdater.go`: only for the manager `kubectl`,
 * only when the annotation already exists; its value is the applied configuration without the annotation,
 * encoded as JSON with sorted keys and a trailing newline.
 */
import type { KubeObject } from '../../api/types.js';

/** The annotation client-side apply keeps (`corev1.LastAppliedConfigAnnotation`). */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Rewrites `merged`'s last-applied annotation from `config` when `manager` is `kubectl` and `merged` has one. */
export function syncLastApplied(merged: KubeObject, config: KubeObject, manager: string): void {
  const annotations = merged.metadata.annotations;
  if (manager !== 'kubectl' || !annotations || !Object.hasOwn(annotations, LAST_APPLIED_ANNOTATION)) return;
  const applied = structuredClone(config);
  const own = applied.metadata?.annotations;
  if (own) {
    delete own[LAST_APPLIED_ANNOTATION];
    if (Object.keys(own).length === 0) delete applied.metadata.annotations;
  }
  annotations[LAST_APPLIED_ANNOTATION] = `${sortedJson(applied)}\n`;
}

/**
 * A readable diff of two pod specs, appended to the "pod updates may not change fields" message.
 *
 * Upstream appends a go-cmp `cmp.Diff(oldSpec, mungedSpec)`; this renders the same idea in the same
 * frame (`  core.PodSpec{` ... `  }`, `-` old and `+` new lines) keyed by JSON field paths.
 */
import { deepEqual } from '../../api/field-errors.js';
import type { PodSpec } from '../../api/types.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (deepEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => walk(v, b[i], `${path}[${i}]`, out));
    return;
  }
  if (a !== undefined) out.push(`- \t${path}: ${JSON.stringify(a)},`);
  if (b !== undefined) out.push(`+ \t${path}: ${JSON.stringify(b)},`);
}

/** Renders the differences from `oldValue` to `newValue` inside a `  core.<typeName>{` frame, one changed leaf per line. */
export function objectDiff(typeName: string, oldValue: unknown, newValue: unknown): string {
  const lines: string[] = [];
  walk(oldValue, newValue, '', lines);
  return [`  core.${typeName}{`, ...lines, '  }', ''].join('\n');
}

/** Renders the differences from `oldSpec` to `newSpec`, one changed leaf per line. */
export function specDiff(oldSpec: PodSpec, newSpec: PodSpec): string {
  return objectDiff('PodSpec', oldSpec, newSpec);
}

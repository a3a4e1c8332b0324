/**
 * Exact quantity arithmetic over resource lists (`{ cpu: '100m', memory: '64Mi' }`): sums, differences, comparisons
 * and the canonical text kube prints, as LimitRanger, ResourceQuota and the quota controller need them.
 *
 * Mirrors apimachinery `pkg/api/resource` (Quantity.Add/Sub/Cmp keep the first operand's format unless it is zero;
 * String() canonicalises: DecimalSI with the largest SI suffix that keeps the mantissa whole, BinarySI by powers of
 * 1024 for whole values of at least 1024, DecimalExponent as `e3`) and `k8s.io/apiserver/pkg/quota/v1` resources.go
 * (Add, Subtract, Mask, LessThanOrEqual, IsZero). Values are held in nano-units as BigInt, so no precision is lost
 * (a finer value is rounded up to 1n, as kube rounds).
 */
import { formatQuantity, parseExact } from './quantity.js';
import type { IntOrString } from './types.js';

export { formatQuantity, parseExact, type Quantity, type QuantityFormat } from './quantity.js';

/** A resource list as it travels in JSON: resource name → quantity text (or number). */
export type ResourceList = Record<string, IntOrString>;

/** The canonical text of a quantity's text (`1000m` → `1`, `1024Mi` → `1Gi`); throws for malformed text. */
export function canonicalQuantity(value: IntOrString): string {
  return formatQuantity(parseExact(value));
}

/** Cmp: -1, 0 or 1. */
export function cmpQuantity(a: IntOrString, b: IntOrString): -1 | 0 | 1 {
  const x = parseExact(a).nano;
  const y = parseExact(b).nano;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Quantity.Add: the sum, in `a`'s format (or `b`'s when `a` is zero). */
export function addQuantity(a: IntOrString, b: IntOrString): string {
  const x = parseExact(a);
  const y = parseExact(b);
  return formatQuantity({ nano: x.nano + y.nano, format: x.nano === 0n ? y.format : x.format });
}

/** Quantity.Sub: `a - b`, in `a`'s format (or `b`'s when `a` is zero). */
export function subQuantity(a: IntOrString, b: IntOrString): string {
  const x = parseExact(a);
  const y = parseExact(b);
  return formatQuantity({ nano: x.nano - y.nano, format: x.nano === 0n ? y.format : x.format });
}

/** quota.Add: every key of both lists, summed where both have it. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(a)) out[k] = k in b ? addQuantity(v, b[k] ?? 0) : canonicalQuantity(v);
  for (const [k, v] of Object.entries(b)) if (!(k in a)) out[k] = canonicalQuantity(v);
  return out;
}

/** quota.SubtractWithNonNegativeResult: `a - b` per key of `a`, never below zero. */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(a)) {
    const d = k in b ? subQuantity(v, b[k] ?? 0) : canonicalQuantity(v);
    out[k] = parseExact(d).nano < 0n ? '0' : d;
  }
  return out;
}

/** quota.Mask: the entries of `list` whose names are in `names`. */
export function maskList(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = {};
  for (const n of names) if (n in list) out[n] = list[n] ?? 0;
  return out;
}

/** quota.RemoveZeros: the entries that are not zero. */
export function removeZeros(list: ResourceList): ResourceList {
  return Object.fromEntries(Object.entries(list).filter(([, v]) => parseExact(v).nano !== 0n));
}

/** quota.LessThanOrEqual: whether each entry of `a` that `b` has is <= it, and the names that are not. */
export function lessThanOrEqual(a: ResourceList, b: ResourceList): { allowed: boolean; exceeded: string[] } {
  const exceeded = Object.keys(a).filter((k) => k in b && cmpQuantity(a[k] ?? 0, b[k] ?? 0) > 0);
  return { allowed: exceeded.length === 0, exceeded };
}

/** quota.Equals: same names and equal quantities. */
export function equalLists(a: ResourceList, b: ResourceList): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && cmpQuantity(a[k] ?? 0, b[k] ?? 0) === 0);
}

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
import { QUANTITY_FORMAT_ERROR } from './quantity.js';
import type { IntOrString } from './types.js';

/** A resource list as it travels in JSON: resource name → quantity text (or number). */
export type ResourceList = Record<string, IntOrString>;

/** A quantity's format (`resource.Format`). */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: value in nano-units (10^-9) and the format it prints in. */
export interface Quantity {
  nano: bigint;
  format: QuantityFormat;
}

const RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BIN: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DEC: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** Parses a quantity exactly; throws Error(QUANTITY_FORMAT_ERROR) for malformed text. */
export function parseExact(value: IntOrString): Quantity {
  const text = typeof value === 'number' ? String(value) : value;
  const m = RE.exec(text);
  if (!m) throw new Error(QUANTITY_FORMAT_ERROR);
  const [, sign = '', num = '0', suffix = ''] = m;
  const [whole = '', frac = ''] = num.split('.');
  // digits × 10^(exp10 - frac.length) × 1024^bin, in nano-units.
  let digits = BigInt((whole || '0') + frac);
  let exp10 = -frac.length + 9;
  let format: QuantityFormat = 'DecimalSI';
  if (suffix in BIN) {
    digits *= 1024n ** BigInt(BIN[suffix] ?? 0);
    format = 'BinarySI';
  } else if (suffix in DEC) exp10 += DEC[suffix] ?? 0;
  else if (suffix !== '') {
    exp10 += Number(suffix.slice(1));
    format = 'DecimalExponent';
  }
  let nano: bigint;
  if (exp10 >= 0) nano = digits * 10n ** BigInt(exp10);
  else {
    const d = 10n ** BigInt(-exp10);
    nano = digits / d + (digits % d === 0n ? 0n : 1n);
  }
  return { nano: sign === '-' ? -nano : nano, format };
}

const DEC_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BIN_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const GIGA = 1_000_000_000n;

/** Quantity.String(): the canonical text (`1`, `500m`, `64Mi`, `1536Mi`, `0`). */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return '0';
  const neg = q.nano < 0n;
  const abs = neg ? -q.nano : q.nano;
  let format = q.format;
  if (format === 'BinarySI' && (abs < 1024n * GIGA || abs % GIGA !== 0n)) format = 'DecimalSI';
  let text: string;
  if (format === 'BinarySI') {
    let mantissa = abs / GIGA;
    let i = 0;
    while (mantissa % 1024n === 0n && i < BIN_SUFFIX.length - 1) {
      mantissa /= 1024n;
      i++;
    }
    text = `${mantissa}${BIN_SUFFIX[i]}`;
  } else {
    let mantissa = abs;
    let exp = -9;
    while (mantissa % 1000n === 0n && exp + 3 <= 18) {
      mantissa /= 1000n;
      exp += 3;
    }
    const suffix = format === 'DecimalExponent' ? (exp === 0 ? '' : `e${exp}`) : (DEC_SUFFIX[exp] ?? `e${exp}`);
    text = `${mantissa}${suffix}`;
  }
  return neg ? `-${text}` : text;
}

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

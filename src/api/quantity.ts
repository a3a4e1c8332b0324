/**
 * Resource quantities (`100m`, `128Mi`, `1Gi`, `0.5`, `1e3`): syntax check and conversion to a number.
 *
 * Mirrors apimachinery `pkg/api/resource/quantity.go` (ParseQuantity, parseQuantityString): a signed
 * decimal number followed by a binary SI suffix (Ki..Ei), a decimal SI suffix (n u m "" k M G T P E)
 * or a decimal exponent (e3, E-2). Values are returned as JS numbers (exact for usual sizes).
 */
import type { IntOrString } from './types.js';

/** The regular expression kube quotes in its format error. */
export const QUANTITY_REGEX_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** Kube's `ErrFormatWrong` message. */
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${QUANTITY_REGEX_TEXT}'`;

const quantityRe = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** True when `value` is a syntactically valid quantity (numbers are always valid when finite). */
export function isQuantity(value: IntOrString): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return quantityRe.test(value);
}

/**
 * Parses a quantity to its numeric value in base units (cores, bytes): `100m` → 0.1, `128Mi` →
 * 134217728, `1e3` → 1000. Throws an Error carrying QUANTITY_FORMAT_ERROR for malformed input
 * (including the empty string, surrounding whitespace and unknown suffixes such as `1Kb`).
 */
export function parseQuantity(value: IntOrString): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(QUANTITY_FORMAT_ERROR);
    return value;
  }
  const m = quantityRe.exec(value);
  if (!m) throw new Error(QUANTITY_FORMAT_ERROR);
  const sign = m[1] === '-' ? -1 : 1;
  const num = Number(m[2]);
  const suffix = m[3] ?? '';
  let out: number;
  if (suffix === '') out = num;
  else if (suffix in binary) out = num * (binary[suffix] ?? 1);
  else if (suffix in decimal) out = scale(num, decimal[suffix] ?? 0);
  else out = scale(num, Number(suffix.slice(1)));
  return sign * out;
}

/** num * 10^exp, avoiding binary noise for negative exponents (0.1 rather than 0.1000000001). */
function scale(num: number, exp: number): number {
  return exp >= 0 ? num * 10 ** exp : num / 10 ** -exp;
}

/** MilliValue: the value times 1000, rounded up like kube (`100m` → 100, `0.5` → 500, `1` → 1000). */
export function milliValue(value: IntOrString): number {
  return Math.ceil(Math.round(parseQuantity(value) * 1000 * 1e6) / 1e6);
}

/** Cmp of two quantities: -1, 0 or 1 (compares milli-units so `1` equals `1000m`). */
export function compareQuantities(a: IntOrString, b: IntOrString): -1 | 0 | 1 {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  const dx = Math.round(x * 1e9);
  const dy = Math.round(y * 1e9);
  return dx === dy ? 0 : dx < dy ? -1 : 1;
}

/**
 * Resource quantities (`100m`, `128Mi`, `1Gi`, `0.5`, `1e3`): syntax check, conversion to a number, and the
 * canonical text of DecimalSI and BinarySI values.
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

const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * `Quantity.String()` of the integer `value` × 10^`scale` in DecimalSI (`resource.NewScaledQuantity(value,
 * scale)`): the exponent is the largest multiple of 3 that keeps the mantissa whole (int64Amount
 * AsCanonicalBytes), so 1234567 at scale -9 is `1234567n`, 1500000000 at -9 is `1500m`, 2e9 at -9 is `2`,
 * 0 is `0`. `value` must be a safe integer; `scale` a multiple of 3 in [-9, 18].
 */
export function formatDecimalSI(value: number, scale: number): string {
  if (value === 0) return '0';
  let mantissa = BigInt(Math.trunc(value));
  let exponent = scale;
  while (mantissa % 1000n === 0n && exponent + 3 <= 18) {
    mantissa /= 1000n;
    exponent += 3;
  }
  return `${mantissa}${DECIMAL_SUFFIX[exponent] ?? `e${exponent}`}`;
}

/**
 * `Quantity.String()` of `bytes` in BinarySI (`resource.NewQuantity(bytes, BinarySI)`): values strictly
 * between -1024 and 1024 print as DecimalSI (`512`, `1k` for 1000), others with the largest power of 1024
 * that divides them (`3856Ki`, `64Mi`, `1536`). `bytes` must be a safe integer.
 */
export function formatBinarySI(bytes: number): string {
  const v = Math.trunc(bytes);
  if (v > -1024 && v < 1024) return formatDecimalSI(v, 0);
  let mantissa = BigInt(v);
  let exponent = 0;
  while (mantissa % 1024n === 0n && exponent < BINARY_SUFFIX.length - 1) {
    mantissa /= 1024n;
    exponent++;
  }
  return `${mantissa}${BINARY_SUFFIX[exponent]}`;
}

/**
 * Resource quantities (`100m`, `128Mi`, `1Gi`, `0.5`, `1e3`), the one parser of them: syntax check, conversion to
 * a number, the exact value in nano-units, and the canonical text (`Quantity.String()`).
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

/** The one quantity grammar (`parseQuantityString`): sign, decimal number, optional suffix. */
const quantityRe = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** Binary SI suffixes: the power of 1024 each stands for. */
const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
/** Decimal SI suffixes: the power of 10 each stands for. */
const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** The lexical parts of a quantity's text: sign, the number as written, and its suffix ('' for none). */
interface QuantityParts {
  negative: boolean;
  number: string;
  suffix: string;
}

/** Splits `text` by the quantity grammar; throws Error(QUANTITY_FORMAT_ERROR) when it does not match. */
function scanQuantity(text: string): QuantityParts {
  const m = quantityRe.exec(text);
  if (!m) throw new Error(QUANTITY_FORMAT_ERROR);
  return { negative: m[1] === '-', number: m[2] ?? '0', suffix: m[3] ?? '' };
}

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
  const { negative, number, suffix } = scanQuantity(value);
  const num = Number(number);
  let out: number;
  if (suffix === '') out = num;
  else if (suffix in BINARY_POWER) out = num * 1024 ** (BINARY_POWER[suffix] ?? 0);
  else if (suffix in DECIMAL_EXPONENT) out = scale(num, DECIMAL_EXPONENT[suffix] ?? 0);
  else out = scale(num, Number(suffix.slice(1)));
  return negative ? -out : out;
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

/**
 * `Quantity.String()` of the integer `value` × 10^`scale` in DecimalSI (`resource.NewScaledQuantity(value,
 * scale)`): the exponent is the largest multiple of 3 that keeps the mantissa whole (int64Amount
 * AsCanonicalBytes), so 1234567 at scale -9 is `1234567n`, 1500000000 at -9 is `1500m`, 2e9 at -9 is `2`,
 * 0 is `0`. `value` must be a safe integer; `scale` a multiple of 3 in [-9, 18].
 */
export function formatDecimalSI(value: number, scale: number): string {
  return formatQuantity({ nano: BigInt(Math.trunc(value)) * 10n ** BigInt(scale + 9), format: 'DecimalSI' });
}

/**
 * `Quantity.String()` of `bytes` in BinarySI (`resource.NewQuantity(bytes, BinarySI)`): values strictly
 * between -1024 and 1024 print as DecimalSI (`512`, `1k` for 1000), others with the largest power of 1024
 * that divides them (`3856Ki`, `64Mi`, `1536`). `bytes` must be a safe integer.
 */
export function formatBinarySI(bytes: number): string {
  return formatQuantity({ nano: BigInt(Math.trunc(bytes)) * GIGA, format: 'BinarySI' });
}

const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** A quantity's format (`resource.Format`). */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: value in nano-units (10^-9) and the format it prints in. */
export interface Quantity {
  nano: bigint;
  format: QuantityFormat;
}

/** Parses a quantity exactly; throws Error(QUANTITY_FORMAT_ERROR) for malformed text. */
export function parseExact(value: IntOrString): Quantity {
  const text = typeof value === 'number' ? String(value) : value;
  const { negative, number: num, suffix } = scanQuantity(text);
  const [whole = '', frac = ''] = num.split('.');
  // digits × 10^(exp10 - frac.length) × 1024^bin, in nano-units.
  let digits = BigInt((whole || '0') + frac);
  let exp10 = -frac.length + 9;
  let format: QuantityFormat = 'DecimalSI';
  if (suffix in BINARY_POWER) {
    digits *= 1024n ** BigInt(BINARY_POWER[suffix] ?? 0);
    format = 'BinarySI';
  } else if (suffix in DECIMAL_EXPONENT) exp10 += DECIMAL_EXPONENT[suffix] ?? 0;
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
  return { nano: negative ? -nano : nano, format };
}

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
    while (mantissa % 1024n === 0n && i < BINARY_SUFFIX.length - 1) {
      mantissa /= 1024n;
      i++;
    }
    text = `${mantissa}${BINARY_SUFFIX[i]}`;
  } else {
    let mantissa = abs;
    let exp = -9;
    while (mantissa % 1000n === 0n && exp + 3 <= 18) {
      mantissa /= 1000n;
      exp += 3;
    }
    const suffix = format === 'DecimalExponent' ? (exp === 0 ? '' : `e${exp}`) : (DECIMAL_SUFFIX[exp] ?? `e${exp}`);
    text = `${mantissa}${suffix}`;
  }
  return neg ? `-${text}` : text;
}

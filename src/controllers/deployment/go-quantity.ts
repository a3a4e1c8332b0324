// apimachinery resource.Quantity as Go holds it in memory (int64Amount or inf.Dec, cached string, Format), for hashing templates.

/** resource.Format. */
export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/**
 * The fields of a Go `resource.Quantity`: `i` (value × 10^scale) when `dec` is undefined, else `dec`
 * (unscaled × 10^-scale, an inf.Dec); `s` the string kept when the input was canonical; `format`.
 */
export interface GoQuantity {
  i: { value: bigint; scale: number };
  dec?: { unscaled: bigint; scale: number };
  s: string;
  format: QuantityFormat;
}

const INT64_MAX = (1n << 63n) - 1n;
const MAX_INT64_FACTORS = 18;
const NANO = -9;

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** `quantitySuffixer.interpret`. */
function interpret(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  if (Object.hasOwn(DECIMAL, suffix)) return { base: 10, exponent: DECIMAL[suffix]!, format: 'DecimalSI' };
  if (Object.hasOwn(BINARY, suffix)) return { base: 2, exponent: BINARY[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  }
  throw new Error('unable to parse quantity\'s suffix');
}

/** `parseQuantityString`: sign, the numeric text, numerator and denominator digits, suffix. */
function split(str: string): { positive: boolean; value: string; num: string; denom: string; suffix: string } {
  const m = /^([+-]?)0*(\d*)(?:\.(\d*))?(.*)$/.exec(str);
  if (!m) throw new Error('quantities must match the regular expression');
  const [, sign = '', num = '', denom = '', suffix = ''] = m;
  if (suffix && !/^[eEinumkKMGTP]*[+-]?\d*$/.test(suffix)) throw new Error('quantities must match the regular expression');
  const value = str.slice(0, str.length - suffix.length);
  return { positive: sign !== '-', value, num: num || '0', denom, suffix };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** inf.Dec.Round(x, scale, RoundUp): rescales `d` to `scale` digits, rounding away from zero. */
function roundUp(d: { unscaled: bigint; scale: number }, scale: number): { unscaled: bigint; scale: number } {
  if (scale >= d.scale) return { unscaled: d.unscaled * pow10(scale - d.scale), scale };
  const div = pow10(d.scale - scale);
  let q = d.unscaled / div;
  if (q * div !== d.unscaled) q += d.unscaled < 0n ? -1n : 1n;
  return { unscaled: q, scale };
}

/**
 * `resource.ParseQuantity`: the fast path keeps an int64Amount (and the input as `s` when it is already
 * canonical); numbers with no int64 form, binary fractions and values below 1n go through inf.Dec, rounded up to
 * nano units. Throws on malformed input.
 */
export function parseGoQuantity(str: string): GoQuantity {
  if (str.length === 0) throw new Error('quantities must match the regular expression');
  if (str === '0') return { i: { value: 0n, scale: 0 }, s: '0', format: 'DecimalSI' };
  const { positive, value, num, denom, suffix } = split(str);
  const { base, exponent, format: parsedFormat } = interpret(suffix);
  let format = parsedFormat;
  let precision = 0;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc(Math.fround((Math.fround(exponent) * 3) / 10)) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      if (v > INT64_MAX) throw new Error('quantities must match the regular expression');
      let result = v * mantissa;
      if (result <= INT64_MAX) {
        if (!positive) result = -result;
        const canonical =
          format === 'BinarySI' ? exponent % 10 === 0 && (v & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        return { i: { value: result, scale }, s: canonical ? str : '', format };
      }
    }
  }
  // inf.Dec path.
  const digits = value.replace(/^[+-]/, '');
  const [intPart = '', frac = ''] = digits.split('.');
  let dec = { unscaled: BigInt((intPart + frac) || '0'), scale: frac.length };
  if (value.startsWith('-')) dec.unscaled = -dec.unscaled;
  if (base === 10) dec = { unscaled: dec.unscaled, scale: dec.scale - exponent };
  else dec = { unscaled: dec.unscaled * (1n << BigInt(exponent)), scale: dec.scale };
  const negative = dec.unscaled < 0n;
  if (negative) dec.unscaled = -dec.unscaled;
  if (dec.unscaled !== 0n) dec = roundUp(dec, -NANO);
  if (format === 'BinarySI' && cmp(dec, INT64_MAX) > 0) dec = { unscaled: INT64_MAX, scale: 0 };
  if (format === 'BinarySI' && cmp(dec, 1n) < 0 && dec.unscaled > 0n) format = 'DecimalSI';
  if (negative) dec.unscaled = -dec.unscaled;
  return { i: { value: 0n, scale: 0 }, dec, s: '', format };
}

/** Compares an inf.Dec with an integer. */
function cmp(d: { unscaled: bigint; scale: number }, n: bigint): number {
  const l = d.scale >= 0 ? d.unscaled : d.unscaled * pow10(-d.scale);
  const r = d.scale >= 0 ? n * pow10(d.scale) : n;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** The amount as unscaled × 10^exponent. */
function amount(q: GoQuantity): { unscaled: bigint; exponent: number } {
  return q.dec ? { unscaled: q.dec.unscaled, exponent: -q.dec.scale } : { unscaled: q.i.value, exponent: q.i.scale };
}

function removeFactors(v: bigint, base: bigint): [bigint, number] {
  let times = 0;
  while (v !== 0n && v % base === 0n) {
    v /= base;
    times++;
  }
  return [v, times];
}

/**
 * `Quantity.MarshalJSON`/`String`: `s` when set, else the canonical form (`CanonicalizeBytes`): BinarySI as an
 * integer times a power of 1024 (`1536Mi`) when exact and at least 1024 in magnitude, otherwise a mantissa with
 * an exponent that is a multiple of 3 and its SI suffix (`100m`, `1k`) or `e<exp>` for DecimalExponent.
 */
export function formatGoQuantity(q: GoQuantity): string {
  if (q.s) return q.s;
  const { unscaled, exponent } = amount(q);
  if (unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const abs = unscaled < 0n ? -unscaled : unscaled;
    const small = exponent >= 0 ? abs * pow10(exponent) < 1024n : abs < 1024n * pow10(-exponent);
    const exact = exponent >= 0 || unscaled % pow10(-exponent) === 0n;
    if (small || !exact) format = 'DecimalSI';
    else {
      const whole = exponent >= 0 ? unscaled * pow10(exponent) : unscaled / pow10(-exponent);
      const [m, times] = removeFactors(whole, 1024n);
      const sfx = Object.entries(BINARY).find(([, e]) => e === times * 10)?.[0] ?? '';
      return `${m}${sfx}`;
    }
  }
  let [m, times] = removeFactors(unscaled, 10n);
  let e = exponent + times;
  while (e % 3 !== 0) {
    m *= 10n;
    e--;
  }
  if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
  return `${m}${Object.entries(DECIMAL).find(([, x]) => x === e)?.[0] ?? ''}`;
}

/**
 * The Quantity a controller decodes after the API server stored `input`: parsed, serialized canonically, parsed
 * again (what kube-apiserver's storage round trip does). Also used to compare quantities by value.
 */
export function storedQuantity(input: string): GoQuantity {
  return parseGoQuantity(formatGoQuantity(parseGoQuantity(input)));
}

function limbs(v: bigint): bigint[] {
  const out: bigint[] = [];
  for (let x = v < 0n ? -v : v; x > 0n; x >>= 64n) out.push(x & 0xffff_ffff_ffff_ffffn);
  return out;
}

/** go-spew `%#v` of the Quantity's fields inside its braces (`i:(resource.int64Amount){...} d:... s:... Format:...`). */
export function spewQuantityFields(q: GoQuantity): string {
  const i = `i:(resource.int64Amount){value:(int64)${q.i.value} scale:(resource.Scale)${q.i.scale}}`;
  let d = 'd:(resource.infDecAmount){Dec:(*inf.Dec)<nil>}';
  if (q.dec) {
    const abs = limbs(q.dec.unscaled);
    const nat = abs.length === 0 ? '(big.nat)<nil>' : `(big.nat)[${abs.join(' ')}]`;
    d = `d:(resource.infDecAmount){Dec:(*inf.Dec){unscaled:(big.Int){neg:(bool)${q.dec.unscaled < 0n} abs:${nat}} scale:(inf.Scale)${q.dec.scale}}}`;
  }
  return `${i} ${d} s:(string)${q.s} Format:(resource.Format)${q.format}`;
}

/** The value in nano units (rounded up), for semantic comparison (`Quantity.Cmp`). */
export function quantityNanos(q: GoQuantity): bigint {
  const { unscaled, exponent } = amount(q);
  return roundUp({ unscaled, scale: -exponent }, 9).unscaled;
}

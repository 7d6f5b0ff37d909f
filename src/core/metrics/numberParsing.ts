/**
 * Exact number handling for answer checking. Values are kept as reduced fractions of
 * BigInts because BigGSM's answers (up to 3.5e18) do not fit in a double, and because
 * `0.1 + 0.2`-style noise must never decide whether an answer counts.
 */

export interface ExactNumber {
  /** Numerator, sign included. */
  num: bigint;
  /** Denominator, always > 0; the fraction is reduced. */
  den: bigint;
}

export interface FoundNumber {
  /** The matched text, as written. */
  text: string;
  /** UTF-16 offset of the match in the searched text. */
  index: number;
  value: ExactNumber;
  /** The number was written with a trailing `%`. */
  percent: boolean;
}

/** Zero code points of the decimal digit blocks answers realistically use (MGSM has bn, te, th, ...). */
const DIGIT_ZEROS = [0x0660, 0x06f0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x17e0, 0x1810, 0xff10];

/** Maps non-ASCII decimal digits to ASCII and the Unicode minus/dashes to `-`; keeps length per code unit. */
export function asciiDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let mapped: string | undefined;
    for (const zero of DIGIT_ZEROS) {
      if (cp >= zero && cp <= zero + 9) {
        mapped = String(cp - zero);
        break;
      }
    }
    if (mapped === undefined && (cp === 0x2212 || cp === 0x2013 || cp === 0xfe63 || cp === 0xff0d)) mapped = '-';
    if (mapped === undefined && cp === 0xff0c) mapped = ',';
    if (mapped === undefined && cp === 0xff0e) mapped = '.';
    if (mapped === undefined && cp === 0xff05) mapped = '%';
    out += mapped ?? ch;
  }
  return out;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function makeExact(num: bigint, den: bigint): ExactNumber {
  if (den === 0n) throw new RangeError('zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export function exactEquals(a: ExactNumber, b: ExactNumber): boolean {
  return a.num === b.num && a.den === b.den;
}

export function toFloat(x: ExactNumber): number {
  return Number(x.num) / Number(x.den);
}

export function formatExact(x: ExactNumber): string {
  if (x.den === 1n) return x.num.toString();
  const f = toFloat(x);
  return Number.isFinite(f) && Number.isInteger(f * 1e6) ? String(f) : `${x.num}/${x.den}`;
}

/** `12`, `1,234`, `12.50`, `.5`: the unsigned magnitude. */
function decimalToExact(intPart: string, fracPart: string | undefined): ExactNumber {
  const digits = intPart.replace(/[,\s]/g, '') || '0';
  if (!fracPart) return makeExact(BigInt(digits), 1n);
  return makeExact(BigInt(digits + fracPart), 10n ** BigInt(fracPart.length));
}

/*
 * One number token: optional sign and currency in either order, a mixed number
 * (`1 1/2`), a fraction (`3/4`), or a decimal with optional thousands separators, and an
 * optional percent sign. Thousands groups must be exactly three digits so that a list
 * like `3,4` stays two numbers. The lookbehind keeps us from starting inside a word or
 * another number.
 */
const NUMBER_RE =
  /(?<![\w.])(?<sign1>[-+])?(?:(?<cur>[$€£¥₹])\s?)?(?<sign2>[-+])?(?:(?<mixW>\d+)[ \t]+(?<mixN>\d+)\/(?<mixD>\d+)(?!\d|\.\d)|(?<fracN>\d+)\s*\/\s*(?<fracD>\d+)(?!\d|\.\d)|(?<int>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?<dec>\d+))?)(?<pct>\s?%)?/g;

/** Every number in `text`, left to right. Non-ASCII digits count. */
export function findNumbers(text: string): FoundNumber[] {
  const normalized = asciiDigits(text);
  const sameLength = normalized.length === text.length;
  const found: FoundNumber[] = [];
  // Guard: a pathological 10 MB reply must not make scoring crawl.
  const searched = normalized.length > 200_000 ? normalized.slice(-200_000) : normalized;
  const offset = normalized.length - searched.length;
  for (const m of searched.matchAll(NUMBER_RE)) {
    const g = m.groups ?? {};
    let value: ExactNumber | undefined;
    if (g.mixW !== undefined) {
      const d = BigInt(g.mixD);
      if (d !== 0n) value = makeExact(BigInt(g.mixW) * d + BigInt(g.mixN), d);
    } else if (g.fracN !== undefined) {
      const d = BigInt(g.fracD);
      if (d !== 0n) value = makeExact(BigInt(g.fracN), d);
    } else if (g.int !== undefined || g.dec !== undefined) {
      value = decimalToExact(g.int ?? '', g.dec);
    }
    if (!value) continue;
    const negative = g.sign1 === '-' || g.sign2 === '-';
    if (negative) value = makeExact(-value.num, value.den);
    const index = (m.index ?? 0) + offset;
    found.push({
      text: sameLength ? text.slice(index, index + m[0].length).trim() : m[0].trim(),
      index,
      value,
      percent: g.pct !== undefined,
    });
  }
  return found;
}

/** The first number in `text`, or undefined. */
export function firstNumber(text: string): FoundNumber | undefined {
  return findNumbers(text)[0];
}

/**
 * Parses a gold answer: the text after a GSM8K-style `####` if present, else the whole
 * string; a trailing full stop (BigGSM) and thousands separators are fine.
 */
export function parseGoldNumber(gold: string): ExactNumber | undefined {
  const hash = gold.lastIndexOf('####');
  const text = (hash >= 0 ? gold.slice(hash + 4) : gold).trim().replace(/\.$/, '');
  const n = findNumbers(text);
  return n.length === 1 ? n[0].value : n[0]?.value;
}

/**
 * Equal, or within tolerance when either value is not an integer: absolute below 1,
 * relative above. Two integers must be equal exactly, so 3552672438520864 never passes
 * for 3552672438520863 however small the relative difference.
 */
export function withinTolerance(a: ExactNumber, b: ExactNumber, tolerance: number): boolean {
  if (exactEquals(a, b)) return true;
  if (tolerance <= 0 || (a.den === 1n && b.den === 1n)) return false;
  const fa = toFloat(a);
  const fb = toFloat(b);
  if (!Number.isFinite(fa) || !Number.isFinite(fb)) return false;
  return Math.abs(fa - fb) <= tolerance * Math.max(1, Math.abs(fb));
}

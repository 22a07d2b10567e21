/**
 * Resource quantities as the apiserver's `resource.Quantity` holds them: an exact value (here in
 * nano units, rounded up as ParseQuantity rounds) and the format its suffix chose, printed in the
 * canonical form `Quantity.String()` gives (`0.5` → `500m`, `1.5Gi` → `1536Mi`, `2000` → `2k`).
 * Admission messages quote quantities in that form, so they must be printed exactly so.
 */

/** Which family of suffixes the quantity was written with, and is printed with. */
export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/** An exact quantity. */
export interface Quantity {
  /** The value in units of 10⁻⁹. */
  readonly nano: bigint;
  readonly format: QuantityFormat;
}

const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_POWERS: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_SUFFIXES = new Map(Object.entries(DECIMAL_EXPONENTS).map(([suffix, exp]) => [exp, suffix]));
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Divides, rounding away from zero (ParseQuantity rounds a value finer than nano up). */
function divideUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d === 0n ? q : n > 0n ? q + 1n : q - 1n;
}

/**
 * @returns the quantity, or undefined when the text is not one
 * @example parseQuantity('1.5Gi') // { nano: 1610612736000000000n, format: 'BinarySI' }
 */
export function parseQuantity(text: unknown): Quantity | undefined {
  if (typeof text === 'number') text = String(text);
  if (typeof text !== 'string') return undefined;
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [whole = '', fraction = ''] = m[2]!.split('.');
  const digits = BigInt(`${whole}${fraction}` || '0') * (m[1] === '-' ? -1n : 1n);
  const suffix = m[3] ?? '';
  let exponent = 9 - fraction.length;
  let factor = 1n;
  let format: QuantityFormat = 'DecimalSI';
  if (suffix in BINARY_POWERS) {
    factor = 1024n ** BigInt(BINARY_POWERS[suffix]!);
    format = 'BinarySI';
  } else if (/^[eE]/.test(suffix)) {
    exponent += Number(suffix.slice(1));
    format = 'DecimalExponent';
  } else {
    exponent += DECIMAL_EXPONENTS[suffix]!;
  }
  const scaled = digits * factor;
  const nano = exponent >= 0 ? scaled * 10n ** BigInt(exponent) : divideUp(scaled, 10n ** BigInt(-exponent));
  return { nano, format };
}

/** The value in thousandths, rounded up (`MilliValue`). */
export function milliValue(q: Quantity): bigint {
  return divideUp(q.nano, 1_000_000n);
}

/** The canonical text of a quantity (`Quantity.String()`). */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return '0';
  const wholeUnits = q.nano % 1_000_000_000n === 0n;
  const units = q.nano / 1_000_000_000n;
  // Small or fractional binary quantities print in decimal rather than round (CanonicalizeBytes).
  if (q.format === 'BinarySI' && wholeUnits && (units >= 1024n || units <= -1024n)) return base1024(units);
  return base10(q.nano, q.format === 'DecimalExponent');
}

function base1024(units: bigint): string {
  let amount = units;
  let power = 0;
  while (power < BINARY_SUFFIXES.length - 1 && amount % 1024n === 0n) {
    amount /= 1024n;
    power++;
  }
  return `${amount}${BINARY_SUFFIXES[power]}`;
}

function base10(nano: bigint, exponentForm: boolean): string {
  let amount = nano;
  let exponent = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  // The mantissa is an integer with an exponent that is a multiple of 3.
  const extra = ((exponent % 3) + 3) % 3;
  amount *= 10n ** BigInt(extra);
  exponent -= extra;
  if (exponentForm) return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  const suffix = DECIMAL_SUFFIXES.get(exponent);
  return suffix === undefined ? `${amount}e${exponent}` : `${amount}${suffix}`;
}

/** The sum of two quantities, in the first one's format (`Quantity.Add`). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.format };
}

/** Canonical text of a quantity written as text, or the text itself when it is not a quantity. */
export function canonicalQuantity(text: unknown): string {
  const q = parseQuantity(text);
  return q ? formatQuantity(q) : String(text);
}

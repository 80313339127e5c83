/**
 * Exact arithmetic on the API's decimal strings ("1234.50"), for derived amounts the API does
 * not send (a line amount, an outstanding balance). Floats would lose cents on large sums.
 */
interface Scaled {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value);
}

function parse(value: string): Scaled {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new RangeError(`Not a decimal number: ${value}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(whole! + fraction);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function format({ units, scale }: Scaled): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function decimalTimes(value: string, factor: number): string {
  if (!Number.isInteger(factor)) throw new RangeError('decimalTimes multiplies by whole quantities only');
  const parsed = parse(value);
  return format({ units: parsed.units * BigInt(factor), scale: parsed.scale });
}

export function decimalMinus(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return format({ units: rescale(x, scale) - rescale(y, scale), scale });
}

/** Whether a decimal string is above zero (e.g. a penalty that applies). */
export function isPositive(value: string): boolean {
  return isDecimal(value.trim()) && parse(value).units > 0n;
}

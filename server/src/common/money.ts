import { createRequire } from 'node:module';
import type { Decimal as DecimalClass } from 'decimal.js';

// decimal.js types its ESM build as CommonJS; loading the CommonJS build gives the class its real type.
const require = createRequire(import.meta.url);
export const Decimal: typeof DecimalClass = require('decimal.js');
export type Decimal = DecimalClass;

/** Money is a decimal string with two places; never a float. */
export function money(value: DecimalClass.Value): string {
  return new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

export function sumMoney(amounts: Iterable<DecimalClass.Value>): string {
  let total = new Decimal(0);
  for (const a of amounts) total = total.plus(a);
  return money(total);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Decimal as DecimalClass } from 'decimal.js';
import { Decimal } from '../../common/money.js';

/** ISO 4217 alphabetic code: three capital letters. */
export const CURRENCY_RE = /^[A-Z]{3}$/;

/** A positive decimal with at most 10 integer and 8 fractional digits (the column is numeric(18, 8)). */
export const RATE_RE = /^\d{1,10}(\.\d{1,8})?$/;

/** The rate that converts `currency` into `base` on `day` (UTC), as a decimal string; null when none is on record. */
export async function rateOn(em: EntityManager, currency: string, base: string, day: Date | string): Promise<string | null> {
  if (currency === base) return '1';
  const date = typeof day === 'string' ? day : day.toISOString().slice(0, 10);
  const rows = await em.getConnection().execute<{ rate: string }[]>(
    `select rate::text as rate from exchange_rate where from_currency = ? and to_currency = ? and valid_from <= ?::date
        order by valid_from desc limit 1`,
    [currency, base, date],
    'all',
    em.getTransactionContext(),
  );
  return rows[0]?.rate ?? null;
}

/** `amount` (in some currency) times the rate into the base currency, to two places. */
export function toBase(amount: DecimalClass.Value, rate: DecimalClass.Value): Decimal {
  return new Decimal(amount).times(rate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/**
 * SQL for the rate into the base currency valid on a day, as a scalar subquery: `currencyExpr`
 * and `dayExpr` are SQL expressions, the base currency fills both `?` parameters. NULL when none.
 */
export function rateSql(currencyExpr: string, dayExpr: string): string {
  return `(case when ${currencyExpr} = ?::text then 1::numeric else (select r.rate from exchange_rate r
     where r.from_currency = ${currencyExpr} and r.to_currency = ?::text and r.valid_from <= ${dayExpr}
     order by r.valid_from desc limit 1) end)`;
}

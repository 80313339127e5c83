import { Field, InputType } from 'type-graphql';
import { Decimal } from '../../../common/money.js';
import { RATE_RE } from '../../currency/currency.js';
import { ExchangeRate } from '../../currency/exchange-rate.entity.js';
import type { SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

@InputType()
export class ExchangeRateSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true, description: 'ISO 4217 code of the currency converted' })
  fromCurrency?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 4217 code of the base currency (rates into others are kept but not used)' })
  toCurrency?: string | null;
  @Field(() => String, { nullable: true, description: 'Units of toCurrency per unit of fromCurrency, decimal string, up to 8 places' })
  rate?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO date (YYYY-MM-DD) from which the rate applies' })
  validFrom?: string | null;
}

const pairDay = (row: ExchangeRateSyncInput) =>
  row.fromCurrency && row.toCurrency && row.validFrom
    ? `${row.fromCurrency.trim()}/${row.toCurrency.trim()}/${row.validFrom.trim()}`
    : null;

/** A rate an administrator (or the seed) set for the same pair and day, which the record takes over; for apply. */
const adopted = new WeakMap<ExchangeRateSyncInput, ExchangeRate>();

/**
 * Exchange rates, keyed in the table by (from, to, day). The ERP is the system of record: its
 * rate replaces one an administrator set for the same pair and day (the row becomes the
 * source's); a rate another synchronised record holds is a CONFLICT. Rates do not touch running
 * terminations (their values are fixed in the impact at submission).
 */
export const exchangeRateSync: SyncKind<ExchangeRateSyncInput, ExchangeRate> = {
  kind: SyncRecordKind.EXCHANGE_RATE,
  field: 'exchangeRates',
  entity: ExchangeRate,
  // Several columns: the engine compares rows of the call, the guard stored ones.
  naturalKey: { path: 'validFrom', value: pairDay },
  check(row, c) {
    const from = c.currency('fromCurrency', row.fromCurrency);
    const to = c.currency('toCurrency', row.toCurrency);
    if (from && to && from === to) c.fail('toCurrency', 'INVALID', 'The two currencies differ.');
    const rate = c.text('rate', row.rate, 40);
    if (rate !== null && (!RATE_RE.test(rate) || new Decimal(rate).lte(0))) {
      c.fail('rate', 'INVALID', 'rate is a decimal number above 0 with at most 8 decimal places, e.g. "7.1234".');
    }
    c.date('validFrom', row.validFrom);
  },
  references: () => [],
  async guard({ em }, row, existing) {
    const holder = await em.findOne(ExchangeRate, {
      fromCurrency: row.fromCurrency!.trim(),
      toCurrency: row.toCurrency!.trim(),
      validFrom: row.validFrom!.trim(),
    });
    if (!holder || holder === existing) return [];
    if (holder.externalId) {
      return [{ path: 'validFrom', code: 'CONFLICT', message: `${pairDay(row)} belongs to another record (${holder.source}).` }];
    }
    adopted.set(row, holder);
    return [];
  },
  apply({ em }, row, existing) {
    const values = {
      fromCurrency: row.fromCurrency!.trim(),
      toCurrency: row.toCurrency!.trim(),
      rate: row.rate!.trim(),
      validFrom: row.validFrom!.trim(),
    };
    const target = existing ?? adopted.get(row);
    return { entity: target ? Object.assign(target, values) : em.create(ExchangeRate, values) };
  },
};

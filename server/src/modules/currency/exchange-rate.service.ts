import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { Decimal } from '../../common/money.js';
import { inTransaction } from '../../kernel/transaction.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { CURRENCY_RE, RATE_RE, rateOn } from './currency.js';
import { ExchangeRate } from './exchange-rate.entity.js';

export interface ExchangeRateInput {
  currency: string;
  rate: string;
  validFrom: string;
}

/**
 * The exchange-rate table: rates of each currency into the one base currency (BASE_CURRENCY).
 * Every figure that meets amounts of several currencies converts through here, never at 1.
 */
export class ExchangeRateService {
  constructor(
    readonly baseCurrency: string,
    private readonly domainEvents: DomainEvents,
  ) {}

  list(ctx: RequestContext) {
    return ctx.em.find(ExchangeRate, { toCurrency: this.baseCurrency }, { orderBy: { fromCurrency: 'asc', validFrom: 'desc' } });
  }

  /** Rate of `currency` into the base currency on `day`; '1' for the base itself; null when none is on record. */
  rateOn(em: EntityManager, currency: string, day: Date | string): Promise<string | null> {
    return rateOn(em, currency, this.baseCurrency, day);
  }

  /** Creates the rate of a currency from a day on, or replaces the one already set for that day. */
  set(ctx: RequestContext, input: ExchangeRateInput) {
    return resultOf(async () => {
      const currency = input.currency.trim();
      if (!CURRENCY_RE.test(currency)) {
        refuse(InputError, 'VALIDATION_FAILED', 'The currency is an ISO 4217 code of three capital letters, e.g. USD.', {
          field: 'currency',
        });
      }
      if (currency === this.baseCurrency) {
        refuse(InputError, 'VALIDATION_FAILED', `${currency} is the base currency; its rate is always 1.`, { field: 'currency' });
      }
      const rate = input.rate.trim();
      if (!RATE_RE.test(rate) || new Decimal(rate).lte(0)) {
        refuse(InputError, 'VALIDATION_FAILED', 'The rate is a decimal number above 0 with at most 8 decimal places, e.g. 7.1234.', {
          field: 'rate',
        });
      }
      return inTransaction(ctx, async (scope) => {
        const { em } = scope;
        // One statement, so that two admins setting the same day cannot both insert. A rate an ERP
        // synchronised becomes the administrator's (its ERP identity is dropped).
        const [row] = await em.getConnection().execute<{ id: string; previous: string | null }[]>(
          `insert into exchange_rate (id, from_currency, to_currency, rate, valid_from, source)
           values (gen_random_uuid(), ?, ?, ?::numeric, ?::date, 'ADMIN')
           on conflict (from_currency, to_currency, valid_from)
           do update set rate = excluded.rate, source = excluded.source, updated_at = now(),
             external_id = null, source_version = null, content_hash = null
           returning id, (select e.rate::text from exchange_rate e where e.id = exchange_rate.id) as previous`,
          [currency, this.baseCurrency, rate, input.validFrom],
          'all',
          em.getTransactionContext(),
        );
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'exchange_rate.set',
          { currency, baseCurrency: this.baseCurrency, rate, validFrom: input.validFrom, previousRate: row!.previous },
          { entity: { type: 'ExchangeRate', id: row!.id } },
        );
        return em.findOneOrFail(ExchangeRate, { id: row!.id }, { refresh: true });
      });
    });
  }

  delete(ctx: RequestContext, id: string) {
    const rateId = parseId(id);
    return resultOf(async () =>
      inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const rate = await em.findOne(ExchangeRate, { id: rateId });
        if (!rate) refuse(NotFoundError, 'NOT_FOUND', 'No such exchange rate.');
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'exchange_rate.deleted',
          { currency: rate.fromCurrency, baseCurrency: rate.toCurrency, rate: rate.rate, validFrom: rate.validFrom },
          { entity: { type: 'ExchangeRate', id: rate.id } },
        );
        em.remove(rate);
        return { id: rate.id };
      }),
    );
  }
}

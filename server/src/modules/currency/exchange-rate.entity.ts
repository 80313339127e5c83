import { Entity, Property, Unique } from '@mikro-orm/core';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';

/**
 * How many units of `toCurrency` (the base currency) one unit of `fromCurrency` is worth,
 * from `validFrom` until the next rate of the same pair. Admins maintain it; an ERP sync
 * (`exchangeRates` in syncRecords) can write the same rows, keyed by (from, to, validFrom).
 */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'exchange_rate' })
@Unique({ properties: ['fromCurrency', 'toCurrency', 'validFrom'] })
export class ExchangeRate extends SyncedEntity {
  @Field(() => String, { description: 'ISO 4217 code of the currency converted' })
  @Property({ type: 'string', length: 3 })
  fromCurrency!: string;

  @Field(() => String, { description: 'ISO 4217 code of the base currency' })
  @Property({ type: 'string', length: 3 })
  toCurrency!: string;

  @Field(() => String, { description: 'Units of toCurrency per unit of fromCurrency, as a decimal string' })
  @Property({ type: 'decimal', precision: 18, scale: 8 })
  rate!: string;

  @Field(() => LocalDateResolver, { description: 'First day (UTC) the rate applies; it holds until the next one' })
  @Property({ type: 'date' })
  validFrom!: string;

  // A rate always says who wrote it, so unlike other synchronised rows its source is never null;
  // externalId (and the rest of the synced identity) is null for rates an administrator or the seed set.
  @Field(() => String, { description: 'Who wrote it: ADMIN, SEED or an ERP source name' })
  @Property({ type: 'string', length: 40, default: 'ADMIN' })
  source: string = 'ADMIN';

  // Shown in the admin table (SyncedEntity keeps it out of the API).
  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

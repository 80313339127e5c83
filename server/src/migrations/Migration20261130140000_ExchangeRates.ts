import { Migration } from '@mikro-orm/migrations';

/**
 * Rates into the base currency, by day: (from, to, validFrom) is the natural key an admin
 * edits and an ERP sync upserts. Demo rates are seeded by the demo seed, not here.
 */
export class Migration20261130140000_ExchangeRates extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "exchange_rate" ("id" uuid not null, "created_at" timestamptz not null default now(), "from_currency" varchar(3) not null, "to_currency" varchar(3) not null, "rate" numeric(18,8) not null, "valid_from" date not null, "source" varchar(40) not null default 'ADMIN', "updated_at" timestamptz not null default now(), constraint "exchange_rate_pkey" primary key ("id"), constraint "exchange_rate_rate_positive" check ("rate" > 0), constraint "exchange_rate_currencies_differ" check ("from_currency" <> "to_currency"));`,
    );
    this.addSql(
      `alter table "exchange_rate" add constraint "exchange_rate_from_currency_to_currency_valid_from_unique" unique ("from_currency", "to_currency", "valid_from");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "exchange_rate" cascade;`);
  }
}

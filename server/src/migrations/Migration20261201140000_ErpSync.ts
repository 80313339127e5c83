import { Migration } from '@mikro-orm/migrations';

/** Tables an ERP sync writes: each row may carry its identity in the sending system. */
export const SYNCED_TABLES = [
  'customer',
  'product',
  'warehouse',
  'contract',
  'sales_order',
  'sales_order_line',
  'purchase_order',
  'purchase_order_line',
  'stock_level',
  'reservation',
] as const;

/**
 * ERP sync: `(source, external_id)` identifies a synchronised row (unique; null for rows kept
 * here), `source_version` orders the sender's updates, `content_hash` makes a re-sent record
 * UNCHANGED, `updated_at` serves partners' `updatedSince`. Customers get a language; suppliers
 * (which have their identity columns already) get the version and hash.
 */
export class Migration20261201140000_ErpSync extends Migration {
  override async up(): Promise<void> {
    for (const table of SYNCED_TABLES) {
      this.addSql(
        `alter table "${table}" add column "source" varchar(40) null, add column "external_id" varchar(128) null, add column "source_version" bigint null, add column "content_hash" varchar(64) null, add column "updated_at" timestamptz not null default date_trunc('milliseconds', now());`,
      );
      this.addSql(`alter table "${table}" add constraint "${table}_source_external_id_unique" unique ("source", "external_id");`);
      this.addSql(`create index "${table}_updated_at_index" on "${table}" ("updated_at", "id");`);
    }
    this.addSql(`alter table "customer" add column "language" varchar(8) null;`);
    // Suppliers came with source, external id and updated_at; they get the version and hash.
    this.addSql(`alter table "supplier" add column "source_version" bigint null, add column "content_hash" varchar(64) null;`);
    this.addSql(`create index "supplier_updated_at_index" on "supplier" ("updated_at", "id");`);
    // Partners page by (updated_at, id) with millisecond cursors (JavaScript dates).
    this.addSql(`update "supplier" set "updated_at" = date_trunc('milliseconds', "updated_at");`);
    this.addSql(`alter table "supplier" alter column "updated_at" set default date_trunc('milliseconds', now());`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "supplier_updated_at_index";`);
    this.addSql(`alter table "supplier" drop column if exists "source_version", drop column if exists "content_hash";`);
    this.addSql(`alter table "customer" drop column if exists "language";`);
    for (const table of SYNCED_TABLES) {
      this.addSql(`drop index if exists "${table}_updated_at_index";`);
      this.addSql(`alter table "${table}" drop constraint if exists "${table}_source_external_id_unique";`);
      this.addSql(
        `alter table "${table}" drop column if exists "source", drop column if exists "external_id", drop column if exists "source_version", drop column if exists "content_hash", drop column if exists "updated_at";`,
      );
    }
  }
}

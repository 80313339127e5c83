import { Migration } from '@mikro-orm/migrations';

/** Tables the ERP sync kinds of this migration write, with the synced-row columns of Migration20261201140000_ErpSync. */
const TABLES = ['shipment', 'invoice', 'payment'] as const;

/**
 * ERP sync of shipments, invoices, payments and exchange rates: those tables get the synced-row
 * identity (source, external id, version, content hash, updated_at); a payment may name the
 * invoice it pays; exchange rates (which have `source` already, never null) get the rest.
 * `syncSources` reads the `sync.completed` events of one source, newest first.
 */
export class Migration20261202120000_SyncKinds extends Migration {
  override async up(): Promise<void> {
    for (const table of TABLES) {
      this.addSql(
        `alter table "${table}" add column "source" varchar(40) null, add column "external_id" varchar(128) null, add column "source_version" bigint null, add column "content_hash" varchar(64) null, add column "updated_at" timestamptz not null default date_trunc('milliseconds', now());`,
      );
      this.addSql(`alter table "${table}" add constraint "${table}_source_external_id_unique" unique ("source", "external_id");`);
      this.addSql(`create index "${table}_updated_at_index" on "${table}" ("updated_at", "id");`);
    }
    this.addSql(`alter table "payment" add column "invoice_id" uuid null;`);
    this.addSql(
      `alter table "payment" add constraint "payment_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`create index "payment_invoice_id_index" on "payment" ("invoice_id");`);
    this.addSql(
      `alter table "exchange_rate" add column "external_id" varchar(128) null, add column "source_version" bigint null, add column "content_hash" varchar(64) null;`,
    );
    this.addSql(`alter table "exchange_rate" add constraint "exchange_rate_source_external_id_unique" unique ("source", "external_id");`);
    this.addSql(
      `create index "audit_event_sync_source_index" on "audit_event" ("entity_id", "created_at" desc, "seq" desc) where "action" = 'sync.completed';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "audit_event_sync_source_index";`);
    this.addSql(`alter table "exchange_rate" drop constraint if exists "exchange_rate_source_external_id_unique";`);
    this.addSql(
      `alter table "exchange_rate" drop column if exists "external_id", drop column if exists "source_version", drop column if exists "content_hash";`,
    );
    this.addSql(`drop index if exists "payment_invoice_id_index";`);
    this.addSql(`alter table "payment" drop constraint if exists "payment_invoice_id_foreign";`);
    this.addSql(`alter table "payment" drop column if exists "invoice_id";`);
    for (const table of TABLES) {
      this.addSql(`drop index if exists "${table}_updated_at_index";`);
      this.addSql(`alter table "${table}" drop constraint if exists "${table}_source_external_id_unique";`);
      this.addSql(
        `alter table "${table}" drop column if exists "source", drop column if exists "external_id", drop column if exists "source_version", drop column if exists "content_hash", drop column if exists "updated_at";`,
      );
    }
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * The event feed reads `audit_event` in the order its transactions wrote, and only up to the
 * oldest transaction still running: `seq` alone is assigned at insert, so a later event can
 * commit before an earlier one and a reader following `seq` would skip it. `tx` is the writing
 * transaction's id; rows with `tx` below the reader's snapshot xmin can no longer change, so a
 * cursor on (tx, seq) never leaves a gap behind it.
 */
export class Migration20261201100000_EventFeed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_event" add column "tx" xid8 not null default pg_current_xact_id();`);
    this.addSql(`create index "audit_event_feed_index" on "audit_event" ("tx", "seq");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "audit_event_feed_index";`);
    this.addSql(`alter table "audit_event" drop column if exists "tx";`);
  }
}

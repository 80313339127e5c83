import { Migration } from '@mikro-orm/migrations';

/**
 * One language per person (issue #16): a user's language (first the mail language they chose),
 * server-made texts stored as a message key with parameters (rendered in the reader's language;
 * older rows keep their text), and settlement states OPEN / PARTLY_SETTLED / SETTLED with a
 * follow-up task for collecting an outstanding fee.
 */
export class Migration20261203700000_OneLanguagePerPerson extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "language" varchar(8) not null default 'zh-CN';`);
    this.addSql(
      `update "app_user" u set "language" = p."mail_language" from "notification_preference" p where p."user_id" = u."id" and p."mail_language" in ('zh-CN', 'en');`,
    );
    this.addSql(`alter table "notification_preference" drop column "mail_language";`);
    this.addSql(`alter table "notification" add column "message_key" varchar(60) null, add column "params" jsonb null;`);
    this.addSql(`alter table "follow_up_task" add column "instruction_lines" jsonb null;`);
    this.addSql(`alter table "follow_up_task" drop constraint if exists "follow_up_task_kind_check";`);
    this.addSql(
      `alter table "follow_up_task" add constraint "follow_up_task_kind_check" check ("kind" in ('SUPPLIER_CANCELLATION', 'STOCK_CONFIRMATION', 'SETTLEMENT', 'FEE_COLLECTION', 'CUSTOMER_OUTCOME', 'CUSTOMER_RECORD'));`,
    );
    this.addSql(`alter table "settlement" drop constraint if exists "settlement_status_check";`);
    // A completed settlement with a fee still outstanding was never fully settled.
    this.addSql(
      `update "settlement" set "status" = case when "fee_outstanding" > 0 then 'PARTLY_SETTLED' else 'SETTLED' end where "status" = 'COMPLETED';`,
    );
    this.addSql(
      `alter table "settlement" add constraint "settlement_status_check" check ("status" in ('OPEN', 'PARTLY_SETTLED', 'SETTLED'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "settlement" drop constraint if exists "settlement_status_check";`);
    this.addSql(`update "settlement" set "status" = 'COMPLETED' where "status" in ('PARTLY_SETTLED', 'SETTLED');`);
    this.addSql(`alter table "settlement" add constraint "settlement_status_check" check ("status" in ('OPEN', 'COMPLETED'));`);
    this.addSql(`delete from "follow_up_task" where "kind" = 'FEE_COLLECTION';`);
    this.addSql(`alter table "follow_up_task" drop constraint if exists "follow_up_task_kind_check";`);
    this.addSql(
      `alter table "follow_up_task" add constraint "follow_up_task_kind_check" check ("kind" in ('SUPPLIER_CANCELLATION', 'STOCK_CONFIRMATION', 'SETTLEMENT', 'CUSTOMER_OUTCOME', 'CUSTOMER_RECORD'));`,
    );
    this.addSql(`alter table "follow_up_task" drop column "instruction_lines";`);
    this.addSql(`alter table "notification" drop column "message_key", drop column "params";`);
    this.addSql(`alter table "notification_preference" add column "mail_language" varchar(8) null;`);
    this.addSql(`update "notification_preference" p set "mail_language" = u."language" from "app_user" u where u."id" = p."user_id";`);
    this.addSql(`alter table "app_user" drop column "language";`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Staff e-mail is opt-in per user and kind of event (a row only for users who chose something);
 * an API key may be bound to one department (required for the follow-ups scope); a follow-up
 * task keeps the structured data its completion carried (e.g. a WMS's release confirmation) and
 * who completed it by name (a partner key has no user row).
 */
export class Migration20261201130000_StaffMailAndPartnerKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "notification_preference" ("user_id" uuid not null, "mail_kinds" jsonb not null default '[]', "mail_language" varchar(8) null, "updated_at" timestamptz not null default now(), constraint "notification_preference_pkey" primary key ("user_id"), constraint "notification_preference_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade);`,
    );
    this.addSql(`alter table "api_key" add column "department_code" varchar(32) null;`);
    this.addSql(
      `alter table "api_key" add constraint "api_key_department_code_foreign" foreign key ("department_code") references "department" ("code") on update cascade on delete set null;`,
    );
    this.addSql(`alter table "follow_up_task" add column "data" jsonb null, add column "completed_by_name" varchar(200) null;`);
    // Tasks completed before: the name of the user who completed them.
    this.addSql(
      `update "follow_up_task" t set "completed_by_name" = left(u."name", 200) from "app_user" u where u."id" = t."completed_by_id" and t."completed_by_name" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "follow_up_task" drop column if exists "data", drop column if exists "completed_by_name";`);
    this.addSql(`alter table "api_key" drop constraint if exists "api_key_department_code_foreign";`);
    this.addSql(`alter table "api_key" drop column if exists "department_code";`);
    this.addSql(`drop table if exists "notification_preference" cascade;`);
  }
}

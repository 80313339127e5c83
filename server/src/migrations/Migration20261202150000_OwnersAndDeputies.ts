import { Migration } from '@mikro-orm/migrations';

/**
 * Working together (issue #17): a follow-up task's owner, a head's deputy for approvals over a
 * period, and the head a deputy decided a step for.
 */
export class Migration20261202150000_OwnersAndDeputies extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "approval_deputy" ("id" uuid not null, "created_at" timestamptz not null default now(), "department" varchar(32) not null, "head_id" uuid not null, "deputy_id" uuid not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "cleared_at" timestamptz null, constraint "approval_deputy_pkey" primary key ("id"), constraint "approval_deputy_period_check" check ("starts_at" < "ends_at"), constraint "approval_deputy_not_self_check" check ("head_id" <> "deputy_id"));`,
    );
    this.addSql(`create index "approval_deputy_head_id_index" on "approval_deputy" ("head_id");`);
    this.addSql(`create index "approval_deputy_deputy_id_department_index" on "approval_deputy" ("deputy_id", "department");`);
    this.addSql(
      `alter table "approval_deputy" add constraint "approval_deputy_head_id_foreign" foreign key ("head_id") references "app_user" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "approval_deputy" add constraint "approval_deputy_deputy_id_foreign" foreign key ("deputy_id") references "app_user" ("id") on update cascade;`,
    );
    this.addSql(`alter table "approval_step" add column "on_behalf_of_id" uuid null;`);
    this.addSql(
      `alter table "approval_step" add constraint "approval_step_on_behalf_of_id_foreign" foreign key ("on_behalf_of_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`alter table "follow_up_task" add column "assignee_id" uuid null, add column "assigned_at" timestamptz null;`);
    this.addSql(
      `alter table "follow_up_task" add constraint "follow_up_task_assignee_id_foreign" foreign key ("assignee_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    // "My tasks": open first, soonest due.
    this.addSql(`create index "follow_up_task_assignee_id_index" on "follow_up_task" ("assignee_id", "status", "due_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "follow_up_task_assignee_id_index";`);
    this.addSql(`alter table "follow_up_task" drop constraint if exists "follow_up_task_assignee_id_foreign";`);
    this.addSql(`alter table "follow_up_task" drop column if exists "assignee_id", drop column if exists "assigned_at";`);
    this.addSql(`alter table "approval_step" drop constraint if exists "approval_step_on_behalf_of_id_foreign";`);
    this.addSql(`alter table "approval_step" drop column if exists "on_behalf_of_id";`);
    this.addSql(`drop table if exists "approval_deputy";`);
  }
}

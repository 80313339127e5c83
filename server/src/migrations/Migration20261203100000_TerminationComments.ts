import { Migration } from '@mikro-orm/migrations';

/**
 * Comments on terminations (issue #17): a thread per termination with @mentions. Rows are never
 * deleted; earlier versions of an edited comment stay in `history`.
 */
export class Migration20261203100000_TerminationComments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "termination_comment" ("id" uuid not null, "created_at" timestamptz not null default now(), "termination_id" uuid not null, "author_id" uuid not null, "body" text not null, "version" int not null default 1, "edited_at" timestamptz null, "history" jsonb not null default '[]', "attachment_ids" jsonb not null default '[]', "mentions" jsonb not null default '{"users":[],"departments":[]}', constraint "termination_comment_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "termination_comment_termination_id_created_at_index" on "termination_comment" ("termination_id", "created_at");`,
    );
    this.addSql(
      `alter table "termination_comment" add constraint "termination_comment_termination_id_foreign" foreign key ("termination_id") references "termination" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "termination_comment" add constraint "termination_comment_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "termination_comment";`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Attachments of terminations and follow-up tasks: metadata here, bytes in the storage adapter
 * (STORAGE_DIR or S3_URL) under `storage_key`. Rows are never updated or deleted.
 */
export class Migration20261202140000_Attachments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "attachment" ("id" uuid not null, "created_at" timestamptz not null default now(), "termination_id" uuid not null, "follow_up_task_id" uuid null, "name" varchar(160) not null, "content_type" varchar(100) not null, "size" int not null check ("size" > 0), "sha256" varchar(64) not null, "storage_key" varchar(80) not null, "uploaded_by_type" varchar(16) not null, "uploaded_by_id" varchar(64) null, "uploaded_by" varchar(200) not null, constraint "attachment_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "attachment_termination_id_created_at_index" on "attachment" ("termination_id", "created_at");`);
    this.addSql(`create index "attachment_follow_up_task_id_index" on "attachment" ("follow_up_task_id");`);
    this.addSql(`alter table "attachment" add constraint "attachment_storage_key_unique" unique ("storage_key");`);
    this.addSql(
      `alter table "attachment" add constraint "attachment_termination_id_foreign" foreign key ("termination_id") references "termination" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "attachment" add constraint "attachment_follow_up_task_id_foreign" foreign key ("follow_up_task_id") references "follow_up_task" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "attachment" cascade;`);
  }
}

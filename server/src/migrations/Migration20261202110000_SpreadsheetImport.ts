import { Migration } from '@mikro-orm/migrations';

export class Migration20261202110000_SpreadsheetImport extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "import_run" ("id" uuid not null, "created_at" timestamptz not null default now(), "kind" text not null, "source" varchar(40) not null, "file_name" varchar(255) not null, "format" varchar(4) not null, "size_bytes" int not null, "stored_as" varchar(80) not null, "header_language" varchar(5) null, "status" text check ("status" in ('VALIDATING', 'VALIDATED', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')) not null, "requested_by_id" uuid not null, "total_records" int not null default 0, "validated_records" int not null default 0, "invalid_records" int not null default 0, "processed_records" int not null default 0, "created" int not null default 0, "updated" int not null default 0, "unchanged" int not null default 0, "stale" int not null default 0, "rejected" int not null default 0, "next_row" int not null default 0, "chunks_done" int not null default 0, "started_at" timestamptz null, "finished_at" timestamptz null, "error" text null, constraint "import_run_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "import_run_created_at_index" on "import_run" ("created_at");`);
    this.addSql(
      `alter table "import_run" add constraint "import_run_requested_by_id_foreign" foreign key ("requested_by_id") references "app_user" ("id") on update cascade;`,
    );
    this.addSql(
      `create table "import_row_error" ("id" uuid not null, "created_at" timestamptz not null default now(), "run_id" uuid not null, "phase" text check ("phase" in ('DRY_RUN', 'IMPORT')) not null, "row_number" int not null, "record_first_row" int not null, "record_last_row" int not null, "external_id" varchar(200) null, "column" varchar(100) null, "code" varchar(40) not null, "message" text not null, constraint "import_row_error_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "import_row_error_run_id_phase_record_first_row_row_number_index" on "import_row_error" ("run_id", "phase", "record_first_row", "row_number");`,
    );
    this.addSql(
      `alter table "import_row_error" add constraint "import_row_error_run_id_foreign" foreign key ("run_id") references "import_run" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "import_row_error" cascade;`);
    this.addSql(`drop table if exists "import_run" cascade;`);
  }
}

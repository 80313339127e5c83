import { Migration } from '@mikro-orm/migrations';

/**
 * The external ids an import file has shown so far, per run: its records' own ids (a later row
 * with one is a duplicate) and what its valid records define for later rows to reference. Kept
 * here, not in the importing process, so that its memory does not grow with the file.
 */
export class Migration20261208010000_ImportFileKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "import_file_key" ("run_id" uuid not null references "import_run" ("id") on update cascade on delete cascade, ` +
        `"kind" varchar(40) not null, "external_id" varchar(200) not null, "first_row" int not null, ` +
        `constraint "import_file_key_pkey" primary key ("run_id", "kind", "external_id"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "import_file_key";`);
  }
}

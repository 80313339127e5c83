import { Migration } from '@mikro-orm/migrations';

/** Spreadsheet imports uploaded by an ERP_SYNC API key (issue #14): the key a run was uploaded with. */
export class Migration20261203800000_ImportByApiKey extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "import_run" add column "requested_by_api_key_id" uuid null;`);
    this.addSql(
      `alter table "import_run" add constraint "import_run_requested_by_api_key_id_foreign" foreign key ("requested_by_api_key_id") references "api_key" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "import_run" drop constraint if exists "import_run_requested_by_api_key_id_foreign";`);
    this.addSql(`alter table "import_run" drop column if exists "requested_by_api_key_id";`);
  }
}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261128233151_StatusListIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "termination_status_index";`);

    this.addSql(`create index "termination_status_list_idx" on "termination" ("status", "created_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "termination_status_list_idx";`);

    this.addSql(`create index "termination_status_index" on "termination" ("status");`);
  }
}

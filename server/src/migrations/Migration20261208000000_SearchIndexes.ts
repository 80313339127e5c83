import { Migration } from '@mikro-orm/migrations';

/**
 * The list searches (issue #18, reads that do not grow with the data) match a customer's English
 * name and a termination's number through trigram indexes, as they already match order numbers
 * and customer names.
 */
export class Migration20261208000000_SearchIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index if not exists "customer_name_en_trgm" on "customer" using gin ("name_en" gin_trgm_ops);`);
    this.addSql(`create index if not exists "termination_number_trgm" on "termination" using gin ("number" gin_trgm_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "termination_number_trgm";`);
    this.addSql(`drop index if exists "customer_name_en_trgm";`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * The product's departments (DEPARTMENTS of @ot/shared) exist in every database, not only in demo
 * data: roles, routing rules and department heads refer to them, and a production installation
 * gets no demo seed. Rows that exist already (demo databases, renamed departments) stay as they
 * are. The names are written out here, not imported, so this migration never changes afterwards.
 */
export class Migration20261206900000_StandardDepartments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `insert into "department" ("code", "name_zh", "name_en") values ` +
        `('SALES', '销售部', 'Sales'), ` +
        `('PURCHASING', '采购部', 'Purchasing'), ` +
        `('WAREHOUSE', '仓储部', 'Warehouse'), ` +
        `('FINANCE', '财务部', 'Finance'), ` +
        `('MANAGEMENT', '总经办', 'Management'), ` +
        `('CUSTOMER_SERVICE', '客服部', 'Customer service') ` +
        `on conflict ("code") do nothing;`,
    );
  }

  override async down(): Promise<void> {
    // Users, rules and terminations refer to departments: they stay.
  }
}

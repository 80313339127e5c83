import { Migration } from '@mikro-orm/migrations';

/**
 * Units of measure become codes (PCS, ITEM, UNIT, SET; @ot/shared units.ts) with a label per
 * language, instead of Chinese counters shown to English readers. Spellings we know are turned
 * into their codes; other units stay as the ERP sent them. Written out, not imported, so this
 * migration never changes afterwards.
 */
export class Migration20261208020000_UnitCodes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `update "product" set "unit" = case lower(trim("unit"))
         when '个' then 'PCS' when 'pc' then 'PCS' when 'pcs' then 'PCS' when 'piece' then 'PCS' when 'pieces' then 'PCS'
         when '件' then 'ITEM' when 'item' then 'ITEM' when 'items' then 'ITEM'
         when '台' then 'UNIT' when 'unit' then 'UNIT' when 'units' then 'UNIT'
         when '套' then 'SET' when 'set' then 'SET' when 'sets' then 'SET'
         else "unit" end
       where lower(trim("unit")) in ('个', 'pc', 'pcs', 'piece', 'pieces', '件', 'item', 'items', '台', 'unit', 'units', '套', 'set', 'sets');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `update "product" set "unit" = case "unit" when 'PCS' then '个' when 'ITEM' then '件' when 'UNIT' then '台' when 'SET' then '套' end
       where "unit" in ('PCS', 'ITEM', 'UNIT', 'SET');`,
    );
  }
}

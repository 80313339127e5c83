import { Field, InputType, Int } from 'type-graphql';
import { StockLevel } from '../../inventory/stock-level.entity.js';
import type { Warehouse } from '../../inventory/warehouse.entity.js';
import type { Product } from '../../order/product.entity.js';
import type { RefRequest, SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

@InputType()
export class StockLevelSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  warehouseExternalId?: string | null;
  @Field(() => String, { nullable: true })
  productExternalId?: string | null;
  @Field(() => Int, { nullable: true })
  onHand?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 0' })
  reserved?: number | null;
}

export const stockLevelSync: SyncKind<StockLevelSyncInput, StockLevel> = {
  kind: SyncRecordKind.STOCK_LEVEL,
  field: 'stockLevels',
  entity: StockLevel,
  check(row, c) {
    c.text('warehouseExternalId', row.warehouseExternalId, 128);
    c.text('productExternalId', row.productExternalId, 128);
    const onHand = c.int('onHand', row.onHand, 0);
    const reserved = c.int('reserved', row.reserved, 0, 1_000_000_000, true);
    if (onHand !== null && reserved !== null && reserved > onHand) c.fail('reserved', 'INVALID', 'More reserved than on hand.');
  },
  references(row) {
    const refs: RefRequest[] = [];
    if (row.warehouseExternalId) refs.push({ path: 'warehouseExternalId', kind: 'warehouse', externalId: row.warehouseExternalId.trim() });
    if (row.productExternalId) refs.push({ path: 'productExternalId', kind: 'product', externalId: row.productExternalId.trim() });
    return refs;
  },
  async guard({ em }, row, existing, refs) {
    // One level per warehouse and product: another record (or a row kept here) holding it is a conflict.
    const warehouse = refs.get<Warehouse>('warehouse', row.warehouseExternalId!.trim());
    const product = refs.get<Product>('product', row.productExternalId!.trim());
    const holder = await em.findOne(StockLevel, { warehouse, product });
    if (holder && holder !== existing) {
      return [{ path: 'productExternalId', code: 'CONFLICT', message: 'Another stock level holds this warehouse and product.' }];
    }
    return [];
  },
  apply({ em }, row, existing, refs) {
    const values = {
      warehouse: refs.get<Warehouse>('warehouse', row.warehouseExternalId!.trim()),
      product: refs.get<Product>('product', row.productExternalId!.trim()),
      onHand: row.onHand!,
      reserved: row.reserved ?? 0,
    };
    return { entity: existing ? Object.assign(existing, values) : em.create(StockLevel, values) };
  },
};

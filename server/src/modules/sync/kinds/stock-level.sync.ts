import { Field, InputType, Int } from 'type-graphql';
import { StockLevel } from '../../inventory/stock-level.entity.js';
import type { Warehouse } from '../../inventory/warehouse.entity.js';
import type { Product } from '../../order/product.entity.js';
import type { RefRequest, Refs, SyncKind } from '../sync-kind.js';
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

/** Marks a warehouse and product taken by a new level of this call. */
const CLAIMED = Symbol('claimed');

function pairOf(row: StockLevelSyncInput, refs: Refs) {
  return {
    warehouse: refs.get<Warehouse>('warehouse', row.warehouseExternalId!.trim()),
    product: refs.get<Product>('product', row.productExternalId!.trim()),
  };
}

export const stockLevelSync: SyncKind<StockLevelSyncInput, StockLevel, Map<string, StockLevel | typeof CLAIMED>> = {
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
  async prepare({ em }, rows) {
    // The stored levels of every warehouse and product the call names: one statement.
    const pairs = rows.map(({ row, refs }) => pairOf(row, refs));
    const holders = new Map<string, StockLevel | typeof CLAIMED>();
    const found = await em.find(StockLevel, {
      warehouse: { $in: [...new Set(pairs.map((p) => p.warehouse.id))] },
      product: { $in: [...new Set(pairs.map((p) => p.product.id))] },
    });
    for (const level of found) holders.set(`${level.warehouse.id}:${level.product.id}`, level);
    return holders;
  },
  guard(_scope, row, existing, refs, holders) {
    // One level per warehouse and product: another record (or a row kept here, or an earlier
    // row of this call) holding it is a conflict.
    const { warehouse, product } = pairOf(row, refs);
    const key = `${warehouse.id}:${product.id}`;
    const holder = holders.get(key);
    if (holder && holder !== existing) {
      return [{ path: 'productExternalId', code: 'CONFLICT', message: 'Another stock level holds this warehouse and product.' }];
    }
    holders.set(key, existing ?? CLAIMED);
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

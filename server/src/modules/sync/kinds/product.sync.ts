import { Field, InputType } from 'type-graphql';
import { unitCode } from '@ot/shared';
import { Product, ProductStatus } from '../../order/product.entity.js';
import type { SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

@InputType()
export class ProductSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  sku?: string | null;
  @Field(() => String, { nullable: true })
  name?: string | null;
  @Field(() => String, { nullable: true })
  nameEn?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Unit of measure: PCS, ITEM, UNIT, SET (or 个, 件, 台, 套, pcs …, stored as the code); other units are kept as sent',
  })
  unit?: string | null;
  @Field(() => String, { nullable: true, description: 'Decimal string, 2 places' })
  listPrice?: string | null;
  @Field(() => ProductStatus, { nullable: true, description: 'DISCONTINUED marks a product no longer sold (default ACTIVE)' })
  status?: ProductStatus | null;
}

function values(row: ProductSyncInput) {
  return {
    sku: row.sku!.trim(),
    name: row.name!.trim(),
    nameEn: row.nameEn?.trim() || null,
    unit: unitCode(row.unit!),
    listPrice: row.listPrice!.trim(),
    status: row.status ?? ProductStatus.ACTIVE,
  };
}

export const productSync: SyncKind<ProductSyncInput, Product> = {
  kind: SyncRecordKind.PRODUCT,
  field: 'products',
  entity: Product,
  refKind: 'product',
  naturalKey: { property: 'sku', path: 'sku', value: (row) => row.sku?.trim() },
  check(row, c) {
    c.text('sku', row.sku, 32);
    c.text('name', row.name, 200);
    c.text('nameEn', row.nameEn, 200, true);
    c.text('unit', row.unit, 16);
    c.money('listPrice', row.listPrice);
  },
  references: () => [],
  apply({ em }, row, existing) {
    if (existing) return { entity: Object.assign(existing, values(row)) };
    return { entity: em.create(Product, values(row)) };
  },
};

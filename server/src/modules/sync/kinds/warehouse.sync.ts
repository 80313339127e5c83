import { Field, InputType } from 'type-graphql';
import { Warehouse } from '../../inventory/warehouse.entity.js';
import type { SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

@InputType()
export class WarehouseSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  code?: string | null;
  @Field(() => String, { nullable: true })
  name?: string | null;
  @Field(() => String, { nullable: true })
  city?: string | null;
}

function values(row: WarehouseSyncInput) {
  return { code: row.code!.trim(), name: row.name!.trim(), city: row.city!.trim() };
}

export const warehouseSync: SyncKind<WarehouseSyncInput, Warehouse> = {
  kind: SyncRecordKind.WAREHOUSE,
  field: 'warehouses',
  entity: Warehouse,
  refKind: 'warehouse',
  naturalKey: { property: 'code', path: 'code', value: (row) => row.code?.trim() },
  check(row, c) {
    c.text('code', row.code, 16);
    c.text('name', row.name, 200);
    c.text('city', row.city, 100);
  },
  references: () => [],
  apply({ em }, row, existing) {
    if (existing) return { entity: Object.assign(existing, values(row)) };
    return { entity: em.create(Warehouse, values(row)) };
  },
};

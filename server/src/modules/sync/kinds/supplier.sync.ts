import { Field, InputType } from 'type-graphql';
import { Supplier } from '../../purchasing/supplier.entity.js';
import type { SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

@InputType()
export class SupplierSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  code?: string | null;
  @Field(() => String, { nullable: true })
  name?: string | null;
  @Field(() => String, { nullable: true })
  contactName?: string | null;
  @Field(() => String, { nullable: true, description: 'Where cancellation notices go; without it Purchasing is asked to phone' })
  email?: string | null;
  @Field(() => String, { nullable: true })
  phone?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true; false marks a supplier no longer used (never deleted)' })
  active?: boolean | null;
}

function values(row: SupplierSyncInput) {
  return {
    code: row.code!.trim(),
    name: row.name!.trim(),
    contactName: row.contactName?.trim() || null,
    email: row.email?.trim() || null,
    phone: row.phone?.trim() || null,
    active: row.active ?? true,
  };
}

export const supplierSync: SyncKind<SupplierSyncInput, Supplier> = {
  kind: SyncRecordKind.SUPPLIER,
  field: 'suppliers',
  entity: Supplier,
  refKind: 'supplier',
  naturalKey: { property: 'code', path: 'code', value: (row) => row.code?.trim() },
  check(row, c) {
    c.text('code', row.code, 32);
    c.text('name', row.name, 200);
    c.text('contactName', row.contactName, 100, true);
    c.email('email', row.email, true);
    c.text('phone', row.phone, 40, true);
  },
  references: () => [],
  apply({ em }, row, existing) {
    if (existing) return { entity: Object.assign(existing, values(row)) };
    return { entity: em.create(Supplier, values(row)) };
  },
};

import { Field, InputType } from 'type-graphql';
import { Customer } from '../../order/customer.entity.js';
import type { SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

export const CUSTOMER_LANGUAGES = ['zh-CN', 'en'] as const;

@InputType()
export class CustomerSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  code?: string | null;
  @Field(() => String, { nullable: true })
  name?: string | null;
  @Field(() => String, { nullable: true })
  nameEn?: string | null;
  @Field(() => String, { nullable: true })
  contactName?: string | null;
  @Field(() => String, { nullable: true })
  email?: string | null;
  @Field(() => String, { nullable: true })
  phone?: string | null;
  @Field(() => String, { nullable: true })
  city?: string | null;
  @Field(() => String, { nullable: true, description: '"zh-CN" or "en": the language the customer is written to' })
  language?: string | null;
}

/** Checked values, so that apply writes exactly what check accepted. */
function values(row: CustomerSyncInput) {
  return {
    code: row.code!.trim(),
    name: row.name!.trim(),
    nameEn: row.nameEn?.trim() || null,
    contactName: row.contactName!.trim(),
    email: row.email!.trim(),
    phone: row.phone?.trim() || null,
    city: row.city!.trim(),
    language: row.language ?? null,
  };
}

export const customerSync: SyncKind<CustomerSyncInput, Customer> = {
  kind: SyncRecordKind.CUSTOMER,
  field: 'customers',
  entity: Customer,
  refKind: 'customer',
  naturalKey: { property: 'code', path: 'code', value: (row) => row.code?.trim() },
  check(row, c) {
    c.text('code', row.code, 32);
    c.text('name', row.name, 200);
    c.text('nameEn', row.nameEn, 200, true);
    c.text('contactName', row.contactName, 100);
    c.email('email', row.email);
    c.text('phone', row.phone, 40, true);
    c.text('city', row.city, 100);
    if (row.language != null) c.oneOf('language', row.language, CUSTOMER_LANGUAGES);
  },
  references: () => [],
  apply({ em }, row, existing) {
    if (existing) return { entity: Object.assign(existing, values(row)) };
    return { entity: em.create(Customer, values(row)) };
  },
};

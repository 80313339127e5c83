import { Field, InputType } from 'type-graphql';
import { Invoice } from '../../finance/invoice.entity.js';
import type { Customer } from '../../order/customer.entity.js';
import type { SalesOrder } from '../../order/sales-order.entity.js';
import type { RefRequest, SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

@InputType()
export class InvoiceSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  number?: string | null;
  @Field(() => String, { nullable: true, description: 'The sales order invoiced' })
  salesOrderExternalId?: string | null;
  @Field(() => String, { nullable: true, description: "Optional: when sent, it must be the order's customer" })
  customerExternalId?: string | null;
  @Field(() => String, { nullable: true, description: "Decimal string, 2 places, in the order's currency" })
  amount?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO date (YYYY-MM-DD)' })
  issuedOn?: string | null;
}

/**
 * Invoices of a sales order. They change what a termination settles (amount invoiced), not
 * what it may take, so none is refused for a running termination; its requester is told.
 */
export const invoiceSync: SyncKind<InvoiceSyncInput, Invoice> = {
  kind: SyncRecordKind.INVOICE,
  field: 'invoices',
  entity: Invoice,
  refKind: 'invoice',
  naturalKey: { property: 'number', path: 'number', value: (row) => row.number?.trim() },
  check(row, c) {
    c.text('number', row.number, 32);
    c.text('salesOrderExternalId', row.salesOrderExternalId, 128);
    c.text('customerExternalId', row.customerExternalId, 128, true);
    c.money('amount', row.amount);
    c.date('issuedOn', row.issuedOn);
  },
  references(row) {
    const refs: RefRequest[] = [];
    if (row.salesOrderExternalId)
      refs.push({ path: 'salesOrderExternalId', kind: 'salesOrder', externalId: row.salesOrderExternalId.trim() });
    if (row.customerExternalId?.trim())
      refs.push({ path: 'customerExternalId', kind: 'customer', externalId: row.customerExternalId.trim() });
    return refs;
  },
  async guard(_scope, row, _existing, refs) {
    if (!row.customerExternalId?.trim()) return [];
    const order = refs.get<SalesOrder>('salesOrder', row.salesOrderExternalId!.trim());
    const customer = refs.get<Customer>('customer', row.customerExternalId.trim());
    if (order.customer.id === customer.id) return [];
    return [{ path: 'customerExternalId', code: 'INVALID', message: "The customer is not the order's customer." }];
  },
  apply({ em }, row, existing, refs) {
    const values = {
      number: row.number!.trim(),
      order: refs.get<SalesOrder>('salesOrder', row.salesOrderExternalId!.trim()),
      amount: row.amount!.trim(),
      issuedOn: row.issuedOn!,
    };
    return { entity: existing ? Object.assign(existing, values) : em.create(Invoice, values) };
  },
};

import { Field, InputType } from 'type-graphql';
import type { Invoice } from '../../finance/invoice.entity.js';
import { Payment } from '../../finance/payment.entity.js';
import type { SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

@InputType()
export class PaymentSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true, description: 'The payment reference, unique' })
  reference?: string | null;
  @Field(() => String, { nullable: true, description: "The invoice paid: the payment counts for the invoice's order" })
  invoiceExternalId?: string | null;
  @Field(() => String, { nullable: true, description: 'Decimal string, 2 places' })
  amount?: string | null;
  @Field(() => String, { nullable: true, description: 'How it was paid, e.g. BANK_TRANSFER, ALIPAY, ACCEPTANCE_BILL' })
  method?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO date (YYYY-MM-DD)' })
  paidOn?: string | null;
}

/** Payments of an invoice (and so of its order); like invoices, never refused for a running termination. */
export const paymentSync: SyncKind<PaymentSyncInput, Payment> = {
  kind: SyncRecordKind.PAYMENT,
  field: 'payments',
  entity: Payment,
  naturalKey: { property: 'reference', path: 'reference', value: (row) => row.reference?.trim() },
  check(row, c) {
    c.text('reference', row.reference, 32);
    c.text('invoiceExternalId', row.invoiceExternalId, 128);
    c.money('amount', row.amount);
    c.text('method', row.method, 16);
    c.date('paidOn', row.paidOn);
  },
  references(row) {
    if (!row.invoiceExternalId) return [];
    return [{ path: 'invoiceExternalId', kind: 'invoice', externalId: row.invoiceExternalId.trim() }];
  },
  apply({ em }, row, existing, refs) {
    const invoice = refs.get<Invoice>('invoice', row.invoiceExternalId!.trim());
    const values = {
      reference: row.reference!.trim(),
      invoice,
      order: invoice.order,
      amount: row.amount!.trim(),
      method: row.method!.trim(),
      paidOn: row.paidOn!,
    };
    return { entity: existing ? Object.assign(existing, values) : em.create(Payment, values) };
  },
};

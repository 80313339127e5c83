import { PO_STATUSES, type PurchaseOrderStatus } from '@ot/shared';
import { Field, InputType, Int } from 'type-graphql';
import type { Product } from '../../order/product.entity.js';
import type { SalesOrderLine } from '../../order/sales-order-line.entity.js';
import { PurchaseOrderLine } from '../../purchasing/purchase-order-line.entity.js';
import { PurchaseOrder, PurchaseOrderStatusEnum } from '../../purchasing/purchase-order.entity.js';
import type { Supplier } from '../../purchasing/supplier.entity.js';
import type { RefRequest, SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';
import type { RowError } from '../sync-validation.js';
import { foreignLines, lineOwners } from '../line-owners.js';

const MAX_LINES = 200;

@InputType()
export class PurchaseOrderLineSyncInput {
  @Field(() => String)
  externalId!: string;
  @Field(() => String, { nullable: true })
  productExternalId?: string | null;
  @Field(() => Int, { nullable: true })
  quantity?: number | null;
  @Field(() => String, { nullable: true, description: 'Unit cost, decimal string, 2 places' })
  unitPrice?: string | null;
  @Field(() => String, { nullable: true, description: 'The sales-order line this buys for (a PO may buy for several orders)' })
  salesOrderLineExternalId?: string | null;
  @Field(() => Int, { nullable: true, description: 'Default 0' })
  receivedQuantity?: number | null;
}

@InputType()
export class PurchaseOrderSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  number?: string | null;
  @Field(() => String, { nullable: true })
  supplierExternalId?: string | null;
  @Field(() => PurchaseOrderStatusEnum, { nullable: true })
  status?: PurchaseOrderStatus | null;
  @Field(() => String, { nullable: true })
  currency?: string | null;
  @Field(() => String, { nullable: true })
  orderDate?: string | null;
  @Field(() => String, { nullable: true, description: 'Fraction from 0 to 1 the supplier charges on cancelled value (default "0")' })
  cancellationPenaltyRate?: string | null;
  @Field(() => [PurchaseOrderLineSyncInput], {
    nullable: true,
    description: 'Every line of the PO: a stored line left out is cancelled (what was not received)',
  })
  lines?: PurchaseOrderLineSyncInput[] | null;
}

export const purchaseOrderSync: SyncKind<PurchaseOrderSyncInput, PurchaseOrder, Map<string, string>> = {
  kind: SyncRecordKind.PURCHASE_ORDER,
  field: 'purchaseOrders',
  entity: PurchaseOrder,
  populate: ['lines'],
  naturalKey: { property: 'number', path: 'number', value: (row) => row.number?.trim() },
  check(row, c) {
    c.text('number', row.number, 32);
    c.text('supplierExternalId', row.supplierExternalId, 128);
    c.oneOf('status', row.status, PO_STATUSES);
    c.currency('currency', row.currency);
    c.date('orderDate', row.orderDate);
    c.rate('cancellationPenaltyRate', row.cancellationPenaltyRate, true);
    const lines = row.lines ?? [];
    if (!lines.length) c.fail('lines', 'REQUIRED', 'A purchase order has at least one line.');
    if (lines.length > MAX_LINES) c.fail('lines', 'TOO_LONG', `At most ${MAX_LINES} lines.`);
    const ids = new Set<string>();
    lines.slice(0, MAX_LINES).forEach((line, i) => {
      const p = `lines[${i}]`;
      const id = c.text(`${p}.externalId`, line.externalId, 128);
      if (id && ids.has(id)) c.fail(`${p}.externalId`, 'DUPLICATE_IN_CALL', `Line ${id} appears twice in the purchase order.`);
      if (id) ids.add(id);
      c.text(`${p}.productExternalId`, line.productExternalId, 128);
      c.text(`${p}.salesOrderLineExternalId`, line.salesOrderLineExternalId, 128);
      const quantity = c.int(`${p}.quantity`, line.quantity, 1);
      c.money(`${p}.unitPrice`, line.unitPrice);
      const received = c.int(`${p}.receivedQuantity`, line.receivedQuantity, 0, 1_000_000_000, true);
      if (quantity !== null && received !== null && received > quantity) {
        c.fail(`${p}.receivedQuantity`, 'INVALID', 'More received than ordered.');
      }
    });
  },
  references(row) {
    const refs: RefRequest[] = [];
    if (row.supplierExternalId) refs.push({ path: 'supplierExternalId', kind: 'supplier', externalId: row.supplierExternalId.trim() });
    (row.lines ?? []).forEach((line, i) => {
      if (line.productExternalId)
        refs.push({ path: `lines[${i}].productExternalId`, kind: 'product', externalId: line.productExternalId.trim() });
      if (line.salesOrderLineExternalId) {
        refs.push({
          path: `lines[${i}].salesOrderLineExternalId`,
          kind: 'salesOrderLine',
          externalId: line.salesOrderLineExternalId.trim(),
        });
      }
    });
    return refs;
  },
  // Which purchase order holds each sent line's external id: one statement for the call.
  prepare: ({ em, source }, rows) => lineOwners(em, PurchaseOrderLine, 'purchaseOrder', source, rows),
  guard(_scope, row, existing, refs, owners) {
    const errors: RowError[] = [];
    const lines = row.lines ?? [];
    lines.forEach((line, i) => {
      const product = refs.get<Product>('product', line.productExternalId!.trim());
      const salesLine = refs.get<SalesOrderLine>('salesOrderLine', line.salesOrderLineExternalId!.trim());
      if (salesLine.product.id !== product.id) {
        errors.push({
          path: `lines[${i}].productExternalId`,
          code: 'INVALID',
          message: 'The product differs from the sales-order line it buys for.',
        });
      }
      const stored = existing?.lines.getItems().find((l) => l.externalId === line.externalId.trim());
      if (stored && line.quantity! < (line.receivedQuantity ?? stored.receivedQuantity) + stored.cancelledQuantity) {
        errors.push({ path: `lines[${i}].quantity`, code: 'INVALID', message: 'Below what is received and cancelled.' });
      }
    });
    errors.push(...foreignLines(row, owners, existing?.id, 'purchase order'));
    return errors;
  },
  apply({ em, source }, row, existing, refs) {
    const values = {
      number: row.number!.trim(),
      supplier: refs.get<Supplier>('supplier', row.supplierExternalId!.trim()),
      status: row.status!,
      currency: row.currency!,
      orderDate: row.orderDate!,
      cancellationPenaltyRate: row.cancellationPenaltyRate?.trim() ?? '0',
    };
    const po = existing ? Object.assign(existing, values) : em.create(PurchaseOrder, values);
    const stored = existing ? existing.lines.getItems() : [];
    const sentIds = new Set<string>();
    for (const sent of row.lines ?? []) {
      const externalId = sent.externalId.trim();
      sentIds.add(externalId);
      const lineValues = {
        product: refs.get<Product>('product', sent.productExternalId!.trim()),
        salesOrderLine: refs.get<SalesOrderLine>('salesOrderLine', sent.salesOrderLineExternalId!.trim()),
        quantity: sent.quantity!,
        unitCost: sent.unitPrice!.trim(),
      };
      let line = stored.find((l) => l.externalId === externalId);
      if (!line) {
        line = em.create(PurchaseOrderLine, { purchaseOrder: po, ...lineValues, source, externalId });
        po.lines.add(line);
      } else Object.assign(line, lineValues);
      if (sent.receivedQuantity != null) line.receivedQuantity = sent.receivedQuantity;
    }
    // No hard deletes: a line the ERP no longer sends is cancelled for what was not received.
    for (const line of stored) {
      if (line.externalId && sentIds.has(line.externalId)) continue;
      line.cancelledQuantity = line.quantity - line.receivedQuantity;
    }
    return { entity: po };
  },
};

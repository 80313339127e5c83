import { randomUUID } from 'node:crypto';
import { PO_STATUSES, type PurchaseOrderStatus } from '@ot/shared';
import { Field, InputType, Int } from 'type-graphql';
import { PurchaseOrder, PurchaseOrderStatusEnum } from '../../purchasing/purchase-order.entity.js';
import type { RefRequest, SqlSyncKind, StoredRow } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';
import type { RowError } from '../sync-validation.js';
import { foreignLines, lineOwners } from '../line-owners.js';
import { loadStored, updateRows, upsertRows, writeVersions, type Column } from '../sql-write.js';

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

/** A referenced row: its id, and for a sales-order line its product. */
interface Ref {
  id: string;
  product?: { id: string };
}

interface StoredPoLine {
  id: string;
  externalId: string | null;
  quantity: number;
  receivedQuantity: number;
  cancelledQuantity: number;
}

interface StoredPo extends StoredRow {
  lines: StoredPoLine[];
}

/** A purchase order's own columns, as the sync writes them (and the volume seed, which has no sync identity). */
export const PURCHASE_ORDER_FIELDS: Column[] = [
  ['number', 'text'],
  ['supplier_id', 'uuid'],
  ['status', 'text'],
  ['currency', 'text'],
  ['order_date', 'date'],
  ['cancellation_penalty_rate', 'numeric'],
];
const PO_COLUMNS: Column[] = [
  ['id', 'uuid'],
  ['source', 'text'],
  ['external_id', 'text'],
  ['source_version', 'bigint'],
  ['content_hash', 'text'],
  ...PURCHASE_ORDER_FIELDS,
];
const PO_LINE_COLUMNS: Column[] = [
  ['id', 'uuid'],
  ['source', 'text'],
  ['external_id', 'text'],
  ['purchase_order_id', 'uuid'],
  ['product_id', 'uuid'],
  ['sales_order_line_id', 'uuid'],
  ['quantity', 'int'],
  ['unit_cost', 'numeric'],
  ['received_quantity', 'int'],
];
const PO_UPDATED = PO_COLUMNS.slice(3).map(([name]) => name);
const PO_LINE_UPDATED = PO_LINE_COLUMNS.slice(4).map(([name]) => name);

export const purchaseOrderSync: SqlSyncKind<PurchaseOrderSyncInput, StoredPo, Map<string, string>> = {
  kind: SyncRecordKind.PURCHASE_ORDER,
  field: 'purchaseOrders',
  entity: PurchaseOrder,
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
  prepare: ({ em, source }, rows) => lineOwners(em, 'purchase_order_line', 'purchase_order_id', source, rows),
  guard(_scope, row, existing, refs, owners) {
    const errors: RowError[] = [];
    const lines = row.lines ?? [];
    lines.forEach((line, i) => {
      const product = refs.get<Ref>('product', line.productExternalId!.trim());
      const salesLine = refs.get<Ref>('salesOrderLine', line.salesOrderLineExternalId!.trim());
      if (salesLine.product?.id !== product.id) {
        errors.push({
          path: `lines[${i}].productExternalId`,
          code: 'INVALID',
          message: 'The product differs from the sales-order line it buys for.',
        });
      }
      const stored = existing?.lines.find((l) => l.externalId === line.externalId.trim());
      if (stored && line.quantity! < (line.receivedQuantity ?? stored.receivedQuantity) + stored.cancelledQuantity) {
        errors.push({ path: `lines[${i}].quantity`, code: 'INVALID', message: 'Below what is received and cancelled.' });
      }
    });
    errors.push(...foreignLines(row, owners, existing?.id, 'purchase order'));
    return errors;
  },
  load: ({ em, source }, externalIds) =>
    loadStored<StoredPo>(
      em,
      'purchase_order',
      source,
      externalIds,
      `, (select coalesce(json_agg(json_build_object('id', l.id, 'externalId', l.external_id, 'quantity', l.quantity,
                  'receivedQuantity', l.received_quantity, 'cancelledQuantity', l.cancelled_quantity)), '[]'::json)
            from purchase_order_line l where l.purchase_order_id = t.id) as lines`,
    ),
  async write({ em, source }, rows, versionOnly) {
    const written = new Map<string, StoredRow>();
    const pos: Record<string, unknown>[] = [];
    const lines: Record<string, unknown>[] = [];
    const cancelled: Record<string, unknown>[] = [];
    for (const { row, existing, refs, externalId, contentHash, sourceVersion } of rows) {
      const id = existing?.id ?? randomUUID();
      pos.push({
        id,
        source,
        external_id: externalId,
        source_version: sourceVersion,
        content_hash: contentHash,
        number: row.number!.trim(),
        supplier_id: refs.get<Ref>('supplier', row.supplierExternalId!.trim()).id,
        status: row.status,
        currency: row.currency,
        order_date: row.orderDate,
        cancellation_penalty_rate: row.cancellationPenaltyRate?.trim() ?? '0',
      });
      const sentIds = new Set<string>();
      for (const sent of row.lines ?? []) {
        const lineId = sent.externalId.trim();
        sentIds.add(lineId);
        const was = existing?.lines.find((l) => l.externalId === lineId);
        lines.push({
          id: was?.id ?? randomUUID(),
          source,
          external_id: lineId,
          purchase_order_id: id,
          product_id: refs.get<Ref>('product', sent.productExternalId!.trim()).id,
          sales_order_line_id: refs.get<Ref>('salesOrderLine', sent.salesOrderLineExternalId!.trim()).id,
          quantity: sent.quantity,
          unit_cost: sent.unitPrice!.trim(),
          received_quantity: sent.receivedQuantity ?? was?.receivedQuantity ?? 0,
        });
      }
      // No hard deletes: a line the ERP no longer sends is cancelled for what was not received.
      for (const was of existing?.lines ?? []) {
        if (was.externalId && sentIds.has(was.externalId)) continue;
        const quantity = was.quantity - was.receivedQuantity;
        if (quantity !== was.cancelledQuantity) cancelled.push({ id: was.id, quantity });
      }
      written.set(externalId, { id, externalId, sourceVersion, contentHash });
    }
    await upsertRows(em, 'purchase_order', PO_COLUMNS, pos, PO_UPDATED, { bumpVersion: true });
    await upsertRows(em, 'purchase_order_line', PO_LINE_COLUMNS, lines, PO_LINE_UPDATED);
    await updateRows(em, 'purchase_order_line', [['quantity', 'int']], cancelled, 'cancelled_quantity = x.quantity');
    await writeVersions(em, 'purchase_order', versionOnly);
    return { rows: written, children: [] };
  },
};

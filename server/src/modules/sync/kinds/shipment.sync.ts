import { Field, InputType, Int } from 'type-graphql';
import type { SalesOrderLine } from '../../order/sales-order-line.entity.js';
import { Shipment, ShipmentStatus } from '../../order/shipment.entity.js';
import { TerminationLine } from '../../termination/termination-line.entity.js';
import type { Refs, SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';
import { RowChecker, type RowError } from '../sync-validation.js';
import { RUNNING_TERMINATION } from './sales-order.sync.js';

@InputType()
export class ShipmentSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  number?: string | null;
  @Field(() => String, { nullable: true, description: 'The sales-order line shipped (the order is its order)' })
  salesOrderLineExternalId?: string | null;
  @Field(() => Int, { nullable: true })
  quantity?: number | null;
  @Field(() => ShipmentStatus, { nullable: true, description: 'Default IN_TRANSIT' })
  status?: ShipmentStatus | null;
  @Field(() => String, { nullable: true })
  carrier?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO date-time with an offset, or a date' })
  shippedAt?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO date-time with an offset, or a date; required when DELIVERED' })
  deliveredAt?: string | null;
}

const lineOf = (row: ShipmentSyncInput, refs: Refs) => refs.get<SalesOrderLine>('salesOrderLine', row.salesOrderLineExternalId!.trim());

/** What the guard found the line's shipments carry with this row, for apply (which cannot query). */
const carriedByRow = new WeakMap<ShipmentSyncInput, number>();

/** Checked values, so that apply writes exactly what check accepted. */
function values(row: ShipmentSyncInput) {
  const c = new RowChecker();
  return {
    number: row.number!.trim(),
    quantity: row.quantity!,
    status: row.status ?? ShipmentStatus.IN_TRANSIT,
    carrier: row.carrier!.trim(),
    shippedAt: c.instant('shippedAt', row.shippedAt)!,
    deliveredAt: c.instant('deliveredAt', row.deliveredAt, true),
  };
}

/**
 * Shipments of a sales-order line. A line's shipped quantity is at least what its shipments
 * carry: a shipment beyond it raises it (never lowers it; the order record owns it otherwise).
 * A shipment that would ship what a running termination is taking from the line is refused
 * with TERMINATION_IN_PROGRESS: the termination was priced on those units staying unshipped.
 */
export const shipmentSync: SyncKind<ShipmentSyncInput, Shipment, Map<string, { id: string; quantity: number }[]>> = {
  kind: SyncRecordKind.SHIPMENT,
  field: 'shipments',
  entity: Shipment,
  naturalKey: { property: 'number', path: 'number', value: (row) => row.number?.trim() },
  check(row, c) {
    c.text('number', row.number, 32);
    c.text('salesOrderLineExternalId', row.salesOrderLineExternalId, 128);
    c.int('quantity', row.quantity, 1);
    c.text('carrier', row.carrier, 100);
    c.instant('shippedAt', row.shippedAt);
    const delivered = c.instant('deliveredAt', row.deliveredAt, true);
    if (row.status === ShipmentStatus.DELIVERED && !row.deliveredAt) c.fail('deliveredAt', 'REQUIRED', 'A delivered shipment says when.');
    if (row.status !== ShipmentStatus.DELIVERED && delivered)
      c.fail('deliveredAt', 'INVALID', 'Only a DELIVERED shipment has a delivery time.');
  },
  references(row) {
    if (!row.salesOrderLineExternalId) return [];
    return [{ path: 'salesOrderLineExternalId', kind: 'salesOrderLine', externalId: row.salesOrderLineExternalId.trim() }];
  },
  async prepare({ em }, rows) {
    // The stored shipments of every line the call ships: one statement, not one per row.
    const lines = [...new Set(rows.map(({ row, refs }) => lineOf(row, refs).id))];
    const byLine = new Map<string, { id: string; quantity: number }[]>();
    for (const s of await em.find(Shipment, { line: { $in: lines } }, { fields: ['quantity', 'line'] })) {
      byLine.set(s.line.id, [...(byLine.get(s.line.id) ?? []), { id: s.id, quantity: s.quantity }]);
    }
    return byLine;
  },
  async guard({ em }, row, existing, refs, stored) {
    const line = lineOf(row, refs);
    const others = (stored.get(line.id) ?? []).filter((s) => s.id !== existing?.id);
    const carried = others.reduce((n, s) => n + s.quantity, 0) + row.quantity!;
    carriedByRow.set(row, carried);
    const shipped = Math.max(line.shippedQuantity, carried);
    if (shipped + line.terminatedQuantity > line.quantity) {
      return [
        {
          path: 'quantity',
          code: 'INVALID',
          message: `Line ${line.lineNo}: its shipments would carry ${carried}, more than the ${line.quantity - line.terminatedQuantity} ordered and not terminated.`,
        },
      ];
    }
    if (shipped === line.shippedQuantity) return [];
    const running = await em.find(
      TerminationLine,
      { salesOrderLine: line, termination: { status: { $in: RUNNING_TERMINATION } } },
      { fields: ['quantity'] },
    );
    const taken = running.reduce((n, t) => n + t.quantity, 0);
    const errors: RowError[] = [];
    if (taken && shipped + line.terminatedQuantity + taken > line.quantity) {
      errors.push({
        path: 'quantity',
        code: 'TERMINATION_IN_PROGRESS',
        message: `Line ${line.lineNo}: ${taken} are being terminated; its shipments cannot carry more than ${line.quantity - line.terminatedQuantity - taken} now.`,
      });
    }
    return errors;
  },
  apply({ em }, row, existing, refs) {
    const line = lineOf(row, refs);
    const shipment = existing
      ? Object.assign(existing, values(row), { line, order: line.order })
      : em.create(Shipment, { ...values(row), line, order: line.order });
    line.shippedQuantity = Math.max(line.shippedQuantity, carriedByRow.get(row) ?? 0);
    return { entity: shipment };
  },
};

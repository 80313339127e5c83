import { openQuantity } from '../../purchasing/open-quantity.js';
import { Decimal } from '../../../common/money.js';
import { SettlementKind } from '../../settlement/settlement.entity.js';
import type { TerminationImpact } from '../impact.types.js';
import type { AppliedPurchaseOrderChangeRecord } from '../termination.entity.js';

/*
 * What taking effect does to the ERP rows, as pure functions of the fresh impact and the rows'
 * current state. The effect steps apply them to locked entities; the volume seed applies them
 * to rows it writes in bulk. One set of rules for both.
 */

/** Refund when money goes back, a fee when the customer owes one, otherwise nothing to settle. */
export function settlementKindFor(impact: Pick<TerminationImpact, 'refundDue' | 'feeOutstanding'>): SettlementKind {
  if (new Decimal(impact.refundDue).gt(0)) return SettlementKind.REFUND;
  if (new Decimal(impact.feeOutstanding).gt(0)) return SettlementKind.FEE;
  return SettlementKind.NONE;
}

/** The order's status once its lines carry the terminated quantities. */
export function orderStatusAfterTermination(lines: readonly { quantity: number; terminatedQuantity: number }[]) {
  return lines.every((l) => l.terminatedQuantity === l.quantity) ? ('TERMINATED' as const) : ('PARTIALLY_TERMINATED' as const);
}

export interface PurchaseOrderState {
  id: string;
  number: string;
  supplierName: string;
  status: string;
}

export interface PurchaseOrderLineState {
  id: string;
  purchaseOrderId: string;
  sku: string;
  quantity: number;
  receivedQuantity: number;
  cancelledQuantity: number;
}

export interface PurchaseOrderPlan {
  /** Quantity to add to each line's cancelled quantity. */
  cancellations: { purchaseOrderLineId: string; quantity: number }[];
  /** Purchase orders whose status changes, with the new status. */
  statusChanges: { purchaseOrderId: string; status: string }[];
  /** What was done, kept with the termination (it may differ from the plan at submission). */
  records: AppliedPurchaseOrderChangeRecord[];
}

/**
 * Cancels what the impact planned, never more than is still open on each line. A purchase order
 * with nothing left open ends CANCELLED, or RECEIVED when anything arrived.
 */
export function planPurchaseOrderChanges(
  planned: TerminationImpact['purchaseOrders'],
  orders: readonly PurchaseOrderState[],
  lines: readonly PurchaseOrderLineState[],
): PurchaseOrderPlan {
  const plan: PurchaseOrderPlan = { cancellations: [], statusChanges: [], records: [] };
  for (const po of orders) {
    const wanted = planned.find((p) => p.purchaseOrderId === po.id);
    if (!wanted) continue;
    const ofPo = lines.filter((l) => l.purchaseOrderId === po.id).map((l) => ({ ...l }));
    const record: AppliedPurchaseOrderChangeRecord = {
      purchaseOrderId: po.id,
      number: po.number,
      supplierName: po.supplierName,
      action: 'REDUCE',
      statusBefore: po.status,
      statusAfter: po.status,
      lines: [],
    };
    for (const change of wanted.lines.filter((l) => l.cancelQuantity > 0)) {
      const line = ofPo.find((l) => l.id === change.purchaseOrderLineId);
      if (!line) continue;
      const cancelled = Math.min(change.cancelQuantity, openQuantity(line));
      const before = line.quantity - line.cancelledQuantity;
      line.cancelledQuantity += cancelled;
      plan.cancellations.push({ purchaseOrderLineId: line.id, quantity: cancelled });
      record.lines.push({
        purchaseOrderLineId: line.id,
        sku: line.sku,
        quantityBefore: before,
        quantityCancelled: cancelled,
        quantityAfter: before - cancelled,
      });
    }
    if (ofPo.every((l) => openQuantity(l) === 0)) {
      record.statusAfter = ofPo.some((l) => l.receivedQuantity > 0) ? 'RECEIVED' : 'CANCELLED';
      if (record.statusAfter !== po.status) plan.statusChanges.push({ purchaseOrderId: po.id, status: record.statusAfter });
    }
    // The action is what happened: the PO ended cancelled, or it was only reduced.
    record.action = record.statusAfter === 'CANCELLED' ? 'CANCEL' : 'REDUCE';
    if (record.lines.length) plan.records.push(record);
  }
  plan.records.sort((a, b) => a.number.localeCompare(b.number));
  return plan;
}

export interface ReservationState {
  id: string;
  quantity: number;
}

/** A release of reserved stock: the whole reservation, or a part of it that becomes a record of its own. */
export interface ReservationRelease {
  reservationId: string;
  quantity: number;
  whole: boolean;
}

/** Releases what the impact planned from the reservations still active (a vanished one is skipped). */
export function planReservationReleases(
  planned: TerminationImpact['reservations'],
  active: readonly ReservationState[],
): ReservationRelease[] {
  const releases: ReservationRelease[] = [];
  for (const release of planned) {
    const reservation = active.find((r) => r.id === release.reservationId);
    if (!reservation) continue;
    const quantity = Math.min(release.quantity, reservation.quantity);
    releases.push({ reservationId: reservation.id, quantity, whole: quantity === reservation.quantity });
  }
  return releases;
}

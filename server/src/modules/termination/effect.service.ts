import { LockMode } from '@mikro-orm/core';
import type { FaultInjector } from '../../kernel/faults.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { Reservation, ReservationStatus } from '../inventory/reservation.entity.js';
import { StockLevel } from '../inventory/stock-level.entity.js';
import { Customer } from '../order/customer.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import type { SalesOrder } from '../order/sales-order.entity.js';
import { PurchaseOrderLine } from '../purchasing/purchase-order-line.entity.js';
import { PurchaseOrder } from '../purchasing/purchase-order.entity.js';
import { Settlement, SettlementStatus } from '../settlement/settlement.entity.js';
import { orderStatusAfterTermination, planPurchaseOrderChanges, planReservationReleases, settlementKindFor } from './effect/effect-plan.js';
import type { TerminationImpact } from './impact.types.js';
import type { AppliedPurchaseOrderChangeRecord, Termination } from './termination.entity.js';

/** Names of the steps of taking effect; fault injection targets them one by one. */
export const EFFECT_STEPS = [
  'effect.orderLines',
  'effect.purchaseOrders',
  'effect.stock',
  'effect.settlement',
  'effect.customer',
  'effect.tasks',
  'effect.messages',
] as const;

/**
 * Applies a freshly computed impact to the ERP data. Runs inside the transition's
 * transaction, so a failure anywhere leaves nothing changed.
 */
export class EffectService {
  constructor(readonly faults: FaultInjector) {}

  async apply(scope: TransactionScope, t: Termination, order: SalesOrder, impact: TerminationImpact): Promise<Settlement> {
    const { em } = scope;
    this.faults.check('effect.orderLines');
    const lines = await em.find(SalesOrderLine, { order }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    for (const item of impact.lines) {
      const line = lines.find((l) => l.id === item.lineId)!;
      line.terminatedQuantity += item.quantity;
    }
    order.status = orderStatusAfterTermination(lines);
    order.statusBeforeTermination = null;

    this.faults.check('effect.purchaseOrders');
    // Kept with the termination: what was done, which may differ from the plan at submission.
    t.appliedPurchaseOrderChanges = await this.applyPurchaseOrders(scope, impact);

    this.faults.check('effect.stock');
    await this.releaseReservations(scope, impact);

    this.faults.check('effect.settlement');
    const settlement = em.create(Settlement, {
      termination: t,
      kind: settlementKindFor(impact),
      status: SettlementStatus.OPEN,
      currency: impact.currency,
      terminatedValue: impact.terminatedValue,
      amountPaid: impact.amountPaid,
      // The fee charged: by fault, as adjusted by finance (the impact applied both).
      cancellationFee: impact.cancellationFee,
      refundDue: impact.refundDue,
      feeOutstanding: impact.feeOutstanding,
    });

    this.faults.check('effect.customer');
    const customer = await em.findOneOrFail(Customer, { id: order.customer.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    customer.terminationCount += 1;
    customer.lastTerminationAt = new Date();

    t.effectiveAt = new Date();
    t.effectBlockers = null;
    t.effectBlockedAt = null;
    return settlement;
  }

  private async applyPurchaseOrders(scope: TransactionScope, impact: TerminationImpact): Promise<AppliedPurchaseOrderChangeRecord[]> {
    const { em } = scope;
    const affected = impact.purchaseOrders.filter((p) => p.lines.some((l) => l.cancelQuantity > 0));
    if (!affected.length) return [];
    const pos = await em.find(
      PurchaseOrder,
      { id: { $in: affected.map((p) => p.purchaseOrderId) } },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const poLines = await em.find(PurchaseOrderLine, { purchaseOrder: { $in: pos } }, { populate: ['product'] });
    const plan = planPurchaseOrderChanges(
      affected,
      pos,
      poLines.map((l) => ({ ...l, purchaseOrderId: l.purchaseOrder.id, sku: l.product.sku })),
    );
    for (const { purchaseOrderLineId, quantity } of plan.cancellations) {
      poLines.find((l) => l.id === purchaseOrderLineId)!.cancelledQuantity += quantity;
    }
    for (const { purchaseOrderId, status } of plan.statusChanges)
      pos.find((po) => po.id === purchaseOrderId)!.status = status as PurchaseOrder['status'];
    return plan.records;
  }

  private async releaseReservations(scope: TransactionScope, impact: TerminationImpact): Promise<void> {
    const { em } = scope;
    if (!impact.reservations.length) return;
    const reservations = await em.find(
      Reservation,
      { id: { $in: impact.reservations.map((r) => r.reservationId) }, status: ReservationStatus.ACTIVE },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const now = new Date();
    for (const release of planReservationReleases(impact.reservations, reservations)) {
      const reservation = reservations.find((r) => r.id === release.reservationId)!;
      const { quantity } = release;
      if (release.whole) {
        reservation.status = ReservationStatus.RELEASED;
        reservation.releasedAt = now;
      } else {
        // Partly released: the rest stays reserved, the released part is kept as a record.
        reservation.quantity -= quantity;
        em.create(Reservation, {
          salesOrderLine: reservation.salesOrderLine,
          warehouse: reservation.warehouse,
          product: reservation.product,
          quantity,
          status: ReservationStatus.RELEASED,
          releasedAt: now,
        });
      }
      // Relative update: never overwrite a concurrent change to the same stock row.
      await em
        .getConnection()
        .execute(
          `update stock_level set reserved = reserved - ? where warehouse_id = ? and product_id = ?`,
          [quantity, reservation.warehouse.id, reservation.product.id],
          'run',
          em.getTransactionContext(),
        );
    }
    // Stock rows changed behind the identity map; make later reads in this transaction see it.
    for (const level of em.getUnitOfWork().getIdentityMap().values()) {
      if (level instanceof StockLevel) em.getUnitOfWork().unsetIdentity(level);
    }
  }
}

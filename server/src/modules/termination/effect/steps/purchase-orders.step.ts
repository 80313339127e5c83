import { LockMode } from '@mikro-orm/core';
import { PurchaseOrderLine } from '../../../purchasing/purchase-order-line.entity.js';
import { PurchaseOrder } from '../../../purchasing/purchase-order.entity.js';
import { planPurchaseOrderChanges } from '../effect-plan.js';
import type { EffectStep } from '../effect-step.js';

/** Purchase orders bought for the terminated lines are reduced or cancelled. */
export const purchaseOrdersStep: EffectStep = {
  name: 'effect.purchaseOrders',
  async run(scope, { termination, impact }) {
    const { em } = scope;
    const affected = impact.purchaseOrders.filter((p) => p.lines.some((l) => l.cancelQuantity > 0));
    if (!affected.length) {
      termination.appliedPurchaseOrderChanges = [];
      return;
    }
    const pos = await em.find(
      PurchaseOrder,
      { id: { $in: affected.map((p) => p.purchaseOrderId) } },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const poLines = await em.find(PurchaseOrderLine, { purchaseOrder: { $in: pos } }, { populate: ['product'] });
    const plan = planPurchaseOrderChanges(
      affected,
      // The supplier's name as the fresh impact read it (the locked rows are not joined to suppliers).
      pos.map((po) => ({
        id: po.id,
        number: po.number,
        status: po.status,
        supplierName: affected.find((p) => p.purchaseOrderId === po.id)!.supplierName,
      })),
      poLines.map((l) => ({ ...l, purchaseOrderId: l.purchaseOrder.id, sku: l.product.sku })),
    );
    for (const { purchaseOrderLineId, quantity } of plan.cancellations) {
      poLines.find((l) => l.id === purchaseOrderLineId)!.cancelledQuantity += quantity;
    }
    for (const { purchaseOrderId, status } of plan.statusChanges)
      pos.find((po) => po.id === purchaseOrderId)!.status = status as PurchaseOrder['status'];
    // Kept with the termination: what was done, which may differ from the plan at submission.
    termination.appliedPurchaseOrderChanges = plan.records;
  },
};

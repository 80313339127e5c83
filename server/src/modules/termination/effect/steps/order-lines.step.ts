import { LockMode } from '@mikro-orm/core';
import { markTerminated } from '../../../order/order-termination-status.js';
import { SalesOrderLine } from '../../../order/sales-order-line.entity.js';
import type { EffectStep } from '../effect-step.js';

/** The order's lines carry the terminated quantities; the order becomes (partly) terminated. */
export const orderLinesStep: EffectStep = {
  name: 'effect.orderLines',
  async run(scope, { order, impact }) {
    const lines = await scope.em.find(SalesOrderLine, { order }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    for (const item of impact.lines) {
      const line = lines.find((l) => l.id === item.lineId)!;
      line.terminatedQuantity += item.quantity;
    }
    markTerminated(order, lines);
  },
};

import type { TransactionScope } from '../../kernel/transaction.js';
import { lockOrder } from '../order/order-termination-status.js';
import type { ImpactRequest } from './impact.service.js';
import { TerminationLine } from './termination-line.entity.js';
import type { Termination } from './termination.entity.js';

/**
 * What to ask the impact of a running termination: its lines against the order as it is now,
 * locked, leaving itself out of "other terminations".
 */
export async function runningImpactRequest(scope: TransactionScope, t: Termination): Promise<ImpactRequest> {
  const order = await lockOrder(scope, t.order.id);
  const lines = await scope.em.find(TerminationLine, { termination: t });
  return {
    order,
    reason: t.reason,
    lines: lines.map((l) => ({ lineId: l.salesOrderLine.id, quantity: l.quantity })),
    customerConfirmationRequested: t.customerConfirmationRequired,
    excludeTerminationId: t.id,
    fault: t.fault,
  };
}

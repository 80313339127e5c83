import { LockMode } from '@mikro-orm/core';
import type { TransactionScope } from '../../kernel/transaction.js';
import { orderStatusAfterTermination } from '../termination/effect/effect-plan.js';
import type { SalesOrderLine } from './sales-order-line.entity.js';
import { SalesOrder } from './sales-order.entity.js';

/**
 * Everything a termination does to its order's status: held while it runs, given back when it
 * ends without effect, terminated (in full or part) when it takes effect.
 */

/** Locks the order row for the rest of the transaction: submissions and effects on one order queue here. */
export async function lockOrder(scope: TransactionScope, id: string): Promise<SalesOrder> {
  return scope.em.findOneOrFail(SalesOrder, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** A termination was submitted: the order waits for it, remembering where it was. */
export function holdForTermination(order: SalesOrder): void {
  order.statusBeforeTermination = order.status;
  order.status = 'TERMINATION_PENDING';
}

/** The termination ended without effect: the order gets its status back. */
export function releaseFromTermination(order: SalesOrder): void {
  if (order.status !== 'TERMINATION_PENDING') return;
  order.status = order.statusBeforeTermination ?? 'CONFIRMED';
  order.statusBeforeTermination = null;
}

/** The termination took effect on these (all of the order's) lines. */
export function markTerminated(order: SalesOrder, lines: readonly SalesOrderLine[]): void {
  order.status = orderStatusAfterTermination(lines);
  order.statusBeforeTermination = null;
}

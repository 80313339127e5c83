import { raw } from '@mikro-orm/core';
import { Customer } from '../../../order/customer.entity.js';
import type { EffectStep } from '../effect-step.js';

/**
 * The customer's record counts the termination. No read and no lock of the customer's row here:
 * the counts are relative updates that the unit of work writes with the transaction's last flush,
 * so the row is locked only from that statement to the commit. Effects of the customer's other
 * orders (each serialized on its own order's row) and the ERP sync do not wait for this effect.
 */
export const customerRecordStep: EffectStep = {
  name: 'effect.customer',
  async run(scope, { order, termination }) {
    const customer = scope.em.getReference(Customer, order.customer.id);
    customer.terminationCount = raw('termination_count + 1');
    // Two effects may commit out of order: the record keeps the later moment.
    customer.lastTerminationAt = raw('greatest(last_termination_at, ?)', [termination.effectiveAt]);
  },
};

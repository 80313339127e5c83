import { LockMode } from '@mikro-orm/core';
import { Customer } from '../../../order/customer.entity.js';
import type { EffectStep } from '../effect-step.js';

/** The customer's record counts the termination. */
export const customerRecordStep: EffectStep = {
  name: 'effect.customer',
  async run(scope, { order }) {
    const customer = await scope.em.findOneOrFail(Customer, { id: order.customer.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    customer.terminationCount += 1;
    customer.lastTerminationAt = new Date();
  },
};

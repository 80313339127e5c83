import { SalesOrderLine } from '../../../order/sales-order-line.entity.js';
import { effectiveMail } from '../../termination-mail.js';
import type { EffectStep } from '../effect-step.js';

/** The customer is told the termination took effect. */
export const messagesStep: EffectStep = {
  name: 'effect.messages',
  async run(scope, { termination: t, order, impact, acceptedBySilence }, { mail }) {
    await scope.em.populate(order, ['customer']);
    await scope.em.populate(t, ['reason']);
    const orderLines = await scope.em.find(SalesOrderLine, { order }, { populate: ['product'] });
    await mail.queue(scope.em, { ...effectiveMail(t, order, impact, { orderLines, acceptedBySilence }), terminationId: t.id });
  },
};

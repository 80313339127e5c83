import { openSettlement } from '../../../settlement/settlement.js';
import type { EffectStep } from '../effect-step.js';

/** The money side opens: refund owed, fee to invoice, or nothing to settle. */
export const settlementStep: EffectStep = {
  name: 'effect.settlement',
  async run(scope, effect) {
    effect.settlement = openSettlement(scope, effect.termination, effect.impact);
  },
};

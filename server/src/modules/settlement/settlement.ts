import type { TransactionScope } from '../../kernel/transaction.js';
import { settlementKindFor } from '../termination/effect/effect-plan.js';
import type { TerminationImpact } from '../termination/impact.types.js';
import type { Termination } from '../termination/termination.entity.js';
import { Settlement, SettlementStatus } from './settlement.entity.js';

/** The money side of a termination: opened when it takes effect, completed by finance's follow-up task. */

export function openSettlement(scope: TransactionScope, t: Termination, impact: TerminationImpact): Settlement {
  return scope.em.create(Settlement, {
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
}

export async function completeSettlement(scope: TransactionScope, t: Termination): Promise<void> {
  const settlement = await scope.em.findOne(Settlement, { termination: t });
  if (!settlement) return;
  settlement.status = SettlementStatus.COMPLETED;
  settlement.completedAt = new Date();
}

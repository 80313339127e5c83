import type { DomainEvents } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { feeCollectionTask } from '../follow-up/follow-up-plan.js';
import { openFollowUpTask } from '../follow-up/follow-up-tasks.js';
import { settlementKindFor } from '../termination/effect/effect-plan.js';
import type { TerminationImpact } from '../termination/impact.types.js';
import type { Termination } from '../termination/termination.entity.js';
import { Settlement, SettlementStatus } from './settlement.entity.js';

/**
 * The money side of a termination: OPEN when it takes effect; finance's settlement task makes it
 * SETTLED, or PARTLY_SETTLED while the customer still owes a fee (a fee-collection task is then
 * opened, and collecting the fee settles it). An uncollected fee never reads as settled.
 */

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

export async function completeSettlement(scope: TransactionScope, events: DomainEvents, t: Termination): Promise<void> {
  const settlement = await scope.em.findOne(Settlement, { termination: t });
  if (!settlement || settlement.status !== SettlementStatus.OPEN) return;
  if (Number(settlement.feeOutstanding) > 0) {
    settlement.status = SettlementStatus.PARTLY_SETTLED;
    await openFollowUpTask(scope, events, t, feeCollectionTask(settlement.feeOutstanding, settlement.currency));
    // Written now, so that the count of open tasks that follows sees it.
    await scope.em.flush();
    return;
  }
  settled(settlement);
}

/** Finance collected the outstanding fee (its FEE_COLLECTION task is done). */
export async function feeCollected(scope: TransactionScope, t: Termination): Promise<void> {
  const settlement = await scope.em.findOne(Settlement, { termination: t });
  if (settlement && settlement.status === SettlementStatus.PARTLY_SETTLED) settled(settlement);
}

function settled(settlement: Settlement): void {
  settlement.status = SettlementStatus.SETTLED;
  settlement.completedAt = new Date();
}

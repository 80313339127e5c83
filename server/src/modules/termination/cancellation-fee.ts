import type { OrderStage } from '@ot/shared';
import { Decimal, money } from '../../common/money.js';
import type { FeeScheduleEntry } from '../order/contract.entity.js';
import { TerminationFault } from './termination-reason.entity.js';

/** The contract's fee rate at the order's stage; no entry, no fee. */
export function feeRateAt(contract: { feeSchedule: readonly FeeScheduleEntry[] }, stage: OrderStage): string {
  return contract.feeSchedule.find((entry) => entry.stage === stage)?.rate ?? '0';
}

/**
 * The fee actually charged. The contract's fee clause applies only 因买方原因 (when the buyer
 * causes the termination): for anything else the ceiling is zero. Finance may lower it (or
 * waive it) but never raise it above that ceiling. The one place this rule lives.
 */
export function chargedFee(
  contractFee: string,
  fault: TerminationFault,
  adjustment: { amount: string } | null | undefined,
): { fee: string; ceiling: string; capped: boolean } {
  const ceiling = fault === TerminationFault.BUYER ? money(contractFee) : '0.00';
  if (!adjustment) return { fee: ceiling, ceiling, capped: false };
  const capped = new Decimal(adjustment.amount).gt(ceiling);
  return { fee: capped ? ceiling : money(adjustment.amount), ceiling, capped };
}

/** Refund and outstanding fee for a fee charged: one rule for the impact and for adjustments. */
export function moneyOwed(amountPaid: string, retainedValue: Decimal | string, fee: string): { refundDue: string; feeOutstanding: string } {
  const paidBeyondKept = Decimal.max(0, new Decimal(amountPaid).minus(retainedValue));
  return {
    refundDue: money(Decimal.max(0, paidBeyondKept.minus(fee))),
    feeOutstanding: money(Decimal.max(0, new Decimal(fee).minus(paidBeyondKept))),
  };
}

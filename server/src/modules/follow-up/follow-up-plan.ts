import type { PreferredResolution } from '@ot/shared';
import type { TerminationImpact } from '../termination/impact.types.js';
import type { AppliedPurchaseOrderChangeRecord } from '../termination/termination.entity.js';
import { FollowUpKind, type Outcome } from './follow-up-task.entity.js';
import { renderLines, type Message } from '../notification/messages.js';

export interface PlannedTask {
  kind: FollowUpKind;
  department: string;
  /** The English rendering (what events and webhooks carry). */
  instructions: string;
  /** The same as catalogue messages, rendered in each reader's language; absent for free texts. */
  instructionLines?: Message[];
  dueInHours: number;
  outcome?: Outcome | null;
}

/**
 * The checklist for a termination that took effect, saying exactly what each department must do.
 * Purchasing gets what the effect actually did to each PO (`applied`), not what was planned.
 */
export function planFollowUps(
  impact: TerminationImpact,
  preferred: PreferredResolution | null,
  applied: readonly AppliedPurchaseOrderChangeRecord[],
): PlannedTask[] {
  const tasks: PlannedTask[] = [];
  const task = (kind: FollowUpKind, department: string, dueInHours: number, lines: Message[], outcome?: Outcome | null) =>
    tasks.push({ kind, department, dueInHours, instructions: renderLines(lines, 'en'), instructionLines: lines, outcome });
  if (applied.length) {
    task(
      FollowUpKind.SUPPLIER_CANCELLATION,
      'PURCHASING',
      72,
      applied.map((p) => {
        const planned = impact.purchaseOrders.find((x) => x.purchaseOrderId === p.purchaseOrderId);
        const penalty = planned?.penalty ?? '0';
        return {
          key: 'followUp.po',
          params: {
            number: p.number,
            supplier: p.supplierName,
            action: p.action,
            lines: p.lines.map((l) => `${l.sku} ${l.quantityBefore} −${l.quantityCancelled} → ${l.quantityAfter}`).join(', '),
            penalty: Number(penalty) > 0 ? penalty : null,
            currency: planned?.currency ?? impact.currency,
          },
        };
      }),
    );
  }
  if (impact.reservations.length || impact.shipments.some((s) => s.status === 'IN_TRANSIT')) {
    const lines: Message[] = impact.reservations.map((r) => ({
      key: 'followUp.release',
      params: { warehouse: r.warehouseCode, sku: r.sku, quantity: r.quantity },
    }));
    for (const s of impact.shipments.filter((x) => x.status === 'IN_TRANSIT')) {
      lines.push({ key: 'followUp.inTransit', params: { shipment: s.number, sku: s.sku, quantity: s.quantity, carrier: s.carrier } });
    }
    task(FollowUpKind.STOCK_CONFIRMATION, 'WAREHOUSE', 48, lines);
  }
  const moneyMoves = [impact.amountInvoiced, impact.amountPaid, impact.cancellationFee].some((a) => Number(a) > 0);
  if (moneyMoves) task(FollowUpKind.SETTLEMENT, 'FINANCE', 120, settlementLines(impact));
  task(FollowUpKind.CUSTOMER_OUTCOME, 'SALES', 72, [{ key: 'followUp.outcome', params: { preferred: preferred ?? null } }], preferred);
  task(FollowUpKind.CUSTOMER_RECORD, 'SALES', 120, [{ key: 'followUp.customerRecord' }]);
  return tasks;
}

/** Finance's lines, by the money case: a refund due, a fee the customer owes, or nothing either way. */
function settlementLines(impact: TerminationImpact): Message[] {
  const currency = impact.currency;
  const lines: Message[] = [];
  if (Number(impact.refundDue) > 0) lines.push({ key: 'followUp.refund', params: { amount: impact.refundDue, currency } });
  if (Number(impact.feeOutstanding) > 0) lines.push({ key: 'followUp.invoiceFee', params: { amount: impact.feeOutstanding, currency } });
  if (Number(impact.cancellationFee) > 0 && !Number(impact.feeOutstanding))
    lines.push({ key: 'followUp.feeNetted', params: { amount: impact.cancellationFee, currency } });
  if (!lines.length)
    lines.push({ key: 'followUp.reconcile', params: { invoiced: impact.amountInvoiced, paid: impact.amountPaid, currency } });
  return lines;
}

/** Finance's task after the settlement task left a fee outstanding: collecting it settles the termination. */
export function feeCollectionTask(feeOutstanding: string, currency: string): PlannedTask {
  const lines: Message[] = [{ key: 'followUp.collectFee', params: { amount: feeOutstanding, currency } }];
  return {
    kind: FollowUpKind.FEE_COLLECTION,
    department: 'FINANCE',
    dueInHours: 720,
    instructions: renderLines(lines, 'en'),
    instructionLines: lines,
  };
}

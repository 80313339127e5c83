import type { PreferredResolution } from '@ot/shared';
import type { TerminationImpact } from '../termination/impact.types.js';
import type { AppliedPurchaseOrderChangeRecord } from '../termination/termination.entity.js';
import { FollowUpKind, type Outcome } from './follow-up-task.entity.js';

export interface PlannedTask {
  kind: FollowUpKind;
  department: string;
  instructions: string;
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
  if (applied.length) {
    tasks.push({
      kind: FollowUpKind.SUPPLIER_CANCELLATION,
      department: 'PURCHASING',
      dueInHours: 72,
      instructions: applied
        .map((p) => {
          const planned = impact.purchaseOrders.find((x) => x.purchaseOrderId === p.purchaseOrderId);
          const penalty = planned?.penalty ?? '0';
          return (
            `${p.number} (${p.supplierName}): ${p.action === 'CANCEL' ? '整单取消 cancel' : '减量 reduce'} ` +
            p.lines.map((l) => `${l.sku} ${l.quantityBefore} −${l.quantityCancelled} → ${l.quantityAfter}`).join(', ') +
            (Number(penalty) > 0 ? `; penalty ${penalty} ${planned?.currency ?? impact.currency}` : '')
          );
        })
        .join('\n'),
    });
  }
  if (impact.reservations.length || impact.shipments.some((s) => s.status === 'IN_TRANSIT')) {
    const lines = impact.reservations.map((r) => `${r.warehouseCode} ${r.sku}: 释放预留 release ${r.quantity}`);
    for (const s of impact.shipments.filter((x) => x.status === 'IN_TRANSIT')) {
      lines.push(`${s.number} ${s.sku} ×${s.quantity} 在途 in transit (${s.carrier}): 安排退回 arrange return`);
    }
    tasks.push({ kind: FollowUpKind.STOCK_CONFIRMATION, department: 'WAREHOUSE', dueInHours: 48, instructions: lines.join('\n') });
  }
  const moneyMoves = [impact.amountInvoiced, impact.amountPaid, impact.cancellationFee].some((a) => Number(a) > 0);
  if (moneyMoves) {
    const parts = [];
    if (Number(impact.refundDue) > 0) parts.push(`退款 refund ${impact.refundDue} ${impact.currency}`);
    if (Number(impact.feeOutstanding) > 0) parts.push(`开具违约金发票 invoice fee ${impact.feeOutstanding} ${impact.currency}`);
    if (Number(impact.cancellationFee) > 0 && !Number(impact.feeOutstanding))
      parts.push(`违约金 ${impact.cancellationFee} 从已付款中抵扣 fee netted from payment`);
    if (!parts.length)
      parts.push(
        `核对已开票 ${impact.amountInvoiced} / 已收款 ${impact.amountPaid} ${impact.currency}，无需退款 reconcile, nothing to refund`,
      );
    tasks.push({ kind: FollowUpKind.SETTLEMENT, department: 'FINANCE', dueInHours: 120, instructions: parts.join('\n') });
  }
  tasks.push({
    kind: FollowUpKind.CUSTOMER_OUTCOME,
    department: 'SALES',
    dueInHours: 72,
    outcome: preferred,
    instructions: `记录与客户协商的结果 Record the outcome agreed with the customer${preferred ? ` (客户倾向 customer prefers ${preferred})` : ''}`,
  });
  tasks.push({
    kind: FollowUpKind.CUSTOMER_RECORD,
    department: 'SALES',
    dueInHours: 120,
    instructions: '更新客户档案（终止记录、信用、后续计划） Update the customer record',
  });
  return tasks;
}

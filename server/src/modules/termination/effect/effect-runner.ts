import type { DomainEvents, DomainEventTypes } from '../../../kernel/domain-events.js';
import type { FaultInjector } from '../../../kernel/faults.js';
import type { TransactionScope } from '../../../kernel/transaction.js';
import { lockOrder } from '../../order/order-termination-status.js';
import type { TerminationImpact } from '../impact.types.js';
import type { AppliedPurchaseOrderChangeRecord, Termination } from '../termination.entity.js';
import type { AcceptedBySilence, EffectDeps, EffectStep, TerminationEffect } from './effect-step.js';

/**
 * Takes effect: runs the registered steps in order inside the transition's transaction, each
 * behind its fault-injection point, and records what was done.
 */
export class EffectRunner {
  constructor(
    private readonly steps: readonly EffectStep[],
    private readonly deps: EffectDeps,
    private readonly faults: FaultInjector,
    private readonly events: DomainEvents,
  ) {}

  /** Returns what was applied, which the `termination.effective` event carries for partners. */
  async run(
    scope: TransactionScope,
    t: Termination,
    impact: TerminationImpact,
    acceptedBySilence: AcceptedBySilence | null,
  ): Promise<{ effect: DomainEventTypes['termination.effect_applied'] }> {
    const order = await lockOrder(scope, t.order.id);
    const effect: TerminationEffect = { termination: t, order, impact, acceptedBySilence, settlement: null, tasks: [] };
    t.effectiveAt = new Date();
    t.effectBlockers = null;
    t.effectBlockedAt = null;
    for (const step of this.steps) {
      this.faults.check(step.name);
      await step.run(scope, effect, this.deps);
    }
    const settlement = effect.settlement!;
    const applied = effectAppliedData({
      orderStatus: order.status,
      applied: t.appliedPurchaseOrderChanges ?? [],
      impact,
      settlement,
      taskKinds: effect.tasks.map((task) => task.kind),
    });
    await this.events.record(scope, { kind: 'system' }, 'termination.effect_applied', applied, { termination: t });
    return { effect: applied };
  }
}

/** What the log says was applied (the volume seed records the same for its history). */
export function effectAppliedData(input: {
  orderStatus: string;
  applied: readonly AppliedPurchaseOrderChangeRecord[];
  impact: Pick<TerminationImpact, 'reservations'>;
  settlement: { kind: string; refundDue: string; cancellationFee: string };
  taskKinds: readonly string[];
}): DomainEventTypes['termination.effect_applied'] {
  return {
    orderStatus: input.orderStatus,
    purchaseOrders: input.applied.map((p) => ({
      number: p.number,
      action: p.action,
      lines: p.lines.map((l) => ({ sku: l.sku, before: l.quantityBefore, cancelled: l.quantityCancelled, after: l.quantityAfter })),
    })),
    reservationsReleased: input.impact.reservations.map((r) => ({ sku: r.sku, warehouse: r.warehouseCode, quantity: r.quantity })),
    settlement: { kind: input.settlement.kind, refundDue: input.settlement.refundDue, fee: input.settlement.cancellationFee },
    tasks: [...input.taskKinds],
  };
}

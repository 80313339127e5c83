import { LockMode } from '@mikro-orm/core';
import { nextStatus, type TerminationEvent, type TerminationStatus } from '@ot/shared';
import type { EventPublisher } from '../../kernel/live-events.js';
import { InvalidTransitionError, refuse } from '../../common/business-errors.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { ApprovalStep, ApprovalStepStatus } from '../approval/approval-step.entity.js';
import { appendAudit, type AuditActor } from '../audit/audit.service.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import type { TerminationImpact } from './impact.types.js';
import { Termination } from './termination.entity.js';

/** What the caller already computed for the entry side effects (the fresh impact when taking effect). */
export interface EnterContext {
  impact?: TerminationImpact;
  /** Taking effect because the customer did not answer by the deadline and the contract treats silence as acceptance. */
  acceptedBySilence?: { deadlineZh: string; deadlineEn: string } | null;
}

export interface TransitionHooks {
  /** Side effects of entering a status, run inside the transition's transaction. */
  onEnter: Partial<
    Record<TerminationStatus, (scope: TransactionScope, t: Termination, actor: AuditActor, enter: EnterContext) => Promise<void>>
  >;
}

export function actorName(actor: AuditActor): string {
  if (!actor || actor.kind === 'system') return 'system';
  if (actor.kind === 'customer') return actor.email;
  return actor.name;
}

/**
 * The only place a termination changes status: checks the shared transition table, changes
 * state, runs the side effects of entering the new state, audits, and publishes after commit.
 * Callers must hold the termination's row lock (see lockTermination).
 */
export class TerminationLifecycle {
  hooks: TransitionHooks = { onEnter: {} };

  constructor(private readonly events: EventPublisher) {}

  async apply(
    scope: TransactionScope,
    t: Termination,
    event: TerminationEvent,
    actor: AuditActor,
    data: Record<string, unknown> = {},
    enter: EnterContext = {},
  ): Promise<void> {
    const from = t.status;
    const to = nextStatus(from, event);
    if (!to) refuse(InvalidTransitionError, 'INVALID_TRANSITION', `A termination that is ${from} cannot be ${describe(event)}.`);
    t.status = to;
    t.version += 1;
    t.statusChangedAt = new Date();
    await this.hooks.onEnter[to]?.(scope, t, actor, enter);
    appendAudit(scope.em, actor, {
      action: `termination.${to.toLowerCase()}`,
      terminationId: t.id,
      entityType: 'Termination',
      entityId: t.id,
      data: { from, to, event, ...data },
    });
    const steps = await scope.em.find(ApprovalStep, { termination: t });
    this.publishAfterCommit(scope, t, `termination.${to.toLowerCase()}`, from, actor, {
      departments: [...new Set(steps.map((s) => s.department))],
    });
  }

  publishAfterCommit(
    scope: TransactionScope,
    t: Termination,
    kind: string,
    oldStatus: TerminationStatus | null,
    actor: AuditActor,
    extra: { departments?: string[]; stepId?: string; taskId?: string } = {},
  ): void {
    const event = {
      kind,
      terminationId: t.id,
      number: t.number,
      oldStatus,
      newStatus: t.status,
      departments: extra.departments ?? [],
      stepId: extra.stepId ?? null,
      taskId: extra.taskId ?? null,
      actorName: actorName(actor),
      at: new Date().toISOString(),
    };
    scope.afterCommit(() => this.events.termination(event));
  }
}

function describe(event: TerminationEvent): string {
  return (
    {
      APPROVED_ALL: 'approved',
      APPROVED_ALL_NEEDS_CUSTOMER: 'sent to the customer',
      REJECT: 'rejected',
      WITHDRAW: 'withdrawn',
      CUSTOMER_ACCEPT: 'accepted by the customer',
      CUSTOMER_DECLINE: 'declined by the customer',
      ALL_TASKS_DONE: 'closed',
    } as const
  )[event];
}

/** Locks the termination row for the rest of the transaction: concurrent transitions queue up here. */
export async function lockTermination(scope: TransactionScope, id: string): Promise<Termination | null> {
  return scope.em.findOne(Termination, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['reason'] });
}

export async function lockOrder(scope: TransactionScope, id: string): Promise<SalesOrder> {
  return scope.em.findOneOrFail(SalesOrder, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** Ending without effect: the order gets its status back and open steps are skipped. */
export async function releaseOrder(scope: TransactionScope, t: Termination): Promise<void> {
  const order = await lockOrder(scope, t.order.id);
  if (order.status === 'TERMINATION_PENDING') {
    order.status = order.statusBeforeTermination ?? 'CONFIRMED';
    order.statusBeforeTermination = null;
  }
  const open = await scope.em.find(ApprovalStep, {
    termination: t,
    status: { $in: [ApprovalStepStatus.WAITING, ApprovalStepStatus.PENDING] },
  });
  for (const step of open) step.status = ApprovalStepStatus.SKIPPED;
}

import { LockMode } from '@mikro-orm/core';
import { nextStatus, type TerminationEvent, type TerminationStatus } from '@ot/shared';
import { InvalidTransitionError, refuse } from '../../common/business-errors.js';
import type { DomainEvents, EventActor } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { ApprovalStep, ApprovalStepStatus } from '../approval/approval-step.entity.js';
import type { ConfirmationIssuer } from '../confirmation/confirmation-issuer.js';
import { ConfirmationStatus, CustomerConfirmation } from '../confirmation/customer-confirmation.entity.js';
import { lockOrder, releaseFromTermination } from '../order/order-termination-status.js';
import type { AcceptedBySilence } from './effect/effect-step.js';
import type { EffectRunner } from './effect/effect-runner.js';
import type { ImpactService } from './impact.service.js';
import type { TerminationImpact } from './impact.types.js';
import { runningImpactRequest } from './running-impact.js';
import { Termination } from './termination.entity.js';

/** What the caller already computed for the entry side effects (the fresh impact when taking effect). */
export interface EnterContext {
  impact?: TerminationImpact;
  /** Taking effect because the customer did not answer by the deadline and the contract treats silence as acceptance. */
  acceptedBySilence?: AcceptedBySilence | null;
}

/** Runs on entering a status; what it returns joins the transition event's data. */
type EnterHook = (scope: TransactionScope, t: Termination, enter: EnterContext) => Promise<void | Record<string, unknown>>;

export interface LifecycleDeps {
  events: DomainEvents;
  impacts: ImpactService;
  confirmations: ConfirmationIssuer;
  effect: EffectRunner;
}

type TransitionEventType = `termination.${Lowercase<TerminationStatus>}`;

/**
 * The only place a termination changes status: checks the shared transition table, changes
 * state, runs what entering the new state does (declared below, next to the table's use), and
 * records the event. Callers hold the termination's row lock (see lockTermination).
 */
export class TerminationLifecycle {
  /** What entering each status does, inside the transition's transaction. */
  private readonly onEnter: Partial<Record<TerminationStatus, EnterHook>> = {
    AWAITING_CUSTOMER: async (scope, t) => {
      await this.deps.confirmations.issue(scope, t);
    },
    EFFECTIVE: (scope, t, enter) => this.deps.effect.run(scope, t, enter.impact!, enter.acceptedBySilence ?? null),
    REJECTED: (scope, t) => endWithoutEffect(scope, t),
    WITHDRAWN: (scope, t) => endWithoutEffect(scope, t),
    CUSTOMER_DECLINED: (scope, t) => endWithoutEffect(scope, t),
    CLOSED: async (_scope, t) => {
      t.closedAt = new Date();
    },
  };

  constructor(private readonly deps: LifecycleDeps) {}

  async apply(
    scope: TransactionScope,
    t: Termination,
    event: TerminationEvent,
    actor: EventActor,
    data: Record<string, unknown> = {},
    enter: EnterContext = {},
  ): Promise<void> {
    const from = t.status;
    const to = nextStatus(from, event);
    if (!to) refuse(InvalidTransitionError, 'INVALID_TRANSITION', `A termination that is ${from} cannot be ${describe(event)}.`);
    t.status = to;
    t.statusChangedAt = new Date();
    const entered = await this.onEnter[to]?.(scope, t, enter);
    const steps = await scope.em.find(ApprovalStep, { termination: t });
    const type = `termination.${to.toLowerCase()}` as TransitionEventType;
    await this.deps.events.terminationChanged(
      scope,
      t,
      actor,
      type,
      { from, to, event, ...data, ...(entered ?? {}) },
      { previousStatus: from, departments: [...new Set(steps.map((s) => s.department))] },
    );
  }

  /** After the last approval: to the customer, or straight into effect. */
  async advanceAfterApprovals(scope: TransactionScope, t: Termination, actor: EventActor): Promise<void> {
    if (t.customerConfirmationRequired) await this.apply(scope, t, 'APPROVED_ALL_NEEDS_CUSTOMER', actor);
    else await this.takeEffect(scope, t, 'APPROVED_ALL', actor);
  }

  /**
   * The guard of entering EFFECTIVE: the impact is recomputed under lock; a new blocker keeps the
   * termination where it is, flagged (the event tells the requester). Returns whether it took effect.
   */
  async takeEffect(
    scope: TransactionScope,
    t: Termination,
    event: 'APPROVED_ALL' | 'CUSTOMER_ACCEPT',
    actor: EventActor,
    enter: Omit<EnterContext, 'impact'> = {},
  ): Promise<boolean> {
    const request = await runningImpactRequest(scope, t);
    const impact = await this.deps.impacts.compute(scope.em, { ...request, feeAdjustment: t.feeAdjustment });
    const blockers = impact.blockers.filter((b) => b.code !== 'REASON_INACTIVE');
    if (blockers.length) {
      t.effectBlockers = blockers.map((b) => ({ code: b.code, message: b.message, subject: b.subject ?? null }));
      t.effectBlockedAt = new Date();
      await this.deps.events.terminationChanged(scope, t, actor, 'termination.effect_blocked', { blockers: t.effectBlockers });
      return false;
    }
    await this.apply(scope, t, event, actor, {}, { ...enter, impact });
    return true;
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

/** Ending without effect: the order gets its status back, open steps are skipped, open links voided. */
/** MikroORM's alias for the root entity of a find (t0, then t1… for joined relations). */
const ROOT_ALIAS = 't0';

async function endWithoutEffect(scope: TransactionScope, t: Termination): Promise<void> {
  releaseFromTermination(await lockOrder(scope, t.order.id));
  const open = await scope.em.find(ApprovalStep, {
    termination: t,
    status: { $in: [ApprovalStepStatus.WAITING, ApprovalStepStatus.PENDING] },
  });
  for (const step of open) step.status = ApprovalStepStatus.SKIPPED;
  const pending = await scope.em.find(CustomerConfirmation, { termination: t, status: ConfirmationStatus.PENDING });
  for (const c of pending) c.status = ConfirmationStatus.SUPERSEDED;
  t.effectBlockers = null;
}

/**
 * Locks the termination row for the rest of the transaction: concurrent transitions queue up here.
 * Only that row (`for update of` the root alias): the reason is joined in for reading, and locking
 * it too made every transition of every termination with the same reason queue on one row.
 */
export async function lockTermination(scope: TransactionScope, id: string): Promise<Termination | null> {
  return scope.em.findOne(
    Termination,
    { id },
    { lockMode: LockMode.PESSIMISTIC_WRITE, lockTableAliases: [ROOT_ALIAS], populate: ['reason'] },
  );
}

import type { DomainEvents } from '../../../kernel/domain-events.js';
import type { TransactionScope } from '../../../kernel/transaction.js';
import type { FollowUpTask } from '../../follow-up/follow-up-task.entity.js';
import type { MailService } from '../../notification/mail.service.js';
import type { SalesOrder } from '../../order/sales-order.entity.js';
import type { Settlement } from '../../settlement/settlement.entity.js';
import type { TerminationImpact } from '../impact.types.js';
import type { Termination } from '../termination.entity.js';

/** Set when no reply by the deadline counted as acceptance under the contract. */
export interface AcceptedBySilence {
  deadlineZh: string;
  deadlineEn: string;
}

/** What taking effect works on; steps read it and note what they did for the steps after them. */
export interface TerminationEffect {
  termination: Termination;
  /** Locked for the whole effect. */
  order: SalesOrder;
  /** Recomputed under lock just before taking effect. */
  impact: TerminationImpact;
  acceptedBySilence: AcceptedBySilence | null;
  /** Opened by the settlement step. */
  settlement: Settlement | null;
  /** Opened by the follow-ups step. */
  tasks: FollowUpTask[];
}

/** The services steps may use. */
export interface EffectDeps {
  mail: MailService;
  events: DomainEvents;
}

/**
 * One step of taking effect. Its name is its fault-injection point. Steps run in the order of
 * effect-steps.ts, all in the transition's transaction: a failure anywhere leaves nothing changed.
 */
export interface EffectStep {
  readonly name: string;
  run(scope: TransactionScope, effect: TerminationEffect, deps: EffectDeps): Promise<void>;
}

import type { RequestContext } from '../../kernel/context.js';
import { inTransaction } from '../../kernel/transaction.js';
import { deputiesStandingIn } from '../approval/approval-deputies.js';
import { ApprovalStep, ApprovalStepStatus } from '../approval/approval-step.entity.js';
import { IdempotencyRecord } from '../../kernel/idempotency-record.entity.js';
import { ConfirmationStatus, CustomerConfirmation } from '../confirmation/customer-confirmation.entity.js';
import type { ConfirmationIssuer } from '../confirmation/confirmation-issuer.js';
import type { ConfirmationService } from '../confirmation/confirmation.service.js';
import { FollowUpStatus, FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { lockTermination } from '../termination/termination-lifecycle.js';

const SYSTEM = { kind: 'system' } as const;

/**
 * What the scheduled jobs do. Each takes "now" so tests can drive time, and each is
 * idempotent: run twice, it acts once.
 */
export class ScheduledWorkService {
  constructor(
    private readonly issuer: ConfirmationIssuer,
    private readonly confirmations: ConfirmationService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Before the deadline (09:00 China time on the working day before it, or 48 h before for an
   * hours-based link): a reminder with a fresh link (only hashes are stored, so the old link
   * cannot be re-sent).
   */
  async remindCustomer(ctx: RequestContext, confirmationId: string, now = new Date()): Promise<boolean> {
    return inTransaction(ctx, async (scope) => {
      const probe = await scope.em.findOne(CustomerConfirmation, { id: confirmationId });
      if (!probe) return false;
      const t = await lockTermination(scope, probe.termination.id);
      const confirmation = await scope.em.findOneOrFail(CustomerConfirmation, { id: confirmationId }, { refresh: true });
      if (!t || t.status !== 'AWAITING_CUSTOMER' || confirmation.status !== ConfirmationStatus.PENDING || confirmation.remindedAt)
        return false;
      if (confirmation.expiresAt <= now) return false;
      const fresh = await this.issuer.issue(scope, t, {
        expiresAt: confirmation.expiresAt,
        deadlineDate: confirmation.deadlineDate ?? null,
        reminder: true,
      });
      fresh.remindedAt = now;
      await this.events.record(
        scope,
        SYSTEM,
        'confirmation.reminded',
        { recipient: fresh.recipient },
        { termination: t, entity: { type: 'CustomerConfirmation', id: fresh.id } },
      );
      return true;
    });
  }

  /**
   * At expiry: the link is marked EXPIRED and the contract's silence rule applies (refusal or
   * acceptance); when the contract has none, the requester is told (they may resend or withdraw).
   */
  async expireConfirmation(ctx: RequestContext, confirmationId: string, now = new Date()): Promise<boolean> {
    return inTransaction(ctx, async (scope) => {
      const probe = await scope.em.findOne(CustomerConfirmation, { id: confirmationId });
      if (!probe) return false;
      const t = await lockTermination(scope, probe.termination.id);
      const confirmation = await scope.em.findOneOrFail(CustomerConfirmation, { id: confirmationId }, { refresh: true });
      if (!t || confirmation.status !== ConfirmationStatus.PENDING || confirmation.expiresAt > now) return false;
      confirmation.status = ConfirmationStatus.EXPIRED;
      const rule = await this.confirmations.silenceRule(scope, t);
      await this.events.terminationChanged(
        scope,
        t,
        SYSTEM,
        'confirmation.expired',
        { silenceMeans: rule },
        { entity: { type: 'CustomerConfirmation', id: confirmation.id } },
      );
      if (rule) await this.confirmations.applySilence(scope, t, confirmation, rule);
      return true;
    });
  }

  /**
   * An approval step past due: flagged once, its head and management told once. When a deputy
   * stands in for the head at that moment, the escalation goes to them (recorded as `escalatedTo`:
   * the timeline says who the overdue step went to; notices and mail follow the record).
   */
  async escalateApproval(ctx: RequestContext, stepId: string, now = new Date()): Promise<boolean> {
    return inTransaction(ctx, async (scope) => {
      const probe = await scope.em.findOne(ApprovalStep, { id: stepId });
      if (!probe) return false;
      const t = await lockTermination(scope, probe.termination.id);
      const step = await scope.em.findOneOrFail(ApprovalStep, { id: stepId }, { refresh: true });
      if (!t || t.status !== 'PENDING_APPROVAL' || step.status !== ApprovalStepStatus.PENDING) return false;
      if (!step.dueAt || step.dueAt > now || step.overdueNotifiedAt) return false;
      step.overdueNotifiedAt = now;
      const escalatedTo = await deputiesStandingIn(scope.em, [step.department], now);
      await this.events.record(
        scope,
        SYSTEM,
        'approval.overdue',
        { department: step.department, dueAt: step.dueAt.toISOString(), escalatedTo },
        { termination: t, entity: { type: 'ApprovalStep', id: step.id }, departments: [step.department], stepId: step.id },
      );
      return true;
    });
  }

  async remindFollowUp(ctx: RequestContext, taskId: string, now = new Date()): Promise<boolean> {
    return inTransaction(ctx, async (scope) => {
      const task = await scope.em.findOne(FollowUpTask, { id: taskId }, { populate: ['termination'] });
      if (!task || task.status !== FollowUpStatus.OPEN || task.dueAt > now || task.overdueNotifiedAt) return false;
      task.overdueNotifiedAt = now;
      const t = task.termination;
      await this.events.record(
        scope,
        SYSTEM,
        'followup.overdue',
        { department: task.department, kind: task.kind },
        { termination: t, entity: { type: 'FollowUpTask', id: task.id }, departments: [task.department], taskId: task.id },
      );
      return true;
    });
  }

  async pruneIdempotency(ctx: RequestContext, now = new Date()): Promise<number> {
    return ctx.em.fork().nativeDelete(IdempotencyRecord, { expiresAt: { $lte: now } });
  }
}

import type { RequestContext } from '../../kernel/context.js';
import { inTransaction } from '../../kernel/transaction.js';
import { ApprovalStep, ApprovalStepStatus } from '../approval/approval-step.entity.js';
import { appendAudit } from '../audit/audit.service.js';
import { IdempotencyRecord } from '../../kernel/idempotency-record.entity.js';
import { ConfirmationStatus, CustomerConfirmation } from '../confirmation/customer-confirmation.entity.js';
import type { ConfirmationService } from '../confirmation/confirmation.service.js';
import { FollowUpStatus, FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import { lockTermination, type TerminationLifecycle } from '../termination/termination-lifecycle.js';
import type { NotificationService } from './notification.service.js';

/**
 * What the scheduled jobs do. Each takes "now" so tests can drive time, and each is
 * idempotent: run twice, it acts once.
 */
export class ScheduledWorkService {
  constructor(
    private readonly confirmations: ConfirmationService,
    private readonly notifications: NotificationService,
    private readonly lifecycle: TerminationLifecycle,
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
      const fresh = await this.confirmations.issue(scope, t, {
        expiresAt: confirmation.expiresAt,
        deadlineDate: confirmation.deadlineDate ?? null,
        reminder: true,
      });
      fresh.remindedAt = now;
      appendAudit(
        scope.em,
        { kind: 'system' },
        {
          action: 'confirmation.reminded',
          terminationId: t.id,
          entityType: 'CustomerConfirmation',
          entityId: fresh.id,
          data: { recipient: fresh.recipient },
        },
      );
      this.lifecycle.publishAfterCommit(scope, t, 'confirmation.reminded', t.status, { kind: 'system' });
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
      t.version += 1;
      appendAudit(
        scope.em,
        { kind: 'system' },
        { action: 'confirmation.expired', terminationId: t.id, entityType: 'CustomerConfirmation', entityId: confirmation.id },
      );
      if (await this.confirmations.applySilence(scope, t, confirmation)) return true;
      await this.notifications.toUsers(scope, [t.requestedBy.id], {
        kind: 'CONFIRMATION_EXPIRED',
        title: `${t.number} 客户确认链接已过期 / customer link expired`,
        body: 'Resend the link or withdraw the termination.',
        link: `/terminations/${t.number}`,
        terminationId: t.id,
      });
      this.lifecycle.publishAfterCommit(scope, t, 'confirmation.expired', t.status, { kind: 'system' });
      return true;
    });
  }

  /** An approval step past due: flagged once, its head and management told once. */
  async escalateApproval(ctx: RequestContext, stepId: string, now = new Date()): Promise<boolean> {
    return inTransaction(ctx, async (scope) => {
      const probe = await scope.em.findOne(ApprovalStep, { id: stepId });
      if (!probe) return false;
      const t = await lockTermination(scope, probe.termination.id);
      const step = await scope.em.findOneOrFail(ApprovalStep, { id: stepId }, { refresh: true });
      if (!t || t.status !== 'PENDING_APPROVAL' || step.status !== ApprovalStepStatus.PENDING) return false;
      if (!step.dueAt || step.dueAt > now || step.overdueNotifiedAt) return false;
      step.overdueNotifiedAt = now;
      appendAudit(
        scope.em,
        { kind: 'system' },
        {
          action: 'approval.overdue',
          terminationId: t.id,
          entityType: 'ApprovalStep',
          entityId: step.id,
          data: { department: step.department, dueAt: step.dueAt.toISOString() },
        },
      );
      await this.notifications.toDepartmentHeads(scope, [step.department, 'MANAGEMENT'], {
        kind: 'APPROVAL_OVERDUE',
        title: `${t.number} ${step.department} 审批已超时 / approval overdue`,
        body: `Due ${step.dueAt.toISOString()}`,
        link: '/board',
        terminationId: t.id,
      });
      this.lifecycle.publishAfterCommit(
        scope,
        t,
        'approval.overdue',
        t.status,
        { kind: 'system' },
        { departments: [step.department], stepId: step.id },
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
      appendAudit(
        scope.em,
        { kind: 'system' },
        {
          action: 'followup.overdue',
          terminationId: t.id,
          entityType: 'FollowUpTask',
          entityId: task.id,
          data: { department: task.department, kind: task.kind },
        },
      );
      await this.notifications.toDepartmentHeads(scope, [task.department], {
        kind: 'FOLLOW_UP_OVERDUE',
        title: `${t.number} 跟进任务已超时 / follow-up overdue`,
        body: task.instructions,
        link: '/follow-ups',
        terminationId: t.id,
      });
      this.lifecycle.publishAfterCommit(
        scope,
        t,
        'followup.overdue',
        t.status,
        { kind: 'system' },
        { departments: [task.department], taskId: task.id },
      );
      return true;
    });
  }

  async pruneIdempotency(ctx: RequestContext, now = new Date()): Promise<number> {
    return ctx.em.fork().nativeDelete(IdempotencyRecord, { expiresAt: { $lte: now } });
  }
}

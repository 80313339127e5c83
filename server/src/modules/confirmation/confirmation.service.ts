import { LockMode } from '@mikro-orm/core';
import type { PreferredResolution } from '@ot/shared';
import type { RequestContext } from '../../kernel/context.js';
import type { RateLimits } from '../../kernel/rate-limits.js';
import { enqueueJob, JOBS } from '../../kernel/jobs.js';
import {
  ForbiddenActionError,
  InvalidTransitionError,
  NotFoundError,
  refuse,
  resultOf,
  TokenExpiredError,
  TokenInvalidError,
  TokenUsedError,
  ValidationError,
} from '../../common/business-errors.js';
import { inTransaction, type TransactionScope } from '../../kernel/transaction.js';
import { appendAudit, type AuditActor } from '../audit/audit.service.js';
import type { CalendarService } from '../calendar/calendar.service.js';
import { headsOf } from '../notification/notification.service.js';
import { Contract, SilenceMeans } from '../order/contract.entity.js';
import { ApprovalStep } from '../approval/approval-step.entity.js';
import { findReplay, idempotencyClaim, saveReplay, type IdempotencyClaim } from '../../kernel/idempotency.js';
import { Customer } from '../order/customer.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import type { MailService } from '../notification/mail.service.js';
import type { NotificationService } from '../notification/notification.service.js';
import { Termination } from '../termination/termination.entity.js';
import type { EnterContext, TerminationLifecycle } from '../termination/termination-lifecycle.js';
import { lockTermination } from '../termination/termination-lifecycle.js';
import { confirmationMail, deadlineText, declineAcknowledgementMail } from './confirmation-mail.js';
import { ConfirmationStatus, CustomerConfirmation } from './customer-confirmation.entity.js';
import { hashToken, looksLikeToken, newConfirmationToken } from './token.js';

export interface ConfirmationSettings {
  publicUrl: string;
  validityHours: number;
  reminderHoursBefore: number;
}

export interface TakeEffectFn {
  (
    scope: TransactionScope,
    t: Termination,
    event: 'CUSTOMER_ACCEPT',
    actor: AuditActor,
    enter?: Omit<EnterContext, 'impact'>,
  ): Promise<boolean>;
}

/** Who may write to the customer about a termination. */
function mayContactCustomer(ctx: RequestContext, requesterId: string): boolean {
  const actor = ctx.actor;
  if (actor?.kind !== 'user') return false;
  return (
    actor.userId === requesterId ||
    actor.role === 'ADMIN' ||
    actor.departmentCode === 'SALES' ||
    actor.departmentCode === 'CUSTOMER_SERVICE'
  );
}

export class ConfirmationService {
  /** Set by the termination service (it owns taking effect). */
  takeEffect!: TakeEffectFn;

  constructor(
    private readonly settings: ConfirmationSettings,
    private readonly mail: MailService,
    private readonly lifecycle: TerminationLifecycle,
    private readonly notifications: NotificationService,
    private readonly rateLimits: RateLimits,
    private readonly calendar: CalendarService,
  ) {}

  /**
   * When the customer's answer is due: the contract's reply period in working days (Asia/Shanghai,
   * holiday calendar), counted from sending; without one, CONFIRMATION_VALIDITY_HOURS.
   */
  async replyDeadline(em: TransactionScope['em'], contract: Contract, sentAt: Date) {
    if (contract.replyWorkingDays) {
      return this.calendar.replyDeadline(em, sentAt, contract.replyWorkingDays);
    }
    const expiresAt = new Date(sentAt.getTime() + this.settings.validityHours * 3_600_000);
    const remindAt = new Date(expiresAt.getTime() - this.settings.reminderHoursBefore * 3_600_000);
    return { deadlineDate: null, expiresAt, remindAt: remindAt > sentAt ? remindAt : null };
  }

  /**
   * Creates a fresh link (voiding any earlier one), mails it, and schedules reminder and expiry.
   * A reminder keeps the deadline of the request it reminds of.
   */
  async issue(
    scope: TransactionScope,
    t: Termination,
    options: { expiresAt?: Date; deadlineDate?: string | null; reminder?: boolean } = {},
  ): Promise<CustomerConfirmation> {
    const { em } = scope;
    const previous = await em.find(CustomerConfirmation, { termination: t, status: ConfirmationStatus.PENDING });
    for (const p of previous) p.status = ConfirmationStatus.SUPERSEDED;
    const order = await em.findOneOrFail(SalesOrder, { id: t.order.id }, { populate: ['customer', 'contract'] });
    const customer = order.customer as Customer;
    const contract = order.contract as Contract;
    const { token, hash } = newConfirmationToken();
    const sentAt = new Date();
    const deadline = options.expiresAt
      ? { expiresAt: options.expiresAt, deadlineDate: options.deadlineDate ?? null, remindAt: null }
      : await this.replyDeadline(em, contract, sentAt);
    const { expiresAt, deadlineDate } = deadline;
    const confirmation = em.create(CustomerConfirmation, {
      termination: t,
      tokenHash: hash,
      status: ConfirmationStatus.PENDING,
      recipient: customer.email,
      sentAt,
      expiresAt,
      deadlineDate,
    });
    const link = `${this.settings.publicUrl}/confirm/${token}`;
    await this.mail.queue(em, {
      ...confirmationMail({
        recipient: customer.email,
        customerName: customer.name,
        terminationNumber: t.number,
        orderNumber: order.number,
        reasonZh: t.reason.labelZh,
        reasonEn: t.reason.labelEn,
        explanation: t.explanation,
        cancellationFee: t.impact.cancellationFee,
        refundDue: t.impact.refundDue,
        currency: t.impact.currency,
        link,
        expiresAt,
        deadlineDate,
        silenceMeans: contract.silenceMeans ?? null,
        reminder: options.reminder,
      }),
      terminationId: t.id,
      secrets: [link],
    });
    if (!options.reminder && deadline.remindAt) {
      await enqueueJob(
        em,
        JOBS.confirmationReminder,
        { confirmationId: confirmation.id },
        { runAt: deadline.remindAt, jobKey: `reminder:${confirmation.id}` },
      );
    }
    await enqueueJob(
      em,
      JOBS.confirmationExpiry,
      { confirmationId: confirmation.id },
      { runAt: expiresAt, jobKey: `expiry:${confirmation.id}` },
    );
    appendAudit(
      em,
      { kind: 'system' },
      {
        action: options.reminder ? 'confirmation.reminder_sent' : 'confirmation.sent',
        terminationId: t.id,
        entityType: 'CustomerConfirmation',
        entityId: confirmation.id,
        data: { recipient: customer.email, expiresAt: expiresAt.toISOString(), deadlineDate, replaced: previous.length },
      },
    );
    return confirmation;
  }

  /** The public page's view of a link; refuses used, expired and unknown tokens. */
  async view(ctx: RequestContext, token: string) {
    return resultOf(async () => {
      const confirmation = await this.usable(ctx.em, token);
      const termination = await ctx.em.findOneOrFail(
        Termination,
        { id: confirmation.termination.id },
        { populate: ['reason', 'order.customer', 'order.contract'] },
      );
      return { confirmation, termination };
    });
  }

  async respond(
    ctx: RequestContext,
    input: { token: string; accept: boolean; note?: string | null; preferredResolution?: PreferredResolution | null },
    claim: IdempotencyClaim | null = null,
  ) {
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const found = await this.usable(scope.em, input.token);
        const t = (await lockTermination(scope, found.termination.id))!;
        const confirmation = await scope.em.findOneOrFail(
          CustomerConfirmation,
          { id: found.id },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        if (confirmation.status !== ConfirmationStatus.PENDING) refuse(TokenUsedError, 'TOKEN_USED', 'This link was already used.');
        if (t.status !== 'AWAITING_CUSTOMER') {
          refuse(InvalidTransitionError, 'INVALID_TRANSITION', 'This termination no longer waits for your answer.');
        }
        const note = input.note?.trim() || null;
        if (note && note.length > 2000) refuse(ValidationError, 'VALIDATION_FAILED', 'The note may be at most 2000 characters.');
        confirmation.status = input.accept ? ConfirmationStatus.ACCEPTED : ConfirmationStatus.DECLINED;
        confirmation.respondedAt = new Date();
        confirmation.note = note;
        confirmation.preferredResolution = input.preferredResolution ?? null;
        const actor = { kind: 'customer' as const, email: confirmation.recipient };
        appendAudit(scope.em, actor, {
          action: input.accept ? 'confirmation.accepted' : 'confirmation.declined',
          terminationId: t.id,
          entityType: 'CustomerConfirmation',
          entityId: confirmation.id,
          data: { note, preferredResolution: confirmation.preferredResolution },
        });
        await this.notifications.toUsers(scope, [t.requestedBy.id], {
          kind: input.accept ? 'CUSTOMER_ACCEPTED' : 'CUSTOMER_DECLINED',
          title: `${t.number} ${input.accept ? '客户已确认 / customer accepted' : '客户已拒绝 / customer declined'}`,
          body: note ?? '',
          link: `/terminations/${t.number}`,
          terminationId: t.id,
        });
        if (input.accept) await this.takeEffect(scope, t, 'CUSTOMER_ACCEPT', actor);
        else {
          await this.lifecycle.apply(scope, t, 'CUSTOMER_DECLINE', actor, { note });
          await this.acknowledgeDecline(scope, t, null);
        }
        if (claim) await saveReplay(scope.em, claim, { terminationNumber: t.number, accepted: input.accept, status: t.status });
        return { termination: t, confirmation };
      }),
    );
  }

  /** The public page's data: the termination as the customer may see it, nothing internal. */
  async publicView(ctx: RequestContext, token: string) {
    await this.rateLimits.publicTokenAttempt(ctx.ip);
    const found = await this.view(ctx, token);
    if (!('confirmation' in found)) return found;
    const { confirmation, termination: t } = found;
    return {
      terminationNumber: t.number,
      orderNumber: t.order.number,
      customerName: t.order.customer.name,
      reasonZh: t.reason.labelZh,
      reasonEn: t.reason.labelEn,
      explanation: t.explanation,
      lines: t.impact.lines,
      currency: t.impact.currency,
      terminatedValue: t.impact.terminatedValue,
      cancellationFee: t.impact.cancellationFee,
      refundDue: t.impact.refundDue,
      contractClauses: t.impact.contractClauses,
      expiresAt: confirmation.expiresAt,
      deadlineDate: confirmation.deadlineDate ?? null,
      silenceMeans: t.order.contract.silenceMeans ?? null,
    };
  }

  async publicRespond(ctx: RequestContext, input: Parameters<ConfirmationService['respond']>[1] & { idempotencyKey?: string | null }) {
    await this.rateLimits.publicTokenAttempt(ctx.ip);
    // Anonymous callers: the link itself scopes the key.
    const claim = idempotencyClaim(ctx, `respondToTermination:${hashToken(String(input.token)).slice(0, 16)}`, input.idempotencyKey, input);
    if (claim) {
      const replay = await resultOf(() => findReplay(ctx.em.fork(), claim));
      if (replay && 'status' in replay) return replay;
      if (replay && 'code' in replay) return replay;
    }
    const result = await this.respond(ctx, input, claim);
    if (!('termination' in result)) return result;
    return { terminationNumber: result.termination.number, accepted: input.accept, status: result.termination.status };
  }

  async resend(ctx: RequestContext, terminationId: string, idempotencyKey?: string | null) {
    const claim = idempotencyClaim(ctx, 'resendCustomerConfirmation', idempotencyKey, { terminationId });
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const t = await lockTermination(scope, terminationId);
        if (!t) refuse(NotFoundError, 'NOT_FOUND', 'No such termination.');
        if (claim && (await findReplay(scope.em, claim))) return { termination: t };
        if (!mayContactCustomer(ctx, t.requestedBy.id)) {
          refuse(
            ForbiddenActionError,
            'FORBIDDEN_ACTION',
            'Only the requester, sales, customer service or an administrator may send the customer a new link.',
          );
        }
        if (t.status !== 'AWAITING_CUSTOMER') {
          refuse(
            InvalidTransitionError,
            'INVALID_TRANSITION',
            `Only a termination awaiting the customer can get a new link (it is ${t.status}).`,
          );
        }
        const confirmation = await this.issue(scope, t);
        t.version += 1;
        appendAudit(scope.em, ctx.actor, {
          action: 'confirmation.resent',
          terminationId: t.id,
          entityType: 'CustomerConfirmation',
          entityId: confirmation.id,
        });
        this.lifecycle.publishAfterCommit(scope, t, 'confirmation.resent', t.status, ctx.actor);
        // Without this a retried resend would issue yet another link and void the one just mailed.
        if (claim) await saveReplay(scope.em, claim, { terminationId: t.id });
        return { termination: t, confirmation };
      }),
    );
  }

  /** Mails the customer that the termination will not go ahead (declined, or silence counted as refusal). */
  private async acknowledgeDecline(scope: TransactionScope, t: Termination, silence: CustomerConfirmation | null): Promise<void> {
    const order = await scope.em.findOneOrFail(SalesOrder, { id: t.order.id }, { populate: ['customer'] });
    await this.mail.queue(scope.em, {
      ...declineAcknowledgementMail({
        recipient: order.customer.email,
        customerName: order.customer.name,
        terminationNumber: t.number,
        orderNumber: order.number,
        bySilence: !!silence,
        deadlineText: silence ? deadlineText(silence) : null,
      }),
      terminationId: t.id,
    });
  }

  /**
   * The customer did not answer by the deadline (the link is already marked EXPIRED): the
   * contract decides. Silence = refusal declines the termination; silence = acceptance makes
   * it take effect exactly as the customer's acceptance would; a contract that says nothing
   * leaves it waiting (the requester may resend or withdraw). Returns the rule applied.
   */
  async applySilence(scope: TransactionScope, t: Termination, confirmation: CustomerConfirmation): Promise<SilenceMeans | null> {
    if (t.status !== 'AWAITING_CUSTOMER') return null;
    const order = await scope.em.findOneOrFail(SalesOrder, { id: t.order.id }, { populate: ['contract'] });
    const rule = order.contract.silenceMeans ?? null;
    if (!rule) return null;
    const system = { kind: 'system' as const };
    const deadline = deadlineText(confirmation);
    const meaning = rule === SilenceMeans.REFUSAL ? 'refusal' : 'acceptance';
    appendAudit(scope.em, system, {
      action: 'confirmation.silence',
      terminationId: t.id,
      entityType: 'CustomerConfirmation',
      entityId: confirmation.id,
      data: {
        summary: `No reply by deadline, contract treats silence as ${meaning}`,
        silenceMeans: rule,
        contract: order.contract.number,
        deadlineDate: confirmation.deadlineDate ?? null,
        expiresAt: confirmation.expiresAt.toISOString(),
      },
    });
    const steps = await scope.em.find(ApprovalStep, { termination: t });
    const heads = await headsOf(scope.em, [...new Set(steps.map((s) => s.department))]);
    await this.notifications.toUsers(scope, [t.requestedBy.id, ...heads.map((u) => u.id)], {
      kind: rule === SilenceMeans.REFUSAL ? 'CUSTOMER_SILENT_REFUSAL' : 'CUSTOMER_SILENT_ACCEPTANCE',
      title:
        rule === SilenceMeans.REFUSAL
          ? `${t.number} 客户逾期未答复，按合同视为拒绝 / no reply by the deadline: counts as refusal`
          : `${t.number} 客户逾期未答复，按合同视为同意 / no reply by the deadline: counts as acceptance`,
      body: `No reply by ${deadline.en}; contract ${order.contract.number} treats silence as ${meaning}.`,
      link: `/terminations/${t.number}`,
      terminationId: t.id,
    });
    if (rule === SilenceMeans.REFUSAL) {
      await this.lifecycle.apply(scope, t, 'CUSTOMER_DECLINE', system, { silence: rule });
      await this.acknowledgeDecline(scope, t, confirmation);
    } else {
      await this.takeEffect(scope, t, 'CUSTOMER_ACCEPT', system, {
        acceptedBySilence: { deadlineZh: deadline.zh, deadlineEn: deadline.en },
      });
    }
    return rule;
  }

  private async usable(em: RequestContext['em'], token: string): Promise<CustomerConfirmation> {
    if (typeof token !== 'string' || !looksLikeToken(token)) refuse(TokenInvalidError, 'TOKEN_INVALID', 'This link is not valid.');
    const confirmation = await em.findOne(CustomerConfirmation, { tokenHash: hashToken(token) });
    if (!confirmation) refuse(TokenInvalidError, 'TOKEN_INVALID', 'This link is not valid.');
    if (confirmation.status === ConfirmationStatus.ACCEPTED || confirmation.status === ConfirmationStatus.DECLINED) {
      refuse(TokenUsedError, 'TOKEN_USED', 'This link was already used.');
    }
    if (confirmation.status === ConfirmationStatus.SUPERSEDED) {
      refuse(TokenInvalidError, 'TOKEN_INVALID', 'This link was replaced by a newer one or is no longer needed.');
    }
    if (confirmation.status === ConfirmationStatus.EXPIRED || confirmation.expiresAt.getTime() <= Date.now()) {
      refuse(TokenExpiredError, 'TOKEN_EXPIRED', 'This link has expired. Please contact us for a new one.');
    }
    return confirmation;
  }
}

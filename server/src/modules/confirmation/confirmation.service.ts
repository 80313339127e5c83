import { LockMode } from '@mikro-orm/core';
import type { PreferredResolution } from '@ot/shared';
import { Product } from '../order/product.entity.js';
import type { ImpactLine } from '../termination/impact.types.js';
import { unitLabel } from '../notification/messages.js';
import type { RequestContext } from '../../kernel/context.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { RateLimits } from '../../kernel/rate-limits.js';
import {
  NotFoundError,
  refuse,
  resultOf,
  TokenExpiredError,
  TokenInvalidError,
  TokenUsedError,
  ValidationError,
} from '../../common/business-errors.js';
import { inTransaction, type TransactionScope } from '../../kernel/transaction.js';
import { SilenceMeans } from '../order/contract.entity.js';
import { ApprovalStep } from '../approval/approval-step.entity.js';
import { findReplay, idempotencyClaim, saveReplay, type IdempotencyClaim } from '../../kernel/idempotency.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import type { MailService } from '../notification/mail.service.js';
import { Termination } from '../termination/termination.entity.js';
import { lockTermination, type TerminationLifecycle } from '../termination/termination-lifecycle.js';
import { guardCustomerAnswer, guardResendConfirmation } from '../termination/termination-policy.js';
import type { ConfirmationIssuer } from './confirmation-issuer.js';
import { customerLanguage, customerNameIn, deadlineText, declineAcknowledgementMail } from './confirmation-mail.js';
import { ConfirmationStatus, CustomerConfirmation } from './customer-confirmation.entity.js';
import { hashToken, looksLikeToken } from './token.js';

/** The customer's side of a termination: the public page, the answer, a new link, and silence at the deadline. */
export class ConfirmationService {
  constructor(
    private readonly issuer: ConfirmationIssuer,
    private readonly mail: MailService,
    private readonly lifecycle: TerminationLifecycle,
    private readonly rateLimits: RateLimits,
    private readonly events: DomainEvents,
  ) {}

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
        guardCustomerAnswer(t, confirmation);
        const note = input.note?.trim() || null;
        if (note && note.length > 2000) refuse(ValidationError, 'VALIDATION_FAILED', 'The note may be at most 2000 characters.');
        confirmation.status = input.accept ? ConfirmationStatus.ACCEPTED : ConfirmationStatus.DECLINED;
        confirmation.respondedAt = new Date();
        confirmation.note = note;
        confirmation.preferredResolution = input.preferredResolution ?? null;
        const actor = { kind: 'customer' as const, email: confirmation.recipient };
        await this.events.record(
          scope,
          actor,
          input.accept ? 'confirmation.accepted' : 'confirmation.declined',
          { note, preferredResolution: confirmation.preferredResolution ?? null },
          { termination: t, entity: { type: 'CustomerConfirmation', id: confirmation.id } },
        );
        if (input.accept) await this.lifecycle.takeEffect(scope, t, 'CUSTOMER_ACCEPT', actor);
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
      customerNameEn: t.order.customer.nameEn ?? null,
      reasonZh: t.reason.labelZh,
      reasonEn: t.reason.labelEn,
      explanation: t.explanation,
      language: t.order.customer.language ?? null,
      lines: await customerLines(ctx.em, t.impact.lines),
      feeOutstanding: t.impact.feeOutstanding,
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
        guardResendConfirmation(ctx.actor, t);
        const confirmation = await this.issuer.issue(scope, t);
        await this.events.terminationChanged(
          scope,
          t,
          ctx.actor,
          'confirmation.resent',
          {},
          { entity: { type: 'CustomerConfirmation', id: confirmation.id } },
        );
        // Without this a retried resend would issue yet another link and void the one just mailed.
        if (claim) await saveReplay(scope.em, claim, { terminationId: t.id });
        return { termination: t, confirmation };
      }),
    );
  }

  /** Mails the customer that the termination will not go ahead (declined, or silence counted as refusal). */
  private async acknowledgeDecline(scope: TransactionScope, t: Termination, silence: CustomerConfirmation | null): Promise<void> {
    const order = await scope.em.findOneOrFail(SalesOrder, { id: t.order.id }, { populate: ['customer'] });
    const lang = customerLanguage(order.customer);
    await this.mail.queue(scope.em, {
      ...declineAcknowledgementMail({
        lang,
        recipient: order.customer.email,
        customerName: customerNameIn(order.customer, lang),
        terminationNumber: t.number,
        orderNumber: order.number,
        bySilence: !!silence,
        deadlineText: silence ? deadlineText(silence) : null,
      }),
      terminationId: t.id,
    });
  }

  /** What the contract makes of the customer's silence now, when they are still asked: refusal, acceptance, or nothing. */
  async silenceRule(scope: TransactionScope, t: Termination): Promise<SilenceMeans | null> {
    if (t.status !== 'AWAITING_CUSTOMER') return null;
    const order = await scope.em.findOneOrFail(SalesOrder, { id: t.order.id }, { populate: ['contract'] });
    return order.contract.silenceMeans ?? null;
  }

  /**
   * The customer did not answer by the deadline (the link is already marked EXPIRED) and the
   * contract has a rule (see silenceRule). Silence = refusal declines the termination; silence =
   * acceptance makes it take effect exactly as the customer's acceptance would.
   */
  async applySilence(scope: TransactionScope, t: Termination, confirmation: CustomerConfirmation, rule: SilenceMeans): Promise<void> {
    const order = await scope.em.findOneOrFail(SalesOrder, { id: t.order.id }, { populate: ['contract'] });
    const system = { kind: 'system' as const };
    const deadline = deadlineText(confirmation);
    const meaning = rule === SilenceMeans.REFUSAL ? 'refusal' : 'acceptance';
    const steps = await scope.em.find(ApprovalStep, { termination: t });
    // The departments of the route hear of it too (see the customer-reply notices).
    await this.events.record(
      scope,
      system,
      'confirmation.silence',
      {
        summary: `No reply by deadline, contract treats silence as ${meaning}`,
        silenceMeans: rule,
        contract: order.contract.number,
        deadlineDate: confirmation.deadlineDate ?? null,
        expiresAt: confirmation.expiresAt.toISOString(),
      },
      {
        termination: t,
        entity: { type: 'CustomerConfirmation', id: confirmation.id },
        departments: [...new Set(steps.map((s) => s.department))],
      },
    );
    if (rule === SilenceMeans.REFUSAL) {
      await this.lifecycle.apply(scope, t, 'CUSTOMER_DECLINE', system, { silence: rule });
      await this.acknowledgeDecline(scope, t, confirmation);
    } else {
      await this.lifecycle.takeEffect(scope, t, 'CUSTOMER_ACCEPT', system, {
        acceptedBySilence: { deadlineZh: deadline.zh, deadlineEn: deadline.en },
      });
    }
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

/** The impact's lines with what the customer reads: English product names, units in each language. */
async function customerLines(em: RequestContext['em'], lines: ImpactLine[]) {
  const products = new Map((await em.find(Product, { sku: { $in: lines.map((l) => l.sku) } })).map((p) => [p.sku, p]));
  return lines.map((l) => {
    const product = products.get(l.sku);
    return {
      ...l,
      productNameEn: product?.nameEn ?? null,
      unit: product ? unitLabel(product.unit, 'zh-CN') : null,
      unitEn: product ? unitLabel(product.unit, 'en') : null,
    };
  });
}

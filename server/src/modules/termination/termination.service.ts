import { LockMode } from '@mikro-orm/core';
import { EXPLANATION_MAX } from '@ot/shared';
import type { RequestContext } from '../../kernel/context.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import {
  ActiveTerminationExistsError,
  ForbiddenActionError,
  InputError,
  NotFoundError,
  refuse,
  resultOf,
  ValidationError,
} from '../../common/business-errors.js';
import { TerminationBlockedError } from './termination-errors.js';
import { parseId } from '../../common/errors.js';
import { pageRequest, toConnection } from '../../common/pagination.js';
import { inTransaction, isUniqueViolation } from '../../kernel/transaction.js';
import { ErrorResult } from '../../common/error-result.js';
import { findReplay, idempotencyClaim, replayFrom, saveReplay } from '../../kernel/idempotency.js';
import { User } from '../identity/user.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import type { ImpactService } from './impact.service.js';
import type { TerminationImpact, TerminationImpactInput } from './impact.types.js';
import { TerminationReason, type TerminationFault } from './termination-reason.entity.js';
import { lockTermination, type TerminationLifecycle } from './termination-lifecycle.js';
import { guardRetryEffect, guardWithdraw } from './termination-policy.js';
import { Termination } from './termination.entity.js';
import { writeSubmissions, type Submission } from './submission-writer.js';
import { loadTerminations, type PageSelection } from './termination-page.js';
import type { SubmitTerminationInput, TerminationFilter, WithdrawTerminationInput } from './termination.types.js';

/**
 * The refusals of a submission whose reason exists, in the order they are checked: one-by-one
 * submissions and bulk runs both go through here.
 */
function guardSubmission(reason: TerminationReason, explanation: string, impact: TerminationImpact): void {
  if (reason.explanationRequired && explanation.length < 10) {
    refuse(InputError, 'VALIDATION_FAILED', `For "${reason.labelEn}" explain in at least 10 characters.`, { field: 'explanation' });
  }
  if (impact.blockers.length) {
    const active = impact.blockers.find((b) => b.code === 'TERMINATION_ACTIVE');
    if (active) refuse(ActiveTerminationExistsError, 'ACTIVE_TERMINATION_EXISTS', active.message);
    refuse(TerminationBlockedError, 'TERMINATION_BLOCKED', impact.blockers.map((b) => b.message).join(' '), {
      blockers: impact.blockers,
    });
  }
  if (!impact.approvalRoute.length) {
    refuse(ValidationError, 'VALIDATION_FAILED', 'No approval rule applies; an administrator must configure the approval policy.');
  }
}

export class TerminationService {
  constructor(
    private readonly impacts: ImpactService,
    private readonly lifecycle: TerminationLifecycle,
    private readonly events: DomainEvents,
  ) {}

  /** Dry run: what terminating would do. Changes nothing. */
  async impact(ctx: RequestContext, input: TerminationImpactInput) {
    return resultOf(async () => {
      const { order, reason } = await this.orderAndReason(ctx.em, input.orderNumber, input.reasonCode);
      return this.impacts.compute(ctx.em, { order, reason, lines: input.lines });
    });
  }

  async submit(ctx: RequestContext, input: SubmitTerminationInput, options: { bulkRunId?: string; fault?: TerminationFault } = {}) {
    const claim = idempotencyClaim(ctx, 'submitTermination', input.idempotencyKey, input);
    const explanation = input.explanation.trim();
    return resultOf(async () => {
      if (!explanation)
        refuse(InputError, 'VALIDATION_FAILED', `Give an explanation (1 to ${EXPLANATION_MAX} characters).`, { field: 'explanation' });
      try {
        return await inTransaction(ctx, async (scope) => {
          const { em } = scope;
          // One statement finds and locks the order: submissions for one order queue here (the
          // partial unique index is the last line of defence). The facts are read after it.
          const order = await em.findOne(SalesOrder, { number: input.orderNumber.trim() }, { lockMode: LockMode.PESSIMISTIC_WRITE });
          if (!order) refuse(NotFoundError, 'NOT_FOUND', `There is no order ${input.orderNumber.trim().slice(0, 40)}.`);
          // The replay check is read with the facts (after the lock: a twin that waited sees the
          // record the first one committed) and decided before any refusal, as a replay answers first.
          const computed = await this.impacts.computeForSubmission(em, {
            order,
            reasonCode: input.reasonCode.trim(),
            lines: input.lines,
            customerConfirmationRequested: input.customerConfirmationRequired,
            fault: options.fault,
            idempotency: claim && { scope: claim.scope, key: claim.key },
          });
          if (claim) {
            const replay = replayFrom(computed.idempotencyRecord, claim);
            if (replay) return { replay };
          }
          const { reason, number } = computed;
          if (!reason) refuse(NotFoundError, 'NOT_FOUND', `There is no termination reason ${input.reasonCode.trim().slice(0, 40)}.`);
          const impact = computed.impact!;
          guardSubmission(reason, explanation, impact);
          const [written] = await writeSubmissions(scope, this.events, ctx.actor, this.requester(ctx, em), [
            { order, reason, explanation, impact, number, bulkRunId: options.bulkRunId },
          ]);
          if (claim) await saveReplay(em, claim, { terminationId: written!.termination.id });
          return { written: written!, replayed: false };
        }).then(async (outcome) => {
          if ('replay' in outcome) return this.replayed(ctx, outcome.replay as Record<string, unknown>);
          // Committed: the answer shows the steps as written, without reading them back.
          const { termination, steps } = outcome.written;
          termination.approvalSteps.hydrate(steps);
          return { termination, replayed: false };
        });
      } catch (error) {
        if (claim && isUniqueViolation(error, 'idempotency_record_pkey')) {
          const replay = await findReplay(ctx.em.fork(), claim);
          if (replay) return this.replayed(ctx, replay);
        }
        if (isUniqueViolation(error, 'termination_one_active_per_order')) {
          refuse(ActiveTerminationExistsError, 'ACTIVE_TERMINATION_EXISTS', 'Another termination was just submitted for this order.');
        }
        throw error;
      }
    });
  }

  /**
   * Submits the same request for many orders in ONE transaction, with a constant number of
   * statements (a bulk run's chunk): the orders are locked in one statement, their facts read in
   * one, and what is written goes out set-based (the flush, one SLA job insert). Each order gets
   * the impact, the refusals and the writes of a one-by-one submission (computeImpact,
   * guardSubmission, write); a refused order gets its refusal and the others go ahead. An
   * unexpected error rolls the whole chunk back (the caller can submit its orders one by one).
   */
  async submitMany(
    ctx: RequestContext,
    orders: readonly { orderId: string; lines?: { lineId: string; quantity: number }[] | null }[],
    request: { reasonCode: string; explanation: string; fault?: TerminationFault; bulkRunId?: string },
  ): Promise<Map<string, { termination: Termination } | { refusal: ErrorResult }>> {
    const explanation = request.explanation.trim();
    return inTransaction(ctx, async (scope) => {
      const { em } = scope;
      const results = new Map<string, { termination: Termination } | { refusal: ErrorResult }>();
      // Locked in one order (by id) so that two chunks, or a chunk and a submission, never deadlock.
      const locked = await em.find(
        SalesOrder,
        { id: { $in: orders.map((o) => o.orderId) } },
        { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
      );
      const computed = await this.impacts.computeForSubmissions(
        em,
        locked.map((order) => ({
          order,
          lines: orders.find((o) => o.orderId === order.id)!.lines,
          fault: request.fault,
        })),
        request.reasonCode.trim(),
      );
      const accepted: Submission[] = [];
      let requestedBy: User | undefined;
      for (const { orderId } of orders) {
        const order = locked.find((o) => o.id === orderId);
        const refusal = await resultOf(async () => {
          if (!order) refuse(NotFoundError, 'NOT_FOUND', `There is no order with id ${orderId}.`);
          const { reason, number, impact } = computed.get(order.id)!;
          if (!reason) refuse(NotFoundError, 'NOT_FOUND', `There is no termination reason ${request.reasonCode.trim().slice(0, 40)}.`);
          guardSubmission(reason, explanation, impact!);
          requestedBy = this.requester(ctx, em);
          accepted.push({ order, reason, explanation, impact: impact!, number, bulkRunId: request.bulkRunId });
        });
        if (refusal instanceof ErrorResult) results.set(orderId, { refusal });
      }
      for (const { termination } of await writeSubmissions(scope, this.events, ctx.actor, requestedBy!, accepted)) {
        results.set(termination.order.id, { termination });
      }
      return results;
    });
  }

  async withdraw(ctx: RequestContext, input: WithdrawTerminationInput) {
    const id = parseId(input.terminationId, 'terminationId');
    const reasonText = input.reason.trim();
    const claim = idempotencyClaim(ctx, 'withdrawTermination', input.idempotencyKey, input);
    return resultOf(async () => {
      if (!reasonText) refuse(InputError, 'VALIDATION_FAILED', 'Say why the termination is withdrawn.', { field: 'reason' });
      return inTransaction(ctx, async (scope) => {
        const t = await lockTermination(scope, id);
        if (!t) refuse(NotFoundError, 'NOT_FOUND', 'No such termination.');
        if (claim && (await findReplay(scope.em, claim))) return { termination: t };
        guardWithdraw(ctx.actor, t);
        await this.lifecycle.apply(scope, t, 'WITHDRAW', ctx.actor, { reason: reasonText });
        if (claim) await saveReplay(scope.em, claim, { terminationId: t.id });
        return { termination: t };
      });
    });
  }

  /** Tries again to take effect after a blocker stopped it (e.g. the shipment was cancelled). */
  async retryEffect(ctx: RequestContext, terminationId: string, idempotencyKey?: string | null) {
    const id = parseId(terminationId, 'terminationId');
    const claim = idempotencyClaim(ctx, 'retryTerminationEffect', idempotencyKey, { terminationId: id });
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const t = await lockTermination(scope, id);
        if (!t) refuse(NotFoundError, 'NOT_FOUND', 'No such termination.');
        if (claim && (await findReplay(scope.em, claim))) return { termination: t };
        guardRetryEffect(ctx.actor, t);
        const event = t.status === 'AWAITING_CUSTOMER' ? 'CUSTOMER_ACCEPT' : 'APPROVED_ALL';
        const ok = await this.lifecycle.takeEffect(scope, t, event, ctx.actor);
        if (!ok) {
          refuse(TerminationBlockedError, 'TERMINATION_BLOCKED', (t.effectBlockers ?? []).map((b) => b.message).join(' '), {
            blockers: t.effectBlockers ?? [],
          });
        }
        if (claim) await saveReplay(scope.em, claim, { terminationId: t.id });
        return { termination: t };
      }),
    );
  }

  /**
   * A page of terminations, newest first, reading what `selection` names (see loadTerminationPage).
   * totalCount and boundedCount are counted only when read.
   */
  async list(
    ctx: RequestContext,
    filter: TerminationFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    selection: PageSelection,
  ) {
    const page = pageRequest(first, after);
    const { rows, count, countBounded } = await loadTerminations(ctx, filter, page, selection);
    return toConnection(rows, page, count, (t) => t.createdAt.toISOString(), countBounded);
  }

  async get(ctx: RequestContext, id: string | null | undefined, number: string | null | undefined): Promise<Termination | null> {
    if (id) return ctx.em.findOne(Termination, { id: parseId(id) });
    if (number) return ctx.em.findOne(Termination, { number: number.trim() });
    return null;
  }

  private async orderAndReason(em: RequestContext['em'], orderNumber: string, reasonCode: string) {
    const order = await em.findOne(SalesOrder, { number: orderNumber.trim() });
    if (!order) refuse(NotFoundError, 'NOT_FOUND', `There is no order ${orderNumber.trim().slice(0, 40)}.`);
    const reason = await em.findOne(TerminationReason, { code: reasonCode.trim() });
    if (!reason) refuse(NotFoundError, 'NOT_FOUND', `There is no termination reason ${reasonCode.trim().slice(0, 40)}.`);
    return { order, reason };
  }

  private requester(ctx: RequestContext, em: RequestContext['em']): User {
    if (ctx.actor?.kind === 'user') return em.getReference(User, ctx.actor.userId);
    // API keys submit on behalf of the technical user that owns them.
    if (ctx.actor?.kind === 'apiKey' && ctx.actor.ownerUserId) return em.getReference(User, ctx.actor.ownerUserId);
    refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Submitting needs a user or an API key owned by a user.');
  }

  private async replayed(ctx: RequestContext, stored: Record<string, unknown>) {
    const termination = await ctx.em.fork().findOneOrFail(Termination, { id: String(stored.terminationId) });
    return { termination, replayed: true };
  }
}

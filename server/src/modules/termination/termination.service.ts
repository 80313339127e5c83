import { ACTIVE_STATUSES } from '@ot/shared';
import type { RequestContext } from '../../app/context.js';
import {
  ActiveTerminationExistsError,
  ForbiddenActionError,
  InputError,
  InvalidTransitionError,
  NotFoundError,
  refuse,
  resultOf,
  TerminationBlockedError,
  ValidationError,
} from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { pageRequest, toConnection } from '../../common/pagination.js';
import { readModel } from '../../common/read-model.js';
import { Customer } from '../order/customer.entity.js';
import { Product } from '../order/product.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import { inTransaction, isUniqueViolation, type TransactionScope } from '../../common/transaction.js';
import { activateNextStage } from '../approval/approval-stages.js';
import { ApprovalStep, ApprovalStepStatus } from '../approval/approval-step.entity.js';
import { appendAudit, type AuditActor } from '../audit/audit.service.js';
import { findReplay, idempotencyClaim, saveReplay } from '../audit/idempotency.js';
import { ConfirmationStatus, CustomerConfirmation } from '../confirmation/customer-confirmation.entity.js';
import type { ConfirmationService } from '../confirmation/confirmation.service.js';
import type { FollowUpService } from '../follow-up/follow-up.service.js';
import { User } from '../identity/user.entity.js';
import type { MailService } from '../notification/mail.service.js';
import type { NotificationService } from '../notification/notification.service.js';
import { likePattern } from '../order/order.service.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import type { EffectService } from './effect.service.js';
import type { ImpactService } from './impact.service.js';
import type { TerminationImpactInput } from './impact.types.js';
import { effectiveMail } from './termination-mail.js';
import { TerminationLine } from './termination-line.entity.js';
import { TerminationReason } from './termination-reason.entity.js';
import { lockOrder, lockTermination, releaseOrder, type TerminationLifecycle } from './termination-lifecycle.js';
import { Termination, TerminationScope } from './termination.entity.js';
import type { SubmitTerminationInput, TerminationFilter, WithdrawTerminationInput } from './termination.types.js';

export const EXPLANATION_MAX = 2000;

export class TerminationService {
  constructor(
    private readonly impacts: ImpactService,
    private readonly lifecycle: TerminationLifecycle,
    private readonly effects: EffectService,
    private readonly confirmations: ConfirmationService,
    private readonly followUps: FollowUpService,
    private readonly notifications: NotificationService,
    private readonly mail: MailService,
  ) {
    confirmations.takeEffect = (scope, t, event, actor) => this.takeEffect(scope, t, event, actor);
    lifecycle.hooks.onEnter = {
      AWAITING_CUSTOMER: async (scope, t) => {
        await this.confirmations.issue(scope, t);
      },
      EFFECTIVE: async (scope, t, _actor, enter) => this.enterEffective(scope, t, enter.impact!),
      REJECTED: (scope, t) => this.endWithoutEffect(scope, t),
      WITHDRAWN: (scope, t) => this.endWithoutEffect(scope, t),
      CUSTOMER_DECLINED: (scope, t) => this.endWithoutEffect(scope, t),
      CLOSED: async (_scope, t) => {
        t.closedAt = new Date();
      },
    };
  }

  /** Dry run: what terminating would do. Changes nothing. */
  async impact(ctx: RequestContext, input: TerminationImpactInput) {
    return resultOf(async () => {
      const { order, reason } = await this.orderAndReason(ctx.em, input.orderNumber, input.reasonCode);
      return this.impacts.compute(ctx.em, { order, reason, lines: input.lines });
    });
  }

  async submit(ctx: RequestContext, input: SubmitTerminationInput, options: { bulkRunId?: string } = {}) {
    const claim = idempotencyClaim(ctx, 'submitTermination', input.idempotencyKey, input);
    const explanation = input.explanation.trim();
    return resultOf(async () => {
      if (!explanation) refuse(InputError, 'VALIDATION_FAILED', 'Give an explanation (1 to 2000 characters).', { field: 'explanation' });
      if (claim) {
        const replay = await findReplay(ctx.em.fork(), claim);
        if (replay) return this.replayed(ctx, replay);
      }
      try {
        return await inTransaction(ctx, async (scope) => {
          const { em } = scope;
          const { order: found, reason } = await this.orderAndReason(em, input.orderNumber, input.reasonCode);
          // Submissions for one order queue here; the partial unique index is the last line of defence.
          const order = await lockOrder(scope, found.id);
          if (claim) {
            const replay = await findReplay(em, claim);
            if (replay) return { replay };
          }
          if (reason.explanationRequired && explanation.length < 10) {
            refuse(InputError, 'VALIDATION_FAILED', `For "${reason.labelEn}" explain in at least 10 characters.`, { field: 'explanation' });
          }
          const impact = await this.impacts.compute(em, {
            order,
            reason,
            lines: input.lines,
            customerConfirmationRequested: input.customerConfirmationRequired,
          });
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
          const t = em.create(Termination, {
            number: await this.nextNumber(scope),
            order,
            reason,
            explanation,
            status: 'PENDING_APPROVAL',
            scope: impact.scope === 'FULL' ? TerminationScope.FULL : TerminationScope.PARTIAL,
            requestedBy: this.requester(ctx, em),
            customerConfirmationRequired: impact.customerConfirmationRequired,
            impact: { ...impact, computedAt: impact.computedAt.toISOString() },
            bulkRunId: options.bulkRunId ?? null,
          });
          for (const line of impact.lines) {
            em.create(TerminationLine, { termination: t, salesOrderLine: line.lineId, quantity: line.quantity, amount: line.amount });
          }
          for (const step of impact.approvalRoute) {
            em.create(ApprovalStep, {
              termination: t,
              stage: step.stage,
              department: step.department,
              ruleCode: step.ruleCode,
              slaHours: step.slaHours,
              status: ApprovalStepStatus.WAITING,
            });
          }
          order.statusBeforeTermination = order.status;
          order.status = 'TERMINATION_PENDING';
          await em.flush();
          await activateNextStage(scope, t, this.notifications);
          appendAudit(em, ctx.actor, {
            action: 'termination.submitted',
            terminationId: t.id,
            entityType: 'Termination',
            entityId: t.id,
            data: {
              order: order.number,
              reason: reason.code,
              scope: t.scope,
              lines: impact.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
              route: impact.approvalRoute.map((s) => `${s.stage}:${s.department}`),
              customerConfirmationRequired: t.customerConfirmationRequired,
            },
          });
          if (claim) await saveReplay(em, claim, { terminationId: t.id });
          this.lifecycle.publishAfterCommit(scope, t, 'termination.submitted', null, ctx.actor, {
            departments: impact.approvalRoute.map((s) => s.department),
          });
          return { termination: t, replayed: false };
        }).then(async (outcome) => ('replay' in outcome ? this.replayed(ctx, outcome.replay as Record<string, unknown>) : outcome));
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
        const isRequester = ctx.actor?.kind === 'user' && ctx.actor.userId === t.requestedBy.id;
        const isAdmin = ctx.actor?.kind === 'user' && ctx.actor.role === 'ADMIN';
        if (!isRequester && !isAdmin)
          refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only the requester or an administrator may withdraw it.');
        if (!(ACTIVE_STATUSES as readonly string[]).includes(t.status)) {
          refuse(InvalidTransitionError, 'INVALID_TRANSITION', `A ${t.status} termination cannot be withdrawn.`);
        }
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
        const actor = ctx.actor;
        const allowed =
          actor?.kind === 'user' &&
          (actor.userId === t.requestedBy.id || actor.role === 'ADMIN' || (actor.role === 'DEPT_HEAD' && actor.departmentCode === 'SALES'));
        if (!allowed)
          refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only the requester, the head of sales or an administrator may retry.');
        if (!t.effectBlockers) refuse(InvalidTransitionError, 'INVALID_TRANSITION', 'This termination is not waiting for a retry.');
        const event = t.status === 'AWAITING_CUSTOMER' ? 'CUSTOMER_ACCEPT' : 'APPROVED_ALL';
        const ok = await this.takeEffect(scope, t, event, ctx.actor);
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

  /** After the last approval: to the customer, or straight into effect. */
  async advanceAfterApprovals(scope: TransactionScope, t: Termination, actor: AuditActor): Promise<void> {
    if (t.customerConfirmationRequired) await this.lifecycle.apply(scope, t, 'APPROVED_ALL_NEEDS_CUSTOMER', actor);
    else await this.takeEffect(scope, t, 'APPROVED_ALL', actor);
  }

  /**
   * Recomputes the impact under lock; a new blocker keeps the termination where it is,
   * flagged, and tells the requester. Returns whether it took effect.
   */
  async takeEffect(
    scope: TransactionScope,
    t: Termination,
    event: 'APPROVED_ALL' | 'CUSTOMER_ACCEPT',
    actor: AuditActor,
  ): Promise<boolean> {
    const order = await lockOrder(scope, t.order.id);
    const lines = await scope.em.find(TerminationLine, { termination: t });
    const impact = await this.impacts.compute(scope.em, {
      order,
      reason: t.reason,
      lines: lines.map((l) => ({ lineId: l.salesOrderLine.id, quantity: l.quantity })),
      customerConfirmationRequested: t.customerConfirmationRequired,
      excludeTerminationId: t.id,
    });
    const blockers = impact.blockers.filter((b) => b.code !== 'REASON_INACTIVE');
    if (blockers.length) {
      t.effectBlockers = blockers.map((b) => ({ code: b.code, message: b.message }));
      t.effectBlockedAt = new Date();
      t.version += 1;
      appendAudit(scope.em, actor, { action: 'termination.effect_blocked', terminationId: t.id, data: { blockers: t.effectBlockers } });
      await this.notifications.toUsers(scope, [t.requestedBy.id], {
        kind: 'EFFECT_BLOCKED',
        title: `${t.number} 无法生效 / could not take effect`,
        body: blockers.map((b) => b.message).join(' '),
        link: `/terminations/${t.number}`,
        terminationId: t.id,
      });
      this.lifecycle.publishAfterCommit(scope, t, 'termination.effect_blocked', t.status, actor);
      return false;
    }
    await this.lifecycle.apply(scope, t, event, actor, {}, { impact });
    return true;
  }

  private async enterEffective(
    scope: TransactionScope,
    t: Termination,
    impact: NonNullable<Parameters<EffectService['apply']>[3]>,
  ): Promise<void> {
    const order = await lockOrder(scope, t.order.id);
    const settlement = await this.effects.apply(scope, t, order, impact);
    const accepted = await scope.em.findOne(
      CustomerConfirmation,
      { termination: t, status: ConfirmationStatus.ACCEPTED },
      { orderBy: { respondedAt: 'desc' } },
    );
    this.effects.faults.check('effect.tasks');
    const tasks = await this.followUps.createFor(scope, t, impact, accepted?.preferredResolution ?? null);
    await scope.em.populate(order, ['customer']);
    this.effects.faults.check('effect.messages');
    await this.mail.queue(scope.em, { ...effectiveMail(t, order, impact), terminationId: t.id });
    for (const task of tasks) {
      await this.notifications.toDepartmentHeads(scope, [task.department], {
        kind: 'FOLLOW_UP_CREATED',
        title: `${t.number} 已生效，请跟进 / effective: follow-up for ${task.department}`,
        body: task.instructions,
        link: `/follow-ups`,
        terminationId: t.id,
      });
    }
    appendAudit(
      scope.em,
      { kind: 'system' },
      {
        action: 'termination.effect_applied',
        terminationId: t.id,
        data: {
          orderStatus: order.status,
          purchaseOrders: impact.purchaseOrders.map((p) => ({ number: p.number, action: p.action })),
          reservationsReleased: impact.reservations.map((r) => ({ sku: r.sku, warehouse: r.warehouseCode, quantity: r.quantity })),
          settlement: { kind: settlement.kind, refundDue: settlement.refundDue, fee: settlement.cancellationFee },
          tasks: tasks.map((task) => task.kind),
        },
      },
    );
  }

  private async endWithoutEffect(scope: TransactionScope, t: Termination): Promise<void> {
    await releaseOrder(scope, t);
    const pending = await scope.em.find(CustomerConfirmation, { termination: t, status: ConfirmationStatus.PENDING });
    for (const c of pending) c.status = ConfirmationStatus.SUPERSEDED;
    t.effectBlockers = null;
  }

  /**
   * One statement returns the page with the relations named in `populate`, aggregated per row in
   * PostgreSQL (no row multiplication, the impact snapshot trimmed to `impactFields`), as read
   * models the field resolvers use directly. totalCount is counted only when selected.
   */
  async list(
    ctx: RequestContext,
    filter: TerminationFilter | null | undefined,
    first?: number | null,
    after?: string | null,
    populate: readonly string[] = [],
    impactFields: readonly string[] | null = null,
  ) {
    const page = pageRequest(first, after);
    const qb = ctx.em.createQueryBuilder(Termination, 't');
    // Order and customer are joined only for the filters that read them.
    if (filter?.orderNumber || filter?.search?.trim()) qb.join('t.order', 'o').join('o.customer', 'c');
    if (filter?.status?.length) qb.andWhere({ status: { $in: filter.status } });
    if (filter?.reasonCode) qb.andWhere('t.reason_id = (select id from termination_reason where code = ?)', [filter.reasonCode]);
    if (filter?.orderNumber) qb.andWhere('o.number = ?', [filter.orderNumber.trim()]);
    if (filter?.search?.trim()) {
      const p = likePattern(filter.search.trim());
      qb.andWhere('(t.number ilike ? or o.number ilike ? or c.name ilike ?)', [p, p, p]);
    }
    if (filter?.pendingDepartment) {
      qb.andWhere(`exists (select 1 from approval_step s where s.termination_id = t.id and s.status = 'PENDING' and s.department = ?)`, [
        filter.pendingDepartment,
      ]);
    }
    if (filter?.mine && ctx.actor?.kind === 'user') qb.andWhere({ requestedBy: ctx.actor.userId });
    if (filter?.bulkRunId) qb.andWhere({ bulkRunId: parseId(filter.bulkRunId, 'bulkRunId') });
    if (filter?.overdue) {
      qb.andWhere(`exists (select 1 from approval_step s where s.termination_id = t.id and s.status = 'PENDING' and s.due_at < now())`);
    }
    if (filter?.effectiveFrom) qb.andWhere({ effectiveAt: { $gte: filter.effectiveFrom } });
    if (filter?.effectiveTo) qb.andWhere({ effectiveAt: { $lt: filter.effectiveTo } });
    const counter = qb.clone();
    if (page.after) qb.andWhere('(t.created_at, t.id) < (?::timestamptz, ?)', page.after);
    qb.select('t.*')
      .orderBy({ createdAt: 'desc', id: 'desc' })
      .limit(page.limit + 1);
    const rows = await this.pageWithRelations(ctx, qb.getKnexQuery().toSQL(), new Set(populate), impactFields);
    return toConnection(
      rows,
      page,
      () => counter.getCount('t.id'),
      (t) => t.createdAt.toISOString(),
    );
  }

  private async pageWithRelations(
    ctx: RequestContext,
    page: { sql: string; bindings: readonly unknown[] },
    populate: Set<string>,
    impactFields: readonly string[] | null,
  ): Promise<Termination[]> {
    const product = populate.has('order.lines.product');
    const lines = populate.has('order.lines') || product;
    const customer = populate.has('order.customer');
    const order = populate.has('order') || lines || customer;
    const lineJson = `json_build_object('l', row_to_json(l)${product ? `, 'p', (select row_to_json(p) from product p where p.id = l.product_id)` : ''})`;
    const orderJson = `json_build_object('o', row_to_json(o)${customer ? `, 'c', (select row_to_json(c) from customer c where c.id = o.customer_id)` : ''}${
      lines
        ? `, 'lines', (select coalesce(json_agg(${lineJson} order by l.line_no), '[]') from sales_order_line l where l.order_id = o.id)`
        : ''
    })`;
    // The impact snapshot is large: only the keys the query reads (and computedAt) when it says which.
    const terminationJson = impactFields
      ? `to_jsonb(t) - 'impact' || jsonb_build_object('impact', (select coalesce(jsonb_object_agg(e.key, e.value), '{}') from jsonb_each(t.impact) e where e.key = any(string_to_array(?, ','))))`
      : 'row_to_json(t)';
    const columns = [
      `${terminationJson} as t`,
      order ? `(select ${orderJson} from sales_order o where o.id = t.order_id) as o` : null,
      populate.has('reason') ? '(select row_to_json(r) from termination_reason r where r.id = t.reason_id) as r' : null,
      populate.has('requestedBy') ? `(select to_jsonb(u) - 'password_hash' from app_user u where u.id = t.requested_by_id) as u` : null,
      populate.has('approvalSteps')
        ? `(select coalesce(json_agg(row_to_json(s) order by s.stage, s.department), '[]') from approval_step s where s.termination_id = t.id) as s`
        : null,
    ].filter(Boolean);
    const statement = `select ${columns.join(', ')} from (${page.sql}) t order by t.created_at desc, t.id desc`;
    const bindings = impactFields ? [[...impactFields, 'computedAt'].join(','), ...page.bindings] : [...page.bindings];
    type Json = Record<string, unknown>;
    const result = await ctx.em.getConnection().execute<{ t: Json; o?: Json; r?: Json; u?: Json; s?: Json[] }[]>(statement, bindings);
    const { em } = ctx;
    const asTermination = readModel(em, Termination);
    const asOrder = readModel(em, SalesOrder);
    const asCustomer = readModel(em, Customer);
    const asLine = readModel(em, SalesOrderLine);
    const asProduct = readModel(em, Product);
    const asReason = readModel(em, TerminationReason);
    const asUser = readModel(em, User);
    const asStep = readModel(em, ApprovalStep);
    return result.map((row) => {
      const t = asTermination(row.t) as Termination & Record<string, unknown>;
      if (row.o) {
        const o = asOrder(row.o.o as Json) as SalesOrder & Record<string, unknown>;
        if (row.o.c) o.customer = asCustomer(row.o.c as Json);
        if (row.o.lines) {
          o.lines = (row.o.lines as { l: Json; p?: Json }[]).map((x) => {
            const line = asLine(x.l);
            if (x.p) line.product = asProduct(x.p);
            return line;
          }) as never;
        }
        t.order = o;
      }
      if (row.r) t.reason = asReason(row.r);
      if (row.u) t.requestedBy = asUser(row.u);
      if (row.s) t.approvalSteps = row.s.map(asStep) as never;
      return t;
    });
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

  private async nextNumber(scope: TransactionScope): Promise<string> {
    const [row] = await scope.em
      .getConnection()
      .execute<{ n: string }[]>(`select nextval('termination_number_seq') as n`, [], 'all', scope.em.getTransactionContext());
    return `TR-${new Date().getFullYear()}-${String(row!.n).padStart(6, '0')}`;
  }

  private async replayed(ctx: RequestContext, stored: Record<string, unknown>) {
    const termination = await ctx.em.fork().findOneOrFail(Termination, { id: String(stored.terminationId) });
    return { termination, replayed: true };
  }
}

import { allowedEvents } from '@ot/shared';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { loaded, loadedItems } from '../../common/loaders.js';
import { selectedPaths } from '../../common/selection.js';
import { CustomerNotice, toCustomerNotice } from '../notification/customer-notice.js';
import { MailMessage } from '../notification/mail-message.entity.js';
import type { RequestContext } from '../../kernel/context.js';
import { limitLength } from '../../common/errors.js';
import { ApprovalStep } from '../approval/approval-step.entity.js';
import { AuditEvent } from '../../kernel/audit-event.entity.js';
import { CustomerConfirmation } from '../confirmation/customer-confirmation.entity.js';
import { FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import { User } from '../identity/user.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import { Settlement } from '../settlement/settlement.entity.js';
import {
  AppliedPurchaseOrderChange,
  CancellationFeeAdjustment,
  ImpactIssue,
  PurchaseOrderAction,
  TerminationImpact,
  TerminationImpactInput,
} from './impact.types.js';
import { TerminationLine } from './termination-line.entity.js';
import { TerminationReason } from './termination-reason.entity.js';
import { Termination } from './termination.entity.js';
import { selectionBelow } from './termination-page.js';
import {
  AdjustCancellationFeeInput,
  AdjustCancellationFeeResult,
  RetryTerminationEffectResult,
  SubmitTerminationInput,
  SubmitTerminationResult,
  TerminationConnection,
  TerminationFilter,
  TerminationImpactResult,
  WithdrawTerminationInput,
  WithdrawTerminationResult,
} from './termination.types.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';

@Resolver(() => Termination)
export class TerminationResolver {
  @Authorized('terminations:read')
  @Query(() => TerminationImpactResult, { description: 'Dry run: what terminating would do. Changes nothing.' })
  terminationImpact(@Ctx() ctx: RequestContext, @Arg('input', () => TerminationImpactInput) input: TerminationImpactInput) {
    return ctx.services.terminations.impact(ctx, input);
  }

  @Authorized('terminations:read')
  @Query(() => TerminationConnection, { description: 'Newest first' })
  terminations(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => TerminationFilter, { nullable: true }) filter: TerminationFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.terminations.list(ctx, filter, first, after, selectionBelow(selectedPaths(info), 'edges.node'));
  }

  @Authorized('terminations:read')
  @Query(() => Termination, { nullable: true })
  termination(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('number', () => String, { nullable: true }) number: string | null,
  ) {
    return ctx.services.terminations.get(ctx, id, number ? limitLength(number, 40, 'number') : null);
  }

  @Authorized('terminations:submit')
  @Mutation(() => SubmitTerminationResult)
  submitTermination(@Ctx() ctx: RequestContext, @Arg('input', () => SubmitTerminationInput) input: SubmitTerminationInput) {
    return ctx.services.terminations.submit(ctx, input);
  }

  @Authorized('terminations:write')
  @Mutation(() => WithdrawTerminationResult, { description: 'By the requester or an admin, while not yet effective' })
  withdrawTermination(@Ctx() ctx: RequestContext, @Arg('input', () => WithdrawTerminationInput) input: WithdrawTerminationInput) {
    return ctx.services.terminations.withdraw(ctx, input);
  }

  @Authorized('terminations:write')
  @Mutation(() => RetryTerminationEffectResult, { description: 'Try again to take effect after a blocker stopped it' })
  retryTerminationEffect(
    @Ctx() ctx: RequestContext,
    @Arg('terminationId', () => ID) terminationId: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
  ) {
    return ctx.services.terminations.retryEffect(ctx, terminationId, idempotencyKey);
  }

  @Authorized('approvals:decide')
  @Mutation(() => AdjustCancellationFeeResult, {
    description: 'The head of finance adjusts or waives (amount "0") the cancellation fee before the effect',
  })
  adjustCancellationFee(@Ctx() ctx: RequestContext, @Arg('input', () => AdjustCancellationFeeInput) input: AdjustCancellationFeeInput) {
    return ctx.services.feeAdjustments.adjust(ctx, input);
  }

  @FieldResolver(() => CancellationFeeAdjustment, { nullable: true, description: "Finance's fee adjustment, if any" })
  feeAdjustment(@Root() t: Termination): CancellationFeeAdjustment | null {
    const a = t.feeAdjustment;
    if (!a) return null;
    return {
      amount: a.amount,
      previousAmount: a.previousAmount,
      contractFee: a.contractFee,
      reason: a.reason,
      adjustedByName: a.actorName,
      adjustedAt: new Date(a.at),
    };
  }

  @FieldResolver(() => [AppliedPurchaseOrderChange], {
    description: 'What the effect actually did to purchase orders (empty before the effect)',
  })
  appliedPurchaseOrderChanges(@Root() t: Termination): AppliedPurchaseOrderChange[] {
    return (t.appliedPurchaseOrderChanges ?? []).map((p) => ({
      purchaseOrderNumber: p.number,
      supplierName: p.supplierName,
      action: p.action === 'CANCEL' ? PurchaseOrderAction.CANCEL : PurchaseOrderAction.REDUCE,
      statusBefore: p.statusBefore,
      statusAfter: p.statusAfter,
      lines: p.lines.map((l) => ({
        sku: l.sku,
        quantityBefore: l.quantityBefore,
        quantityCancelled: l.quantityCancelled,
        quantityAfter: l.quantityAfter,
      })),
    }));
  }

  @FieldResolver(() => SalesOrder)
  order(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    return loaded(t.order) ?? ctx.loaders.one(SalesOrder, t.order.id);
  }

  @FieldResolver(() => TerminationReason)
  reason(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    return loaded(t.reason) ?? ctx.loaders.one(TerminationReason, t.reason.id);
  }

  @FieldResolver(() => User)
  requestedBy(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    return loaded(t.requestedBy) ?? ctx.loaders.one(User, t.requestedBy.id);
  }

  @FieldResolver(() => [TerminationLine])
  lines(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(TerminationLine, 'termination', t.id);
  }

  @FieldResolver(() => TerminationImpact, { description: 'Snapshot taken at submission' })
  impact(@Root() t: Termination) {
    // Snapshots from before fees by fault lack these keys; their fee was charged as if buyer-caused.
    const i = t.impact;
    return {
      ...i,
      fault: i.fault ?? 'BUYER',
      contractFee: i.contractFee ?? i.cancellationFee,
      feeAdjusted: i.feeAdjusted ?? false,
      computedAt: new Date(i.computedAt),
    };
  }

  @FieldResolver(() => [ApprovalStep])
  approvalSteps(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    return loadedItems(t.approvalSteps) ?? ctx.loaders.children(ApprovalStep, 'termination', t.id, { stage: 'asc', department: 'asc' });
  }

  @FieldResolver(() => CustomerConfirmation, { nullable: true, description: 'The latest link sent, if any' })
  async customerConfirmation(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    const all = await ctx.loaders.children(CustomerConfirmation, 'termination', t.id, { sentAt: 'asc' });
    return all.at(-1) ?? null;
  }

  @FieldResolver(() => Settlement, { nullable: true })
  async settlement(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    const [settlement] = await ctx.loaders.children(Settlement, 'termination', t.id);
    return settlement ?? null;
  }

  @FieldResolver(() => [FollowUpTask])
  followUpTasks(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(FollowUpTask, 'termination', t.id, { dueAt: 'asc' });
  }

  @FieldResolver(() => [AuditEvent], { description: 'Oldest first' })
  auditTrail(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(AuditEvent, 'terminationId', t.id, { createdAt: 'asc', seq: 'asc' });
  }

  @FieldResolver(() => [CustomerNotice], { description: 'Every message to the customer about this termination, oldest first' })
  async customerNotices(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    const mails = await ctx.loaders.children(MailMessage, 'terminationId', t.id, { createdAt: 'asc' });
    return mails.filter((m) => m.noticeKind).map(toCustomerNotice);
  }

  @FieldResolver(() => [ImpactIssue], { description: 'Why the last attempt to take effect was refused' })
  effectBlockers(@Root() t: Termination) {
    return (t.effectBlockers ?? []).map((b) => ({ ...b, subject: b.subject ?? null }));
  }

  @FieldResolver(() => [String], { description: 'Lifecycle events possible from the current status' })
  allowedEvents(@Root() t: Termination) {
    return allowedEvents(t.status);
  }
}

@Resolver(() => TerminationLine)
export class TerminationLineResolver {
  @FieldResolver(() => SalesOrderLine)
  orderLine(@Root() line: TerminationLine, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(SalesOrderLine, line.salesOrderLine.id);
  }
}

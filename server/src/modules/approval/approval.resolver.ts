import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { limitLength } from '../../common/errors.js';
import { User } from '../identity/user.entity.js';
import { Termination } from '../termination/termination.entity.js';
import { ApprovalStep } from './approval-step.entity.js';
import { DepartmentImpact, departmentImpact } from './department-impact.js';
import {
  ApprovalBoard,
  ApprovalBoardCardConnection,
  ApprovalBoardFilter,
  DecideApprovalInput,
  DecideApprovalResult,
} from './approval.types.js';

@Resolver(() => ApprovalStep)
export class ApprovalResolver {
  @Authorized('terminations:read')
  @Query(() => ApprovalBoard, { description: 'Pending steps of a department, with recent decisions' })
  approvalBoard(
    @Ctx() ctx: RequestContext,
    @Arg('department', () => String) department: string,
    @Arg('bulkRunId', () => ID, { nullable: true, description: 'Only cards of one bulk run' }) bulkRunId: string | null,
  ) {
    return ctx.services.approvals.board(ctx, limitLength(department, 32, 'department'), bulkRunId);
  }

  @Authorized('terminations:read')
  @Query(() => ApprovalBoardCardConnection, { description: "A page of a department's pending cards, soonest due first" })
  approvalBoardCards(
    @Ctx() ctx: RequestContext,
    @Arg('department', () => String) department: string,
    @Arg('filter', () => ApprovalBoardFilter, { nullable: true }) filter: ApprovalBoardFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.approvals.cards(ctx, limitLength(department, 32, 'department'), filter, first, after);
  }

  // Staff who may write (heads, clerks, admins) reach the per-step check: a clerk may be a head's deputy (approval-deputies.ts).
  @Authorized('terminations:write')
  @Mutation(() => DecideApprovalResult)
  decideApproval(@Ctx() ctx: RequestContext, @Arg('input', () => DecideApprovalInput) input: DecideApprovalInput) {
    return ctx.services.approvals.decide(ctx, input);
  }

  @FieldResolver(() => Termination)
  termination(@Root() step: ApprovalStep, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(Termination, step.termination.id);
  }

  @FieldResolver(() => DepartmentImpact, { description: "This step's department's own part of the termination's impact" })
  async departmentImpact(@Root() step: ApprovalStep, @Ctx() ctx: RequestContext) {
    const t = await ctx.loaders.one(Termination, step.termination.id);
    return departmentImpact(step.department, t!.impact);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The head a deputy decided for; null when the head or an admin decided' })
  onBehalfOf(@Root() step: ApprovalStep, @Ctx() ctx: RequestContext) {
    return step.onBehalfOf ? ctx.loaders.one(User, step.onBehalfOf.id) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  decidedBy(@Root() step: ApprovalStep, @Ctx() ctx: RequestContext) {
    return step.decidedBy ? ctx.loaders.one(User, step.decidedBy.id) : null;
  }
}

import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { limitLength } from '../../common/errors.js';
import { User } from '../identity/user.entity.js';
import { ApprovalDeputy } from './approval-deputy.entity.js';
import { ClearApprovalDeputyResult, SetApprovalDeputyInput, SetApprovalDeputyResult } from './approval-deputy.types.js';

@Resolver(() => ApprovalDeputy)
export class ApprovalDeputyResolver {
  @Authorized('terminations:read')
  @Query(() => [ApprovalDeputy], {
    description: 'Deputies for approvals not over yet (yours, your department’s; all for admins and auditors)',
  })
  approvalDeputies(
    @Ctx() ctx: RequestContext,
    @Arg('department', () => String, { nullable: true }) department: string | null,
    @Arg('includeEnded', () => Boolean, { nullable: true, description: 'Also cleared and past ones (at most 200)' })
    includeEnded: boolean | null,
  ) {
    return ctx.services.approvalDeputies.list(ctx, department ? limitLength(department, 32, 'department') : null, includeEnded ?? false);
  }

  @Authorized('approvals:decide')
  @Query(() => [User], { description: 'Whom a head may name as deputy: active clerks and heads, not the caller' })
  deputyCandidates(@Ctx() ctx: RequestContext) {
    return ctx.services.approvalDeputies.candidates(ctx);
  }

  @Authorized('approvals:decide')
  @Mutation(() => SetApprovalDeputyResult, { description: 'A head names who decides their department’s steps during [from, to)' })
  setApprovalDeputy(@Ctx() ctx: RequestContext, @Arg('input', () => SetApprovalDeputyInput) input: SetApprovalDeputyInput) {
    return ctx.services.approvalDeputies.set(ctx, input);
  }

  @Authorized('approvals:decide')
  @Mutation(() => ClearApprovalDeputyResult, { description: 'Withdraws a deputyship before its end' })
  clearApprovalDeputy(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return ctx.services.approvalDeputies.clear(ctx, id);
  }

  @FieldResolver(() => User)
  head(@Root() row: ApprovalDeputy, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(User, row.head.id);
  }

  @FieldResolver(() => User)
  deputy(@Root() row: ApprovalDeputy, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(User, row.deputy.id);
  }
}

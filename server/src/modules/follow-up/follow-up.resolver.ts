import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { User } from '../identity/user.entity.js';
import { Termination } from '../termination/termination.entity.js';
import { FollowUpTask } from './follow-up-task.entity.js';
import { CompleteFollowUpTaskInput, CompleteFollowUpTaskResult, FollowUpTaskConnection, FollowUpTaskFilter } from './follow-up.types.js';

@Resolver(() => FollowUpTask)
export class FollowUpResolver {
  @Authorized('terminations:read')
  @Query(() => FollowUpTaskConnection, { description: 'Follow-up tasks, soonest due first' })
  followUpTasks(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => FollowUpTaskFilter, { nullable: true }) filter: FollowUpTaskFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.followUps.list(ctx, filter, first, after);
  }

  @Authorized('followups:complete')
  @Mutation(() => CompleteFollowUpTaskResult)
  completeFollowUpTask(@Ctx() ctx: RequestContext, @Arg('input', () => CompleteFollowUpTaskInput) input: CompleteFollowUpTaskInput) {
    return ctx.services.followUps.complete(ctx, input);
  }

  @FieldResolver(() => Termination)
  termination(@Root() task: FollowUpTask, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(Termination, task.termination.id);
  }

  @FieldResolver(() => User, { nullable: true })
  completedBy(@Root() task: FollowUpTask, @Ctx() ctx: RequestContext) {
    return task.completedBy ? ctx.loaders.one(User, task.completedBy.id) : null;
  }
}

import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { User } from '../identity/user.entity.js';
import { Termination } from '../termination/termination.entity.js';
import { FollowUpTask } from './follow-up-task.entity.js';
import { renderLineParts, renderLines, storedParts } from '../notification/messages.js';
import { readerLanguage } from '../notification/reader-language.js';
import {
  AssignFollowUpTaskInput,
  AssignFollowUpTaskResult,
  CompleteFollowUpTaskInput,
  CompleteFollowUpTaskResult,
  FollowUpTaskConnection,
  FollowUpTaskFilter,
} from './follow-up.types.js';

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

  @Authorized('terminations:read')
  @Query(() => [FollowUpTask], {
    description:
      'Tasks assigned to me: open ones soonest due first, then those I finished lately; the top `limit` (at most 100), not a paged list',
  })
  myFollowUpTasks(@Ctx() ctx: RequestContext, @Arg('limit', () => Int, { nullable: true, defaultValue: 20 }) limit: number) {
    return ctx.services.followUps.mine(ctx, limit);
  }

  // Staff who write (clerks, heads, admins); which task and whom is the per-task rule (guardAssignFollowUp).
  @Authorized('terminations:write')
  @Mutation(() => AssignFollowUpTaskResult)
  assignFollowUpTask(@Ctx() ctx: RequestContext, @Arg('input', () => AssignFollowUpTaskInput) input: AssignFollowUpTaskInput) {
    return ctx.services.followUps.assign(ctx, input);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who owns the task; null while unassigned' })
  assignee(@Root() task: FollowUpTask, @Ctx() ctx: RequestContext) {
    return task.assignee ? ctx.loaders.one(User, task.assignee.id) : null;
  }

  @FieldResolver(() => Termination)
  termination(@Root() task: FollowUpTask, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(Termination, task.termination.id);
  }

  @FieldResolver(() => User, { nullable: true })
  completedBy(@Root() task: FollowUpTask, @Ctx() ctx: RequestContext) {
    return task.completedBy ? ctx.loaders.one(User, task.completedBy.id) : null;
  }

  @FieldResolver(() => String, { description: 'Exactly what to do (which POs, which stock, which amounts), in the reader’s language' })
  async instructions(@Root() task: FollowUpTask, @Ctx() ctx: RequestContext) {
    return task.instructionLines ? renderLines(task.instructionLines, await readerLanguage(ctx)) : task.instructions;
  }

  @FieldResolver(() => [String], { description: '`instructions` in parts: ours at even positions, data (names) at odd ones' })
  async instructionParts(@Root() task: FollowUpTask, @Ctx() ctx: RequestContext) {
    return task.instructionLines ? renderLineParts(task.instructionLines, await readerLanguage(ctx)) : storedParts(task.instructions);
  }
}

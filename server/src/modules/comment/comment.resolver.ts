import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { TOPICS, type CommentChangedEvent } from '../../kernel/live-events.js';
import { forbidden, parseId, unauthenticated } from '../../common/errors.js';
import { User } from '../identity/user.entity.js';
import { maySubscribe } from '../live/live-access.js';
import { Termination } from '../termination/termination.entity.js';
import { mayReadTermination } from '../termination/termination-policy.js';
import { COMMENT_RULES } from './comment-rules.js';
import {
  AddTerminationCommentInput,
  AddTerminationCommentResult,
  CommentMentionCandidates,
  CommentMentionsView,
  EditTerminationCommentInput,
  EditTerminationCommentResult,
  TerminationCommentEvent,
} from './comment.types.js';
import { TerminationComment, TerminationCommentVersion } from './termination-comment.entity.js';

/** Live comments: readers of terminations who may follow live events; re-checked for every comment. */
function commentStream({ args, context }: { args: Record<string, unknown>; context: RequestContext }) {
  if (!context.actor) throw unauthenticated();
  if (!maySubscribe(context.actor) || !mayReadTermination(context.actor)) {
    throw forbidden('Following comments needs read access to terminations (API keys: also events:subscribe).');
  }
  const terminationId = parseId(args.terminationId as string, 'terminationId');
  return context.services.events.subscribe<CommentChangedEvent>(
    TOPICS.terminationCommentChanged,
    (e) => e.terminationId === terminationId && mayReadTermination(context.actor),
  );
}

@Resolver(() => TerminationComment)
export class CommentResolver {
  @Authorized('terminations:read')
  @Mutation(() => AddTerminationCommentResult, { description: 'Writes in a termination’s thread; @mentions notify those named' })
  addTerminationComment(@Ctx() ctx: RequestContext, @Arg('input', () => AddTerminationCommentInput) input: AddTerminationCommentInput) {
    return ctx.services.comments.add(ctx, input);
  }

  @Authorized('terminations:read')
  @Mutation(() => EditTerminationCommentResult, { description: 'Its author corrects a comment within 5 minutes of writing it' })
  editTerminationComment(@Ctx() ctx: RequestContext, @Arg('input', () => EditTerminationCommentInput) input: EditTerminationCommentInput) {
    return ctx.services.comments.edit(ctx, input);
  }

  @Authorized('terminations:read')
  @Query(() => CommentMentionCandidates, { description: 'Whom a comment can @mention: active users and departments' })
  commentMentionCandidates(@Ctx() ctx: RequestContext) {
    return ctx.services.comments.mentionCandidates(ctx);
  }

  @Subscription(() => TerminationCommentEvent, {
    subscribe: commentStream,
    description: 'Comments written or edited in one termination’s thread',
  })
  terminationCommentAdded(@Root() event: CommentChangedEvent, @Arg('terminationId', () => ID) _terminationId: string): CommentChangedEvent {
    return event;
  }

  @FieldResolver(() => User)
  author(@Root() c: TerminationComment, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(User, c.author.id);
  }

  @FieldResolver(() => CommentMentionsView, { description: 'Whom the current text mentions (as resolved when written)' })
  mentions(@Root() c: TerminationComment): CommentMentionsView {
    return c.mentions;
  }

  @FieldResolver(() => [ID], { description: 'Files of the termination the comment refers to' })
  attachmentIds(@Root() c: TerminationComment): string[] {
    return c.attachmentIds;
  }

  @FieldResolver(() => [TerminationCommentVersion], { description: 'Earlier versions, oldest first (empty when never edited)' })
  history(@Root() c: TerminationComment): TerminationCommentVersion[] {
    return c.history.map((v) => ({ version: v.version, body: v.body, at: new Date(v.at) }));
  }

  @FieldResolver(() => Date, { description: 'Until when its author may edit it' })
  editableUntil(@Root() c: TerminationComment): Date {
    return new Date(c.createdAt.getTime() + COMMENT_RULES.editWindowMs);
  }
}

@Resolver(() => Termination)
export class TerminationCommentsResolver {
  @FieldResolver(() => [TerminationComment], { description: 'Its comment thread, oldest first' })
  comments(@Root() t: Termination, @Ctx() ctx: RequestContext): Promise<TerminationComment[]> {
    return ctx.loaders.children(TerminationComment, 'termination', t.id);
  }
}

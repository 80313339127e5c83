import { LockMode } from '@mikro-orm/core';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError, refuse, ValidationError } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { mutation, type MutationScope } from '../../kernel/mutation.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { Attachment } from '../attachment/attachment.entity.js';
import { Department } from '../identity/department.entity.js';
import { User } from '../identity/user.entity.js';
import { Termination } from '../termination/termination.entity.js';
import { loadMentionDirectory, mentionCount, mentionsAdded, parseMentions } from './comment-mentions.js';
import { COMMENT_RULES, commentBody, guardComment, guardEdit } from './comment-rules.js';
import type { AddTerminationCommentInput, EditTerminationCommentInput } from './comment.types.js';
import './comment.events.js';
import { TerminationComment } from './termination-comment.entity.js';

const subjectOf = (t: Termination, commentId: string) => ({
  termination: { id: t.id, number: t.number, status: t.status },
  entity: { type: 'TerminationComment', id: commentId },
});

/** The comment a repeated request (same idempotency key) wrote the first time, or null when it is new. */
async function replayedComment(scope: MutationScope): Promise<TerminationComment | null> {
  const replay = await scope.replayed();
  return replay ? scope.em.findOneOrFail(TerminationComment, { id: replay.commentId as string }) : null;
}

/**
 * A termination's comment thread: writing, editing within the window (comment-rules.ts), and
 * the mentions of each version (comment-mentions.ts). Every version is recorded as an audited
 * event; the notices of mentions and the live thread are the events' subscribers'.
 */
export class CommentService {
  async add(ctx: RequestContext, input: AddTerminationCommentInput) {
    return mutation(ctx, 'addTerminationComment', input, async (m) => {
      const author = guardComment(ctx.actor);
      const terminationId = parseId(input.terminationId, 'terminationId');
      const body = commentBody(input.body);
      const attachmentIds = [...new Set((input.attachmentIds ?? []).map((id) => parseId(id, 'attachmentIds')))];
      if (attachmentIds.length > COMMENT_RULES.maxAttachments) {
        refuse(InputError, 'VALIDATION_FAILED', `A comment may refer to at most ${COMMENT_RULES.maxAttachments} files.`, {
          field: 'attachmentIds',
        });
      }
      return m.transaction(async (scope) => {
        const replayed = await replayedComment(scope);
        if (replayed) return { comment: replayed };
        const t = await scope.em.findOne(Termination, { id: terminationId });
        if (!t) refuse(NotFoundError, 'NOT_FOUND', 'There is no such termination.');
        if (attachmentIds.length) {
          const found = await scope.em.count(Attachment, { id: { $in: attachmentIds }, termination: t.id });
          if (found !== attachmentIds.length) {
            refuse(ValidationError, 'VALIDATION_FAILED', 'A comment may refer only to files attached to this termination.');
          }
        }
        const mentions = await mentionsOf(scope, body);
        const comment = scope.em.create(TerminationComment, {
          termination: t,
          author: scope.em.getReference(User, author.userId),
          body,
          attachmentIds,
          mentions,
        });
        await scope.record(
          'termination.comment_added',
          { commentId: comment.id, version: 1, body, mentions, attachmentIds },
          subjectOf(t, comment.id),
        );
        await scope.remember({ commentId: comment.id });
        return { comment };
      });
    });
  }

  /** The author corrects a comment within the window; the earlier text stays in the history. */
  async edit(ctx: RequestContext, input: EditTerminationCommentInput) {
    return mutation(ctx, 'editTerminationComment', input, async (m) => {
      const author = guardComment(ctx.actor);
      const commentId = parseId(input.commentId, 'commentId');
      const body = commentBody(input.body);
      return m.transaction(async (scope) => {
        const replayed = await replayedComment(scope);
        if (replayed) return { comment: replayed };
        // Two edits at once (two tabs) are told apart by their versions, one after the other.
        const comment = await scope.em.findOne(TerminationComment, { id: commentId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!comment) refuse(NotFoundError, 'NOT_FOUND', 'There is no such comment.');
        const now = new Date();
        guardEdit(author, comment, now);
        if (body === comment.body) refuse(ValidationError, 'VALIDATION_FAILED', 'The text is unchanged.');
        const t = await scope.em.findOneOrFail(Termination, { id: comment.termination.id });
        const mentions = await mentionsOf(scope, body);
        const newlyMentioned = mentionsAdded(comment.mentions, mentions);
        const previousBody = comment.body;
        comment.history = [
          ...comment.history,
          { version: comment.version, body: previousBody, at: (comment.editedAt ?? comment.createdAt).toISOString() },
        ];
        comment.version += 1;
        comment.body = body;
        comment.editedAt = now;
        comment.mentions = mentions;
        await scope.record(
          'termination.comment_edited',
          { commentId: comment.id, version: comment.version, body, previousBody, mentions, newlyMentioned },
          subjectOf(t, comment.id),
        );
        await scope.remember({ commentId: comment.id });
        return { comment };
      });
    });
  }

  /** Whom the composer suggests: active users and departments (at most 500 users). */
  async mentionCandidates(ctx: RequestContext) {
    const [users, departments] = await Promise.all([
      ctx.em.find(User, { active: true }, { orderBy: { name: 'asc', id: 'asc' }, limit: 500 }),
      ctx.em.find(Department, { active: true }, { orderBy: { code: 'asc' } }),
    ]);
    return { users, departments };
  }
}

async function mentionsOf(scope: TransactionScope, body: string) {
  // Nothing to resolve without an '@': the directory is not read.
  if (!body.includes('@')) return { users: [], departments: [] };
  const mentions = parseMentions(body, await loadMentionDirectory(scope.em));
  if (mentionCount(mentions) > COMMENT_RULES.maxMentions) {
    refuse(ValidationError, 'VALIDATION_FAILED', `A comment may mention at most ${COMMENT_RULES.maxMentions} people and departments.`);
  }
  return mentions;
}

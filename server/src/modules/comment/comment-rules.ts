import type { Actor, UserActor } from '../../kernel/actor.js';
import { errorType } from '../../common/error-result.js';
import { ForbiddenActionError, InputError, refuse } from '../../common/business-errors.js';
import { mayReadTermination } from '../termination/termination-policy.js';

/** The rules of comments on a termination, in one place. */
export const COMMENT_RULES = {
  maxBodyLength: 4000,
  /** The author may correct a comment this long after writing it; later it stands as written. */
  editWindowMs: 5 * 60_000,
  maxAttachments: 10,
  /** People and departments one comment may name (a comment is not a mailing list). */
  maxMentions: 20,
} as const;

export const CommentEditWindowClosedError = errorType(
  'CommentEditWindowClosedError',
  'A comment can be edited only within 5 minutes of writing it.',
);

/**
 * Who may write in a termination's thread: whoever may read the termination (the same check as
 * the `termination` query) and writes terminations, so auditors only read. Comments have an
 * author, so partner keys read threads but do not write in them.
 */
export function guardComment(actor: Actor | null): UserActor {
  if (!mayReadTermination(actor) || actor?.kind !== 'user' || !actor.permissions.has('terminations:write')) {
    refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only staff who work on terminations may comment (auditors and API keys read only).');
  }
  return actor;
}

/** Editing: the author alone, within the window after writing. */
export function guardEdit(actor: UserActor, comment: { author: { id: string }; createdAt: Date }, now: Date): void {
  if (comment.author.id !== actor.userId) refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only its author may edit a comment.');
  if (now.getTime() - comment.createdAt.getTime() > COMMENT_RULES.editWindowMs) {
    refuse(
      CommentEditWindowClosedError,
      'INVALID_TRANSITION',
      'This comment can no longer be edited (only within 5 minutes of writing it).',
    );
  }
}

/** Control characters other than line breaks and tabs, and lone UTF-16 surrogates: text no one types. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The text as stored: trimmed, not empty, not too long, printable. */
export function commentBody(raw: string): string {
  if (typeof raw !== 'string') refuse(InputError, 'VALIDATION_FAILED', 'Write a comment.', { field: 'body' });
  const body = raw.trim();
  if (!body) refuse(InputError, 'VALIDATION_FAILED', 'Write a comment (it is empty).', { field: 'body' });
  if (body.length > COMMENT_RULES.maxBodyLength) {
    refuse(InputError, 'VALIDATION_FAILED', `A comment may be at most ${COMMENT_RULES.maxBodyLength} characters.`, { field: 'body' });
  }
  if (UNPRINTABLE.test(body))
    refuse(InputError, 'VALIDATION_FAILED', 'The comment contains characters that cannot be shown.', { field: 'body' });
  return body;
}

import type { DomainEvent, EventSubscriber } from '../../kernel/domain-events.js';
import type { EventPublisher } from '../../kernel/live-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { noticeSubscriber, terminationLink, terminationOf } from '../notification/notice-subscriber.js';
import { membersOf, type NotificationService } from '../notification/notification.service.js';
import { StaffMailKind } from '../notification/notification-preference.entity.js';
import type { StaffMailer } from '../notification/staff-mail.js';
import type { CommentMentions } from './comment.events.js';
import './comment.events.js';

type CommentEvent = DomainEvent<'termination.comment_added' | 'termination.comment_edited'>;

/** The first words of a comment, for a notice's one line. */
function excerpt(body: string): string {
  const line = body.replace(/\s+/g, ' ');
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

/** The users a mention reaches: those named, and every active member of the departments named; never the writer. */
async function reached(scope: TransactionScope, mentions: CommentMentions, writerId: string | null): Promise<string[]> {
  const members = await membersOf(scope.em, mentions.departments);
  const ids = new Set([...mentions.users.map((u) => u.userId), ...members.map((u) => u.id)]);
  if (writerId) ids.delete(writerId);
  return [...ids];
}

/**
 * Those a comment mentions hear of it in the app, and by e-mail when they opted in to
 * MENTIONED. An edit tells only those it newly mentions (nobody hears twice of one comment).
 */
export function commentNoticesSubscriber(notifications: NotificationService, mailer: StaffMailer): EventSubscriber {
  const notify = async (scope: TransactionScope, event: CommentEvent, mentions: CommentMentions) => {
    const writerId = event.actor?.kind === 'user' ? event.actor.userId : null;
    const userIds = await reached(scope, mentions, writerId);
    if (!userIds.length) return;
    const t = await terminationOf(scope, event);
    const { body } = event.data;
    await notifications.toUsers(scope, userIds, {
      kind: 'MENTIONED',
      params: { number: t.number, actor: event.actorName, excerpt: excerpt(body) },
      link: terminationLink(t),
      terminationId: t.id,
    });
    await mailer.send(scope, StaffMailKind.MENTIONED, { userIds }, () => ({
      terminationId: t.id,
      terminationNumber: t.number,
      zh: { subject: `${t.number} ${event.actorName} 在评论中提到了您`, lines: [`${event.actorName}：`, body], open: '打开终止单' },
      en: { subject: `${t.number} ${event.actorName} mentioned you`, lines: [`${event.actorName}:`, body], open: 'Open the termination' },
    }));
  };
  return noticeSubscriber('comment-notices', {
    'termination.comment_added': (scope, event) => notify(scope, event, event.data.mentions),
    'termination.comment_edited': (scope, event) => notify(scope, event, event.data.newlyMentioned),
  });
}

/** Open threads hear of new and edited comments once they have committed. */
export function commentLiveSubscriber(events: EventPublisher): EventSubscriber {
  return {
    name: 'comment-live',
    types: ['termination.comment_added', 'termination.comment_edited'],
    afterCommit(event) {
      const e = event as CommentEvent;
      if (!e.termination) return;
      events.comment({
        kind: e.type === 'termination.comment_added' ? 'ADDED' : 'EDITED',
        terminationId: e.termination.id,
        commentId: e.data.commentId,
        version: e.data.version,
        authorName: e.actorName,
        at: e.at.toISOString(),
      });
    },
  };
}

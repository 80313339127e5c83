import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventPublisher } from '../../kernel/live-events.js';
import type { RequestContext } from '../../kernel/context.js';
import { parseId } from '../../common/errors.js';
import { newestFirstPage, toConnection, type PageRequest } from '../../common/pagination.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { User } from '../identity/user.entity.js';
import type { Recipient } from '../approval/approval-deputies.js';
import { Notification } from './notification.entity.js';
import { asLanguage, renderNotice, type NoticeKey, type Params } from './messages.js';

/** A notice as a catalogue key (messages.ts, also its kind) with parameters; each reader sees it in their language. */
export interface NotificationInput {
  kind: NoticeKey;
  params: Params;
  link?: string | null;
  terminationId?: string | null;
}

/** In-app messages: stored in the transaction, pushed to subscribers after commit. */
export class NotificationService {
  constructor(private readonly events: EventPublisher) {}

  /** The signed-in user's notifications, newest first (API keys have none). */
  mine(ctx: RequestContext, unreadOnly: boolean, page: PageRequest) {
    if (ctx.actor?.kind !== 'user') return toConnection<Notification>([], page, 0, () => '');
    return newestFirstPage(ctx.em, Notification, { userId: ctx.actor.userId, ...(unreadOnly ? { readAt: null } : {}) }, page);
  }

  /** Marks some of my notifications read (at most 500 at once); returns how many changed. */
  async markRead(ctx: RequestContext, ids: string[]): Promise<number> {
    if (ctx.actor?.kind !== 'user') return 0;
    const parsed = ids.slice(0, 500).map((id) => parseId(id, 'ids'));
    return ctx.em.nativeUpdate(Notification, { id: { $in: parsed }, userId: ctx.actor.userId, readAt: null }, { readAt: new Date() });
  }

  async toUsers(scope: TransactionScope, userIds: string[], input: NotificationInput): Promise<void> {
    const ids = [...new Set(userIds)];
    if (!ids.length) return;
    const users = await scope.em.find(User, { id: { $in: ids } }, { fields: ['language'] });
    const languages = new Map(users.map((u) => [u.id, u.language]));
    this.toRecipients(
      scope,
      ids.map((id) => ({ id, language: languages.get(id) ?? null })),
      input,
    );
  }

  /** As toUsers, for callers that read the recipients' languages already (no statement: the rows go with the flush). */
  toRecipients(scope: TransactionScope, recipients: readonly Recipient[], input: NotificationInput): void {
    const seen = new Set<string>();
    for (const { id: userId, language } of recipients) {
      if (seen.has(userId)) continue;
      seen.add(userId);
      // The stored text is the recipient's rendering: what the live push shows, and a fallback.
      const text = renderNotice(input.kind, input.params, asLanguage(language));
      const n = scope.em.create(Notification, {
        userId,
        kind: input.kind,
        messageKey: input.kind,
        params: input.params,
        ...text,
        link: input.link ?? null,
        terminationId: input.terminationId ?? null,
      });
      scope.afterCommit(() =>
        this.events.notification({
          notificationId: n.id,
          userId,
          kind: n.kind,
          title: n.title,
          body: n.body,
          link: n.link ?? null,
          at: n.createdAt.toISOString(),
        }),
      );
    }
  }

  /** Everyone in the given departments (the departments a termination's impact names to notify). */
  async toDepartmentMembers(scope: TransactionScope, departments: readonly string[], input: NotificationInput): Promise<void> {
    const members = await membersOf(scope.em, departments);
    await this.toUsers(
      scope,
      members.map((u) => u.id),
      input,
    );
  }

  /** Heads of the given departments (and, for escalation, management). */
  async toDepartmentHeads(scope: TransactionScope, departments: string[], input: NotificationInput): Promise<void> {
    const heads = await headsOf(scope.em, departments);
    await this.toUsers(
      scope,
      heads.map((u) => u.id),
      input,
    );
  }
}

/** Every active member of the given departments. */
export async function membersOf(em: EntityManager, departments: readonly string[]): Promise<User[]> {
  if (!departments.length) return [];
  return em.find(User, { active: true, department: { code: { $in: [...departments] } } });
}

export async function headsOf(em: EntityManager, departments: string[]): Promise<User[]> {
  if (!departments.length) return [];
  return em.find(User, { role: 'DEPT_HEAD', active: true, department: { code: { $in: departments } } });
}

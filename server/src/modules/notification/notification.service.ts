import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventPublisher } from '../../app/events.js';
import type { TransactionScope } from '../../common/transaction.js';
import { User } from '../identity/user.entity.js';
import { Notification } from './notification.entity.js';

export interface NotificationInput {
  kind: string;
  title: string;
  body: string;
  link?: string | null;
  terminationId?: string | null;
}

/** In-app messages: stored in the transaction, pushed to subscribers after commit. */
export class NotificationService {
  constructor(private readonly events: EventPublisher) {}

  async toUsers(scope: TransactionScope, userIds: string[], input: NotificationInput): Promise<void> {
    for (const userId of new Set(userIds)) {
      const n = scope.em.create(Notification, { userId, ...input });
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

export async function headsOf(em: EntityManager, departments: string[]): Promise<User[]> {
  if (!departments.length) return [];
  return em.find(User, { role: 'DEPT_HEAD', active: true, department: { code: { $in: departments } } });
}

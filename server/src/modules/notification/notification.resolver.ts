import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../app/context.js';
import { limitLength, parseId } from '../../common/errors.js';
import { ConnectionType, pageRequest, toConnection } from '../../common/pagination.js';
import { MailMessage } from './mail-message.entity.js';
import { Notification } from './notification.entity.js';

const NotificationConnection = ConnectionType('Notification', Notification);
const MailMessageConnection = ConnectionType('MailMessage', MailMessage);

@Resolver()
export class NotificationResolver {
  @Authorized()
  @Query(() => NotificationConnection, { description: 'My in-app notifications, newest first' })
  async notifications(
    @Ctx() ctx: RequestContext,
    @Arg('unreadOnly', () => Boolean, { defaultValue: false }) unreadOnly: boolean,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = pageRequest(first, after);
    if (ctx.actor?.kind !== 'user') return toConnection([], page, 0, () => '');
    const where: Record<string, unknown> = { userId: ctx.actor.userId, ...(unreadOnly ? { readAt: null } : {}) };
    const totalCount = await ctx.em.count(Notification, where);
    if (page.after)
      where.$or = [{ createdAt: { $lt: new Date(page.after[0]) } }, { createdAt: new Date(page.after[0]), id: { $lt: page.after[1] } }];
    const rows = await ctx.em.find(Notification, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: page.limit + 1 });
    return toConnection(rows, page, totalCount, (n) => n.createdAt.toISOString());
  }

  @Authorized()
  @Mutation(() => Int, { description: 'Marks my notifications read; returns how many changed' })
  async markNotificationsRead(@Ctx() ctx: RequestContext, @Arg('ids', () => [ID]) ids: string[]) {
    if (ctx.actor?.kind !== 'user') return 0;
    const parsed = ids.slice(0, 500).map((id) => parseId(id, 'ids'));
    return ctx.em.nativeUpdate(Notification, { id: { $in: parsed }, userId: ctx.actor.userId, readAt: null }, { readAt: new Date() });
  }

  @Authorized('admin:manage')
  @Query(() => MailMessageConnection, { description: 'Admin: the outbox / dev mailbox, newest first' })
  async mailbox(
    @Ctx() ctx: RequestContext,
    @Arg('recipient', () => String, { nullable: true }) recipient: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = pageRequest(first, after);
    if (recipient) limitLength(recipient, 200, 'recipient');
    const where: Record<string, unknown> = recipient ? { recipient: { $ilike: `%${recipient.replace(/[\\%_]/g, '\\$&')}%` } } : {};
    const totalCount = await ctx.em.count(MailMessage, where);
    if (page.after)
      where.$or = [{ createdAt: { $lt: new Date(page.after[0]) } }, { createdAt: new Date(page.after[0]), id: { $lt: page.after[1] } }];
    const rows = await ctx.em.find(MailMessage, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: page.limit + 1 });
    return toConnection(rows, page, totalCount, (m) => m.createdAt.toISOString());
  }
}

import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { ConnectionType, pageRequest } from '../../common/pagination.js';
import { MailMessage } from './mail-message.entity.js';
import { Notification } from './notification.entity.js';
import { renderNotice, renderNoticeParts, storedParts } from './messages.js';
import { readerLanguage } from './reader-language.js';

const NotificationConnection = ConnectionType('Notification', Notification);
const MailMessageConnection = ConnectionType('MailMessage', MailMessage);

@Resolver(() => Notification)
export class NotificationResolver {
  @Authorized()
  @Query(() => NotificationConnection, { description: 'My in-app notifications, newest first' })
  notifications(
    @Ctx() ctx: RequestContext,
    @Arg('unreadOnly', () => Boolean, { defaultValue: false }) unreadOnly: boolean,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.notifications.mine(ctx, unreadOnly, pageRequest(first, after));
  }

  @Authorized()
  @Mutation(() => Int, { description: 'Marks my notifications read; returns how many changed' })
  markNotificationsRead(@Ctx() ctx: RequestContext, @Arg('ids', () => [ID]) ids: string[]) {
    return ctx.services.notifications.markRead(ctx, ids);
  }

  @Authorized('admin:manage')
  @Query(() => MailMessageConnection, { description: 'Admin: the outbox / dev mailbox, newest first' })
  mailbox(
    @Ctx() ctx: RequestContext,
    @Arg('recipient', () => String, { nullable: true }) recipient: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.mail.mailbox(ctx, recipient, pageRequest(first, after));
  }

  @FieldResolver(() => String, { description: 'In the reader’s language' })
  async title(@Root() n: Notification, @Ctx() ctx: RequestContext) {
    return n.messageKey ? renderNotice(n.messageKey, n.params, await readerLanguage(ctx)).title : n.title;
  }

  @FieldResolver(() => String, { description: 'In the reader’s language' })
  async body(@Root() n: Notification, @Ctx() ctx: RequestContext) {
    return n.messageKey ? renderNotice(n.messageKey, n.params, await readerLanguage(ctx)).body : n.body;
  }

  // Rows from before message keys keep their stored text, as one part of ours.
  @FieldResolver(() => [String], { description: '`title` in parts: ours at even positions, data (names, comments) at odd ones' })
  async titleParts(@Root() n: Notification, @Ctx() ctx: RequestContext) {
    return n.messageKey ? renderNoticeParts(n.messageKey, n.params, await readerLanguage(ctx)).title : storedParts(n.title);
  }

  @FieldResolver(() => [String], { description: '`body` in parts: ours at even positions, data (names, comments) at odd ones' })
  async bodyParts(@Root() n: Notification, @Ctx() ctx: RequestContext) {
    return n.messageKey ? renderNoticeParts(n.messageKey, n.params, await readerLanguage(ctx)).body : storedParts(n.body);
  }
}

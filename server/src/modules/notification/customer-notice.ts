import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, ID, ObjectType } from 'type-graphql';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { Termination } from '../termination/termination.entity.js';
import { MailMessage, MailStatus } from './mail-message.entity.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

/** Every kind of message the customer gets about a termination. */
export const CustomerNoticeKind = graphqlEnum('CustomerNoticeKind', [
  'CONFIRMATION_REQUEST',
  'CONFIRMATION_REMINDER',
  'EFFECTIVE_NOTICE',
  'DECLINE_ACKNOWLEDGEMENT',
]);
export type CustomerNoticeKind = EnumValue<typeof CustomerNoticeKind>;

export const NoticeChannel = graphqlEnum('NoticeChannel', ['EMAIL']);
export type NoticeChannel = EnumValue<typeof NoticeChannel>;

/** The SMTP Message-ID of an outbox row: stable, so a retried send is the same message to the receiving side. */
export function smtpMessageId(mailMessageId: string): string {
  return `<${mailMessageId}@order-termination.local>`;
}

/**
 * One message to the customer about a termination, on record: when, how, what, to whom, and
 * whether it was delivered. A view of the outbox row that carries it (mail_message).
 */
@ObjectType({ simpleResolvers: true })
export class CustomerNotice {
  @Field(() => ID)
  id!: string;
  @Field(() => CustomerNoticeKind)
  kind!: CustomerNoticeKind;
  @Field(() => NoticeChannel)
  channel!: NoticeChannel;
  @Field(() => String)
  recipient!: string;
  @Field(() => String)
  subject!: string;
  @Field(() => String, { description: 'The SMTP Message-ID header' })
  messageId!: string;
  @Field(() => MailStatus, { description: 'QUEUED until handed to the mail server, then SENT (or FAILED)' })
  status!: MailStatus;
  @Field(() => Date, { description: 'When the message was queued' })
  queuedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When the mail server accepted it' })
  sentAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The last delivery error while retrying or after failing' })
  lastError!: string | null;
}

export function toCustomerNotice(m: MailMessage): CustomerNotice {
  return {
    id: m.id,
    kind: m.noticeKind as CustomerNoticeKind,
    channel: NoticeChannel.EMAIL,
    recipient: m.recipient,
    subject: m.subject,
    messageId: smtpMessageId(m.id),
    status: m.status,
    queuedAt: m.createdAt,
    sentAt: m.sentAt ?? null,
    lastError: m.status === MailStatus.SENT ? null : (m.lastError ?? null),
  };
}

/** A termination's customer notices, oldest first. */
export async function customerNoticesOf(em: EntityManager, terminationId: string): Promise<CustomerNotice[]> {
  const rows = await em.find(MailMessage, { terminationId, noticeKind: { $ne: null } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return rows.map(toCustomerNotice);
}

/**
 * Called by the send job right after the mail server accepted a message, before its SENT status
 * is flushed (so both commit together): a customer notice puts "customer notified" on the
 * termination's audit trail — the moment the customer was told.
 */
export async function recordNoticeDelivered(scope: TransactionScope, events: DomainEvents, message: MailMessage): Promise<void> {
  if (!message.noticeKind || !message.terminationId) return;
  const termination = await scope.em.findOneOrFail(Termination, { id: message.terminationId });
  await events.record(
    scope,
    { kind: 'system' },
    'customer.notified',
    {
      kind: message.noticeKind,
      channel: NoticeChannel.EMAIL,
      recipient: message.recipient,
      messageId: smtpMessageId(message.id),
      sentAt: message.sentAt?.toISOString() ?? null,
      transport: message.transport,
    },
    { termination, entity: { type: 'MailMessage', id: message.id } },
  );
}

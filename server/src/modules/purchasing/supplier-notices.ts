import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { smtpMessageId } from '../notification/customer-notice.js';
import { MailStatus, type MailMessage } from '../notification/mail-message.entity.js';
import { SupplierNotice, SupplierNoticeChannel } from './supplier-notice.entity.js';

@ObjectType('SupplierNoticeLine', { simpleResolvers: true })
export class SupplierNoticeLineView {
  @Field(() => String)
  sku!: string;
  @Field(() => String)
  productName!: string;
  @Field(() => Int, { description: 'On order before the cancellation' })
  before!: number;
  @Field(() => Int)
  cancelled!: number;
  @Field(() => Int, { description: 'Still on order after it' })
  after!: number;
}

/**
 * The cancellation notice of one purchase order to its supplier, on record: by e-mail (with the
 * outbox row's delivery status and Message-ID), or the phone task Purchasing got instead.
 */
@ObjectType('SupplierNotice', { simpleResolvers: true })
export class SupplierNoticeView {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  terminationNumber!: string;
  @Field(() => String)
  purchaseOrderNumber!: string;
  @Field(() => String, { description: 'CANCEL (nothing left on order) or REDUCE' })
  action!: string;
  @Field(() => String)
  supplierCode!: string;
  @Field(() => String)
  supplierName!: string;
  @Field(() => SupplierNoticeChannel)
  channel!: SupplierNoticeChannel;
  @Field(() => String, { nullable: true, description: "The supplier's e-mail; null when Purchasing phones instead" })
  recipient!: string | null;
  @Field(() => String, { nullable: true })
  subject!: string | null;
  @Field(() => String, { nullable: true, description: 'The SMTP Message-ID header' })
  messageId!: string | null;
  @Field(() => MailStatus, {
    nullable: true,
    description: 'QUEUED until handed to the mail server, then SENT (or FAILED); null for a phone task',
  })
  status!: MailStatus | null;
  @Field(() => Date, { description: 'When the notice was queued (or the phone task opened)' })
  queuedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When the mail server accepted it' })
  sentAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The last delivery error while retrying or after failing' })
  lastError!: string | null;
  @Field(() => ID, { nullable: true, description: "Purchasing's task to phone the supplier, when it has no e-mail" })
  followUpTaskId!: string | null;
  @Field(() => [SupplierNoticeLineView])
  lines!: SupplierNoticeLineView[];
}

export function toSupplierNoticeView(n: SupplierNotice): SupplierNoticeView {
  const m = n.mailMessage ?? null;
  return {
    id: n.id,
    terminationNumber: n.termination.number,
    purchaseOrderNumber: n.purchaseOrder.number,
    action: n.action,
    supplierCode: n.supplier.code,
    supplierName: n.supplier.name,
    channel: n.channel,
    recipient: m?.recipient ?? null,
    subject: m?.subject ?? null,
    messageId: m ? smtpMessageId(m.id) : null,
    status: m?.status ?? null,
    queuedAt: n.createdAt,
    sentAt: m?.sentAt ?? null,
    lastError: m && m.status !== MailStatus.SENT ? (m.lastError ?? null) : null,
    followUpTaskId: n.followUpTask?.id ?? null,
    lines: n.lines,
  };
}

/**
 * The supplier notices of terminations (or of purchase orders), by their id, oldest first then by
 * PO number: one statement, the PO, supplier, termination and mail joined in.
 */
export async function supplierNoticesBy(
  em: EntityManager,
  key: 'termination' | 'purchaseOrder',
  ids: readonly string[],
): Promise<Map<string, SupplierNoticeView[]>> {
  const rows = await em.find(
    SupplierNotice,
    { [key]: { $in: [...ids] } },
    {
      populate: ['purchaseOrder', 'supplier', 'termination', 'mailMessage'],
      orderBy: { createdAt: 'asc', purchaseOrder: { number: 'asc' }, id: 'asc' },
    },
  );
  const byId = new Map<string, SupplierNoticeView[]>(ids.map((id) => [id, []]));
  for (const row of rows) byId.get(row[key].id)?.push(toSupplierNoticeView(row));
  return byId;
}

export async function supplierNoticesOf(em: EntityManager, terminationId: string): Promise<SupplierNoticeView[]> {
  return (await supplierNoticesBy(em, 'termination', [terminationId])).get(terminationId)!;
}

/**
 * Called by the send job right after the mail server accepted a message, before its SENT status
 * is flushed (so both commit together): a supplier notice puts "supplier notified" on the
 * termination's audit trail — the moment the supplier was told.
 */
export async function recordSupplierNoticeDelivered(scope: TransactionScope, events: DomainEvents, message: MailMessage): Promise<void> {
  // Customer notices carry a kind; other mail about no termination is no supplier notice either.
  if (message.noticeKind || !message.terminationId) return;
  const notice = await scope.em.findOne(
    SupplierNotice,
    { mailMessage: message.id },
    { populate: ['purchaseOrder', 'supplier', 'termination'] },
  );
  if (!notice) return;
  await events.record(
    scope,
    { kind: 'system' },
    'supplier.notified',
    {
      purchaseOrder: notice.purchaseOrder.number,
      action: notice.action,
      supplier: notice.supplier.code,
      channel: notice.channel,
      recipient: message.recipient,
      messageId: smtpMessageId(message.id),
      sentAt: message.sentAt?.toISOString() ?? null,
      transport: message.transport,
    },
    { termination: notice.termination, entity: { type: 'SupplierNotice', id: notice.id } },
  );
}

import type { EntityManager } from '@mikro-orm/postgresql';
import nodemailer, { type Transporter } from 'nodemailer';
import { enqueueJob, JOBS } from '../../app/jobs.js';
import type { Logger } from '../../app/logger.js';
import { MailMessage, MailStatus } from './mail-message.entity.js';
import type { RequestContext } from '../../app/context.js';
import { limitLength } from '../../common/errors.js';
import { newestFirstPage, type PageRequest } from '../../common/pagination.js';
import { likePattern } from '../order/order.service.js';
import { recordNoticeDelivered, smtpMessageId, type CustomerNoticeKind } from './customer-notice.js';

export interface OutgoingMail {
  recipient: string;
  subject: string;
  text: string;
  html: string;
  terminationId?: string | null;
  /** A message to the customer about the termination: recorded as a customer notice. */
  noticeKind?: CustomerNoticeKind | null;
}

/**
 * Mail goes through an outbox: queued in the caller's transaction with its send job, sent by
 * the worker. Without SMTP_URL the message stays in the database as the dev mailbox.
 */
export class MailService {
  private transporter: Transporter | null;

  constructor(
    smtpUrl: string | undefined,
    private readonly from: string,
    private readonly logger: Logger,
  ) {
    this.transporter = smtpUrl ? nodemailer.createTransport(smtpUrl) : null;
  }

  get transport(): 'smtp' | 'dev' {
    return this.transporter ? 'smtp' : 'dev';
  }

  async queue(em: EntityManager, mail: OutgoingMail): Promise<MailMessage> {
    const message = em.create(MailMessage, { ...mail, status: MailStatus.QUEUED, transport: this.transport });
    await em.flush();
    await enqueueJob(em, JOBS.sendMail, { messageId: message.id }, { jobKey: `mail:${message.id}` });
    return message;
  }

  /** The outbox (the dev mailbox without SMTP), newest first, optionally by recipient. */
  mailbox(ctx: RequestContext, recipient: string | null, page: PageRequest) {
    if (recipient) limitLength(recipient, 200, 'recipient');
    return newestFirstPage(ctx.em, MailMessage, recipient ? { recipient: { $ilike: likePattern(recipient) } } : {}, page);
  }

  /** The send job. Keyed by message id: a message already sent is never sent again. */
  async deliver(em: EntityManager, messageId: string): Promise<void> {
    const message = await em.findOne(MailMessage, { id: messageId });
    if (!message || message.status === MailStatus.SENT) return;
    message.attempts += 1;
    try {
      if (this.transporter) {
        await this.transporter.sendMail({
          from: this.from,
          to: message.recipient,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: smtpMessageId(message.id),
        });
      }
      message.status = MailStatus.SENT;
      message.sentAt = new Date();
      message.lastError = null;
      recordNoticeDelivered(em, message);
      await em.flush();
    } catch (error) {
      message.lastError = error instanceof Error ? error.message.slice(0, 500) : 'send failed';
      await em.flush();
      this.logger.warn({ err: error, messageId }, 'mail delivery failed; the job will retry');
      throw error;
    }
  }

  close(): void {
    this.transporter?.close();
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import nodemailer, { type Transporter } from 'nodemailer';
import { enqueueJob, JOBS } from '../../kernel/jobs.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { Logger } from '../../kernel/logger.js';
import { inScope } from '../../kernel/transaction.js';
import { MailMessage, MailStatus } from './mail-message.entity.js';
import type { RequestContext } from '../../kernel/context.js';
import { devMailboxOff, limitLength } from '../../common/errors.js';
import { newestFirstPage, type PageRequest } from '../../common/pagination.js';
import { likePattern } from '../../common/text.js';
import { escapeHtml } from '../../common/html.js';
import { recordNoticeDelivered, smtpMessageId, type CustomerNoticeKind } from './customer-notice.js';
import { recordSupplierNoticeDelivered } from '../purchasing/supplier-notices.js';

export interface OutgoingMail {
  recipient: string;
  subject: string;
  text: string;
  html: string;
  terminationId?: string | null;
  /** A message to the customer about the termination: recorded as a customer notice. */
  noticeKind?: CustomerNoticeKind | null;
  /** Strings in text/html that must not stay readable once sent (links carrying a token). */
  secrets?: string[];
}

/** What a sent message's stored copy shows where a live link was. */
const REDACTED_LINK = '[link removed after sending]';

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
    private readonly events: DomainEvents,
  ) {
    this.transporter = smtpUrl ? nodemailer.createTransport(smtpUrl) : null;
  }

  get transport(): 'smtp' | 'dev' {
    return this.transporter ? 'smtp' : 'dev';
  }

  async queue(em: EntityManager, mail: OutgoingMail): Promise<MailMessage> {
    const { secrets, ...content } = mail;
    const message = em.create(MailMessage, {
      ...content,
      secrets: secrets?.length ? secrets : null,
      status: MailStatus.QUEUED,
      transport: this.transport,
    });
    await em.flush();
    await enqueueJob(em, JOBS.sendMail, { messageId: message.id }, { jobKey: `mail:${message.id}` });
    return message;
  }

  /** The outbox (the dev mailbox without SMTP), newest first, optionally by recipient. */
  mailbox(ctx: RequestContext, recipient: string | null, page: PageRequest) {
    // With SMTP the mail is the recipients' alone: no copy of it is served.
    if (this.transporter) throw devMailboxOff();
    if (recipient) limitLength(recipient, 200, 'recipient');
    return newestFirstPage(ctx.em, MailMessage, recipient ? { recipient: { $ilike: likePattern(recipient) } } : {}, page);
  }

  /**
   * The send job, at most once per message: the row stays locked while the relay is talking, so a
   * second run of the job (its worker presumed dead too early) waits and then finds it SENT; a
   * worker that really died drops its lock with its connection. Once the relay accepted the
   * message, the stored copy loses its live links.
   */
  async deliver(em: EntityManager, messageId: string): Promise<void> {
    // The transaction commits even when sending failed: the attempt and its error are kept.
    const failure = await inScope(em, this.logger, async (scope) => {
      const tx = scope.em;
      const message = await tx.findOne(MailMessage, { id: messageId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!message || message.status === MailStatus.SENT) return null;
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
          redactSecrets(message);
        }
        message.status = MailStatus.SENT;
        message.sentAt = new Date();
        message.lastError = null;
        await recordNoticeDelivered(scope, this.events, message);
        await recordSupplierNoticeDelivered(scope, this.events, message);
        return null;
      } catch (error) {
        message.lastError = error instanceof Error ? error.message.slice(0, 500) : 'send failed';
        return error;
      }
    });
    if (failure) {
      this.logger.warn({ err: failure, messageId }, 'mail delivery failed; the job will retry');
      throw failure;
    }
  }

  close(): void {
    this.transporter?.close();
  }
}

/** Replaces a sent message's live secrets with a placeholder, in both bodies. */
function redactSecrets(message: MailMessage): void {
  for (const secret of message.secrets ?? []) {
    message.text = message.text.replaceAll(secret, REDACTED_LINK);
    message.html = message.html.replaceAll(escapeHtml(secret), REDACTED_LINK).replaceAll(secret, REDACTED_LINK);
  }
  message.secrets = null;
}

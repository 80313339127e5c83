import { escapeHtml } from '../../common/html.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import type { MailService, OutgoingMail } from './mail.service.js';
import { MailLanguage, type StaffMailKind } from './notification-preference.entity.js';
import type { StaffAudience, StaffMailDirectory, StaffMailRecipient } from './staff-mail-directory.js';

/** One language's version of a staff mail. */
export interface StaffMailText {
  subject: string;
  lines: string[];
  /** The words of the link to the termination's page. */
  open: string;
}

export interface StaffMailContent {
  zh: StaffMailText;
  en: StaffMailText;
  terminationId: string;
  terminationNumber: string;
}

/**
 * A mail to one member of staff in their language: Chinese or English alone when they chose
 * one, else Chinese with English below (like every mail of the product). Each links to the
 * termination's page of the SPA.
 */
export function renderStaffMail(recipient: StaffMailRecipient, content: StaffMailContent, link: string): OutgoingMail {
  const versions =
    recipient.language === MailLanguage.ZH_CN
      ? [content.zh]
      : recipient.language === MailLanguage.EN
        ? [content.en]
        : [content.zh, content.en];
  const subject = versions.map((v) => v.subject).join(' / ');
  const text = versions.map((v) => [...v.lines, `${v.open}: ${link}`].join('\n')).join('\n\n');
  const e = escapeHtml;
  const html = versions
    .map((v) => `${v.lines.map((l) => `<p>${e(l)}</p>`).join('')}<p><a href="${e(link)}">${e(v.open)}</a></p>`)
    .join('<hr>');
  return { recipient: recipient.email, subject, text, html, terminationId: content.terminationId };
}

/**
 * Queues staff mails in the event's transaction (the mail outbox sends them), to those of an
 * audience who opted in to the kind. Nobody opted in: nothing is read or written.
 */
export class StaffMailer {
  constructor(
    private readonly directory: StaffMailDirectory,
    /** The mail service is built after the event subscribers (it records events itself). */
    private readonly mail: () => MailService,
    private readonly publicUrl: string,
  ) {}

  async send(
    scope: TransactionScope,
    kind: StaffMailKind,
    audience: StaffAudience,
    content: () => Promise<StaffMailContent> | StaffMailContent,
  ): Promise<number> {
    const recipients = await this.directory.recipients(scope.em, kind, audience);
    if (!recipients.length) return 0;
    const built = await content();
    const link = `${this.publicUrl}/terminations/${encodeURIComponent(built.terminationNumber)}`;
    for (const recipient of recipients) await this.mail().queue(scope.em, renderStaffMail(recipient, built, link));
    return recipients.length;
  }
}

import { enqueueJob, JOBS } from '../../kernel/jobs.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import type { CalendarService } from '../calendar/calendar.service.js';
import type { MailService } from '../notification/mail.service.js';
import type { Contract } from '../order/contract.entity.js';
import type { Customer } from '../order/customer.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import type { Termination } from '../termination/termination.entity.js';
import { confirmationMail, customerLanguage, customerNameIn } from './confirmation-mail.js';
import { ConfirmationStatus, CustomerConfirmation } from './customer-confirmation.entity.js';
import { newConfirmationToken } from './token.js';

export interface ConfirmationSettings {
  publicUrl: string;
  validityHours: number;
  reminderHoursBefore: number;
}

/**
 * Asks the customer: a link with its deadline, mailed, with reminder and expiry scheduled.
 * Entering AWAITING_CUSTOMER issues the first link; resending and reminding issue fresh ones.
 */
export class ConfirmationIssuer {
  constructor(
    private readonly settings: ConfirmationSettings,
    private readonly mail: MailService,
    private readonly calendar: CalendarService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * When the customer's answer is due: the contract's reply period in working days (Asia/Shanghai,
   * holiday calendar), counted from sending; without one, CONFIRMATION_VALIDITY_HOURS.
   */
  async replyDeadline(em: TransactionScope['em'], contract: Contract, sentAt: Date) {
    if (contract.replyWorkingDays) {
      return this.calendar.replyDeadline(em, sentAt, contract.replyWorkingDays);
    }
    const expiresAt = new Date(sentAt.getTime() + this.settings.validityHours * 3_600_000);
    const remindAt = new Date(expiresAt.getTime() - this.settings.reminderHoursBefore * 3_600_000);
    return { deadlineDate: null, expiresAt, remindAt: remindAt > sentAt ? remindAt : null };
  }

  /**
   * Creates a fresh link (voiding any earlier one), mails it, and schedules reminder and expiry.
   * A reminder keeps the deadline of the request it reminds of.
   */
  async issue(
    scope: TransactionScope,
    t: Termination,
    options: { expiresAt?: Date; deadlineDate?: string | null; reminder?: boolean } = {},
  ): Promise<CustomerConfirmation> {
    const { em } = scope;
    const previous = await em.find(CustomerConfirmation, { termination: t, status: ConfirmationStatus.PENDING });
    for (const p of previous) p.status = ConfirmationStatus.SUPERSEDED;
    const order = await em.findOneOrFail(SalesOrder, { id: t.order.id }, { populate: ['customer', 'contract'] });
    const customer = order.customer as Customer;
    const contract = order.contract as Contract;
    const { token, hash } = newConfirmationToken();
    const sentAt = new Date();
    const deadline = options.expiresAt
      ? { expiresAt: options.expiresAt, deadlineDate: options.deadlineDate ?? null, remindAt: null }
      : await this.replyDeadline(em, contract, sentAt);
    const { expiresAt, deadlineDate } = deadline;
    const confirmation = em.create(CustomerConfirmation, {
      termination: t,
      tokenHash: hash,
      status: ConfirmationStatus.PENDING,
      recipient: customer.email,
      sentAt,
      expiresAt,
      deadlineDate,
    });
    const link = `${this.settings.publicUrl}/confirm/${token}`;
    const lang = customerLanguage(customer);
    await this.mail.queue(em, {
      ...confirmationMail({
        lang,
        recipient: customer.email,
        customerName: customerNameIn(customer, lang),
        terminationNumber: t.number,
        orderNumber: order.number,
        reason: lang === 'en' ? t.reason.labelEn : t.reason.labelZh,
        explanation: t.explanation,
        cancellationFee: t.impact.cancellationFee,
        refundDue: t.impact.refundDue,
        currency: t.impact.currency,
        link,
        expiresAt,
        deadlineDate,
        silenceMeans: contract.silenceMeans ?? null,
        reminder: options.reminder,
      }),
      terminationId: t.id,
      secrets: [link],
    });
    if (!options.reminder && deadline.remindAt) {
      await enqueueJob(
        em,
        JOBS.confirmationReminder,
        { confirmationId: confirmation.id },
        { runAt: deadline.remindAt, jobKey: `reminder:${confirmation.id}` },
      );
    }
    await enqueueJob(
      em,
      JOBS.confirmationExpiry,
      { confirmationId: confirmation.id },
      { runAt: expiresAt, jobKey: `expiry:${confirmation.id}` },
    );
    await this.events.record(
      scope,
      { kind: 'system' },
      options.reminder ? 'confirmation.reminder_sent' : 'confirmation.sent',
      { recipient: customer.email, expiresAt: expiresAt.toISOString(), deadlineDate, replaced: previous.length },
      { termination: t, entity: { type: 'CustomerConfirmation', id: confirmation.id } },
    );
    return confirmation;
  }
}

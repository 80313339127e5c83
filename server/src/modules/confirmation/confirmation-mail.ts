import { localDateOf } from '../calendar/working-days.js';
import { CustomerNoticeKind } from '../notification/customer-notice.js';
import { asLanguage, formatMoney, type Language } from '../notification/messages.js';
import { escapeHtml } from '../../common/html.js';
import type { OutgoingMail } from '../notification/mail.service.js';
import type { SilenceMeans } from '../order/contract.entity.js';

export interface ConfirmationMailData {
  /** The customer's language (Customer.language): the whole mail is written in it. */
  lang: Language;
  recipient: string;
  /** The customer's name in `lang` (the English name when there is one, for an English mail). */
  customerName: string;
  terminationNumber: string;
  orderNumber: string;
  /** The reason's label in `lang`. */
  reason: string;
  explanation: string;
  cancellationFee: string;
  refundDue: string;
  currency: string;
  link: string;
  expiresAt: Date;
  /** Last day to answer (Asia/Shanghai) when the contract gives a period in working days. */
  deadlineDate?: string | null;
  silenceMeans?: SilenceMeans | null;
  reminder?: boolean;
}

/** "YYYY-MM-DD HH:mm" in China Standard Time (UTC+8, no daylight saving). */
export function chinaTime(at: Date): string {
  return `${localDateOf(at)} ${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(11, 16)}`;
}

/** The deadline as both languages state it (notices to staff render the reader's one). */
export function deadlineText(d: { expiresAt: Date; deadlineDate?: string | null }): { zh: string; en: string } {
  if (d.deadlineDate) {
    return {
      zh: `${d.deadlineDate}（北京时间当日 24:00 前）`,
      en: `${d.deadlineDate} (by the end of that day, China Standard Time)`,
    };
  }
  const at = chinaTime(d.expiresAt);
  return { zh: `${at}（北京时间）`, en: `${at} China Standard Time` };
}

/** The language a customer is written to in: their own (from sync), else the product's default. */
export function customerLanguage(customer: { language?: string | null }): Language {
  return asLanguage(customer.language);
}

/** The customer's name as a mail in `lang` addresses them: the English name in English when there is one. */
export function customerNameIn(customer: { name: string; nameEn?: string | null }, lang: Language): string {
  return lang === 'en' ? customer.nameEn || customer.name : customer.name;
}

/** One of the two texts, in the mail's language. */
export function inLanguage(texts: { zh: string; en: string }, lang: Language): string {
  return lang === 'en' ? texts.en : texts.zh;
}

function silenceText(silence: SilenceMeans | null | undefined, lang: Language): string {
  if (silence === 'REFUSAL')
    return inLanguage(
      { zh: '按合同约定，逾期未答复视为不同意终止。', en: 'Under the contract, no reply by then counts as refusal.' },
      lang,
    );
  if (silence === 'ACCEPTANCE')
    return inLanguage(
      { zh: '按合同约定，逾期未答复视为同意终止。', en: 'Under the contract, no reply by then counts as acceptance.' },
      lang,
    );
  return '';
}

/** The money line by the case: a refund due, a fee the customer owes, or nothing either way. */
function moneyText(d: Pick<ConfirmationMailData, 'cancellationFee' | 'refundDue' | 'currency' | 'lang'>): string {
  const fee = formatMoney(d.cancellationFee, d.currency, d.lang);
  const refund = formatMoney(d.refundDue, d.currency, d.lang);
  if (Number(d.refundDue) > 0)
    return Number(d.cancellationFee) > 0
      ? inLanguage(
          { zh: `违约金 ${fee}，扣除后应退还您 ${refund}。`, en: `Cancellation fee ${fee}; after it, ${refund} is refunded to you.` },
          d.lang,
        )
      : inLanguage({ zh: `应退还您 ${refund}。`, en: `${refund} is refunded to you.` }, d.lang);
  if (Number(d.cancellationFee) > 0)
    return inLanguage(
      { zh: `违约金 ${fee}，由您支付；无退款。`, en: `Cancellation fee ${fee}, payable by you; nothing is refunded.` },
      d.lang,
    );
  return inLanguage({ zh: '双方无款项往来。', en: 'No money is owed either way.' }, d.lang);
}

/** The mail asking the customer to accept or decline, in the customer's language only. */
export function confirmationMail(d: ConfirmationMailData): OutgoingMail {
  const en = d.lang === 'en';
  const deadline = inLanguage(deadlineText(d), d.lang);
  const silence = silenceText(d.silenceMeans, d.lang);
  const money = moneyText(d);
  const subject = en
    ? `${d.reminder ? 'Reminder: ' : ''}Please confirm the termination of order ${d.orderNumber}`
    : `${d.reminder ? '【提醒】' : ''}请确认订单 ${d.orderNumber} 的终止`;
  const lines = en
    ? [
        `Dear ${d.customerName},`,
        ``,
        `We ask to terminate order ${d.orderNumber} (termination ${d.terminationNumber}). Reason: ${d.reason}.`,
        `Explanation: ${d.explanation}`,
        money,
        `Please accept or decline by ${deadline}. ${silence}`.trim(),
        `Accept or decline here (the link works once):`,
      ]
    : [
        `${d.customerName}，您好：`,
        ``,
        `我们申请终止订单 ${d.orderNumber}（终止单号 ${d.terminationNumber}），原因：${d.reason}。`,
        `说明：${d.explanation}`,
        money,
        `答复期限：${deadline}。${silence}`,
        `请通过以下链接确认或拒绝（链接仅可使用一次）：`,
      ];
  const text = [...lines, d.link].join('\n');
  const e = escapeHtml;
  const html = `${lines
    .filter(Boolean)
    .map((l) => `<p>${e(l)}</p>`)
    .join('\n')}
<p><a href="${e(d.link)}">${en ? 'Accept or decline' : '确认或拒绝'}</a></p>`;
  return {
    recipient: d.recipient,
    subject,
    text,
    html,
    noticeKind: d.reminder ? CustomerNoticeKind.CONFIRMATION_REMINDER : CustomerNoticeKind.CONFIRMATION_REQUEST,
  };
}

export interface DeclineAcknowledgementData {
  lang: Language;
  recipient: string;
  customerName: string;
  terminationNumber: string;
  orderNumber: string;
  /** Declined by the customer, or no reply by the deadline under a contract that treats silence as refusal. */
  bySilence: boolean;
  deadlineText?: { zh: string; en: string } | null;
}

/** Confirms to the customer, in their language, that the termination will not go ahead and the order continues. */
export function declineAcknowledgementMail(d: DeclineAcknowledgementData): OutgoingMail {
  const deadline = d.deadlineText ? inLanguage(d.deadlineText, d.lang) : '';
  const body =
    d.lang === 'en'
      ? {
          subject: `Order ${d.orderNumber} will not be terminated`,
          greeting: `Dear ${d.customerName},`,
          why: d.bySilence
            ? `We received no reply by the deadline (${deadline}); under the contract this counts as refusal.`
            : 'We have received your answer declining the termination.',
          then: `Termination request ${d.terminationNumber} is closed and order ${d.orderNumber} continues under the contract as agreed. Please contact your sales representative with any questions.`,
        }
      : {
          subject: `订单 ${d.orderNumber} 不予终止`,
          greeting: `${d.customerName}，您好：`,
          why: d.bySilence
            ? `我们在答复期限（${deadline}）内未收到您的答复；按合同约定，视为您不同意终止。`
            : '我们已收到您不同意终止的答复。',
          then: `终止申请 ${d.terminationNumber} 已撤销，订单 ${d.orderNumber} 继续按原合同履行。如有疑问，请联系您的销售代表。`,
        };
  const text = [body.greeting, `${body.why}${d.lang === 'en' ? ' ' : ''}${body.then}`].join('\n');
  const e = escapeHtml;
  const html = `<p>${e(body.greeting)}</p><p>${e(body.why)} ${e(body.then)}</p>`;
  return { recipient: d.recipient, subject: body.subject, text, html, noticeKind: CustomerNoticeKind.DECLINE_ACKNOWLEDGEMENT };
}

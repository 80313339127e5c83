import { localDateOf } from '../calendar/working-days.js';
import { CustomerNoticeKind } from '../notification/customer-notice.js';
import { escapeHtml } from '../../common/html.js';
import type { OutgoingMail } from '../notification/mail.service.js';
import type { SilenceMeans } from '../order/contract.entity.js';

export interface ConfirmationMailData {
  recipient: string;
  customerName: string;
  terminationNumber: string;
  orderNumber: string;
  reasonZh: string;
  reasonEn: string;
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

/** The deadline as both languages state it. */
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

function silenceText(silence: SilenceMeans | null | undefined): { zh: string; en: string } | null {
  if (silence === 'REFUSAL')
    return { zh: '按合同约定，逾期未答复视为不同意终止。', en: 'Under the contract, no reply by then counts as refusal.' };
  if (silence === 'ACCEPTANCE')
    return { zh: '按合同约定，逾期未答复视为同意终止。', en: 'Under the contract, no reply by then counts as acceptance.' };
  return null;
}

/** Bilingual (中文 first) mail asking the customer to accept or decline. */
export function confirmationMail(d: ConfirmationMailData): OutgoingMail {
  const deadline = deadlineText(d);
  const silence = silenceText(d.silenceMeans);
  const prefix = d.reminder ? '【提醒 Reminder】' : '';
  const subject = `${prefix}请确认订单 ${d.orderNumber} 的终止 / Please confirm the termination of order ${d.orderNumber}`;
  const text = [
    `${d.customerName}，您好：`,
    ``,
    `我们申请终止订单 ${d.orderNumber}（终止单号 ${d.terminationNumber}），原因：${d.reasonZh}。`,
    `说明：${d.explanation}`,
    `违约金：${d.cancellationFee} ${d.currency}；应退款：${d.refundDue} ${d.currency}。`,
    `答复期限：${deadline.zh}。${silence?.zh ?? ''}`,
    `请通过以下链接确认或拒绝：`,
    d.link,
    ``,
    `Dear ${d.customerName},`,
    `We ask to terminate order ${d.orderNumber} (${d.terminationNumber}). Reason: ${d.reasonEn}.`,
    `Cancellation fee: ${d.cancellationFee} ${d.currency}; refund due: ${d.refundDue} ${d.currency}.`,
    `Please accept or decline by ${deadline.en}: ${d.link}`,
    ...(silence ? [silence.en] : []),
    `The link works once.`,
  ].join('\n');
  const e = escapeHtml;
  const html = `<p>${e(d.customerName)}，您好：</p>
<p>我们申请终止订单 <b>${e(d.orderNumber)}</b>（终止单号 ${e(d.terminationNumber)}），原因：${e(d.reasonZh)}。</p>
<p>说明：${e(d.explanation)}</p>
<p>违约金：${e(d.cancellationFee)} ${e(d.currency)}；应退款：${e(d.refundDue)} ${e(d.currency)}。</p>
<p>答复期限 Reply by: <b>${e(deadline.zh)}</b> ${e(silence?.zh ?? '')}</p>
<p><a href="${e(d.link)}">确认或拒绝 / Accept or decline</a></p>
<hr><p>Dear ${e(d.customerName)}, we ask to terminate order ${e(d.orderNumber)}. Reason: ${e(d.reasonEn)}. Please answer by ${e(deadline.en)}. ${e(silence?.en ?? '')} The link works once.</p>`;
  return {
    recipient: d.recipient,
    subject,
    text,
    html,
    noticeKind: d.reminder ? CustomerNoticeKind.CONFIRMATION_REMINDER : CustomerNoticeKind.CONFIRMATION_REQUEST,
  };
}

export interface DeclineAcknowledgementData {
  recipient: string;
  customerName: string;
  terminationNumber: string;
  orderNumber: string;
  /** Declined by the customer, or no reply by the deadline under a contract that treats silence as refusal. */
  bySilence: boolean;
  deadlineText?: { zh: string; en: string } | null;
}

/** Confirms to the customer that the termination will not go ahead and the order continues. */
export function declineAcknowledgementMail(d: DeclineAcknowledgementData): OutgoingMail {
  const why = d.bySilence
    ? {
        zh: `我们在答复期限（${d.deadlineText?.zh ?? ''}）内未收到您的答复；按合同约定，视为您不同意终止。`,
        en: `We received no reply by the deadline (${d.deadlineText?.en ?? ''}); under the contract this counts as refusal.`,
      }
    : { zh: '我们已收到您不同意终止的答复。', en: 'We have received your answer declining the termination.' };
  const subject = `订单 ${d.orderNumber} 不予终止 / Order ${d.orderNumber} will not be terminated`;
  const text = [
    `${d.customerName}，您好：`,
    `${why.zh}终止申请 ${d.terminationNumber} 已撤销，订单 ${d.orderNumber} 继续按原合同履行。如有疑问，请联系您的销售代表。`,
    '',
    `Dear ${d.customerName},`,
    `${why.en} Termination request ${d.terminationNumber} is closed and order ${d.orderNumber} continues under the contract as agreed. Please contact your sales representative with any questions.`,
  ].join('\n');
  const e = escapeHtml;
  const html = `<p>${e(d.customerName)}，您好：</p><p>${e(why.zh)}终止申请 ${e(d.terminationNumber)} 已撤销，订单 <b>${e(
    d.orderNumber,
  )}</b> 继续按原合同履行。</p><hr><p>Dear ${e(d.customerName)}, ${e(why.en)} Termination request ${e(d.terminationNumber)} is closed and order ${e(
    d.orderNumber,
  )} continues as agreed.</p>`;
  return { recipient: d.recipient, subject, text, html, noticeKind: CustomerNoticeKind.DECLINE_ACKNOWLEDGEMENT };
}

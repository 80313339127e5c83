import { escapeHtml, type OutgoingMail } from '../notification/mail.service.js';

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
  reminder?: boolean;
}

/** Bilingual (中文 first) mail asking the customer to accept or decline. */
export function confirmationMail(d: ConfirmationMailData): OutgoingMail {
  const expires = d.expiresAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const prefix = d.reminder ? '【提醒 Reminder】' : '';
  const subject = `${prefix}请确认订单 ${d.orderNumber} 的终止 / Please confirm the termination of order ${d.orderNumber}`;
  const text = [
    `${d.customerName}，您好：`,
    ``,
    `我们申请终止订单 ${d.orderNumber}（终止单号 ${d.terminationNumber}），原因：${d.reasonZh}。`,
    `说明：${d.explanation}`,
    `违约金：${d.cancellationFee} ${d.currency}；应退款：${d.refundDue} ${d.currency}。`,
    `请在 ${expires} 前通过以下链接确认或拒绝：`,
    d.link,
    ``,
    `Dear ${d.customerName},`,
    `We ask to terminate order ${d.orderNumber} (${d.terminationNumber}). Reason: ${d.reasonEn}.`,
    `Cancellation fee: ${d.cancellationFee} ${d.currency}; refund due: ${d.refundDue} ${d.currency}.`,
    `Please accept or decline before ${expires}: ${d.link}`,
    `The link works once.`,
  ].join('\n');
  const e = escapeHtml;
  const html = `<p>${e(d.customerName)}，您好：</p>
<p>我们申请终止订单 <b>${e(d.orderNumber)}</b>（终止单号 ${e(d.terminationNumber)}），原因：${e(d.reasonZh)}。</p>
<p>说明：${e(d.explanation)}</p>
<p>违约金：${e(d.cancellationFee)} ${e(d.currency)}；应退款：${e(d.refundDue)} ${e(d.currency)}。</p>
<p><a href="${e(d.link)}">确认或拒绝 / Accept or decline</a>（${e(expires)} 前有效 / valid until ${e(expires)}）</p>
<hr><p>Dear ${e(d.customerName)}, we ask to terminate order ${e(d.orderNumber)}. Reason: ${e(d.reasonEn)}. The link works once.</p>`;
  return { recipient: d.recipient, subject, text, html };
}

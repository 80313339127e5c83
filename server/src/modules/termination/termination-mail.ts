import { escapeHtml, type OutgoingMail } from '../notification/mail.service.js';
import type { SalesOrder } from '../order/sales-order.entity.js';
import type { TerminationImpact } from './impact.types.js';
import type { Termination } from './termination.entity.js';

/** Tells the customer the termination took effect and what happens to the money. */
export function effectiveMail(t: Termination, order: SalesOrder, impact: TerminationImpact): OutgoingMail {
  const lines = impact.lines.map((l) => `${l.sku} ${l.productName} × ${l.quantity}`);
  const money = `违约金 fee ${impact.cancellationFee} ${impact.currency}; 应退款 refund ${impact.refundDue} ${impact.currency}`;
  const subject = `订单 ${order.number} 终止已生效 / Termination of order ${order.number} is effective`;
  const text = [
    `${order.customer.name}：`,
    `订单 ${order.number} 的终止（${t.number}）已生效。`,
    ...lines,
    money,
    '',
    `Termination ${t.number} of order ${order.number} is now effective.`,
  ].join('\n');
  const html = `<p>${escapeHtml(order.customer.name)}：</p><p>订单 <b>${escapeHtml(order.number)}</b> 的终止（${escapeHtml(t.number)}）已生效 / is now effective.</p><ul>${lines
    .map((l) => `<li>${escapeHtml(l)}</li>`)
    .join('')}</ul><p>${escapeHtml(money)}</p>`;
  return { recipient: order.customer.email, subject, text, html };
}

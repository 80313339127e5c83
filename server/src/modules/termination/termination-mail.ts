import { CustomerNoticeKind } from '../notification/customer-notice.js';
import { escapeHtml } from '../../common/html.js';
import type { OutgoingMail } from '../notification/mail.service.js';
import type { SalesOrderLine } from '../order/sales-order-line.entity.js';
import type { SalesOrder } from '../order/sales-order.entity.js';
import type { TerminationImpact } from './impact.types.js';
import type { Termination } from './termination.entity.js';

export interface EffectiveMailContext {
  /** The order's lines after the termination took effect (product populated). */
  orderLines: SalesOrderLine[];
  /** Set when no reply by the deadline counted as acceptance under the contract. */
  acceptedBySilence?: { deadlineZh: string; deadlineEn: string } | null;
}

/**
 * Tells the customer the termination took effect (bilingual, 中文 first, like every customer
 * mail): why, what is terminated, what continues for a partial termination, the money and
 * what happens next.
 */
export function effectiveMail(t: Termination, order: SalesOrder, impact: TerminationImpact, c: EffectiveMailContext): OutgoingMail {
  const cur = impact.currency;
  const terminated = impact.lines.map((l) => `${l.lineNo}. ${l.sku} ${l.productName} × ${l.quantity}（${l.amount} ${cur}）`);
  // What the customer still gets: every line with quantity left after all terminations.
  const continuing = c.orderLines
    .filter((l) => l.quantity - l.terminatedQuantity > 0)
    .sort((a, b) => a.lineNo - b.lineNo)
    .map((l) => {
      const remaining = l.quantity - l.terminatedQuantity;
      const shipped = l.shippedQuantity ? `，已发货 shipped ${l.shippedQuantity}` : '';
      return `${l.lineNo}. ${l.product.sku} ${l.product.name} × ${remaining}${shipped}`;
    });
  const partial = continuing.length > 0;
  const fee = Number(impact.cancellationFee) > 0;
  const refund = Number(impact.refundDue) > 0;
  const next = {
    zh: [
      refund ? `应退款 ${impact.refundDue} ${cur} 将由我方财务按原支付路径退还，结算单随后发送。` : null,
      !refund && fee ? `违约金 ${impact.cancellationFee} ${cur} 将列入结算单，请按合同约定支付。` : null,
      partial ? '未终止的行项目继续按原合同履行、交付。' : '订单的未发货部分已全部终止。',
      '如有疑问，请联系您的销售代表。',
    ].filter(Boolean) as string[],
    en: [
      refund
        ? `The refund of ${impact.refundDue} ${cur} will be paid back by the original payment route; a settlement statement follows.`
        : null,
      !refund && fee
        ? `The cancellation fee of ${impact.cancellationFee} ${cur} will be on the settlement statement, payable as the contract provides.`
        : null,
      partial
        ? 'The lines not terminated continue and will be delivered as agreed.'
        : 'Everything not yet shipped on the order is terminated.',
      'Please contact your sales representative with any questions.',
    ].filter(Boolean) as string[],
  };
  const silence = c.acceptedBySilence
    ? {
        zh: `我们在答复期限（${c.acceptedBySilence.deadlineZh}）内未收到您的答复；按合同约定，视为同意终止。`,
        en: `We received no reply by the deadline (${c.acceptedBySilence.deadlineEn}); under the contract this counts as acceptance.`,
      }
    : null;
  const money = {
    zh: `违约金 ${impact.cancellationFee} ${cur}；应退款 ${impact.refundDue} ${cur}。`,
    en: `Cancellation fee ${impact.cancellationFee} ${cur}; refund due ${impact.refundDue} ${cur}.`,
  };
  const kindZh = partial ? '部分终止' : '终止';
  const subject = `订单 ${order.number} ${kindZh}已生效 / ${partial ? 'Partial termination' : 'Termination'} of order ${order.number} is effective`;
  const text = [
    `${order.customer.name}：`,
    `订单 ${order.number} 的${kindZh}（${t.number}）已生效。${silence?.zh ?? ''}`,
    `原因：${t.reason.labelZh}。${t.explanation}`,
    `终止内容：`,
    ...terminated,
    ...(partial ? ['继续履行：', ...continuing] : []),
    money.zh,
    `后续安排：`,
    ...next.zh,
    '',
    `Dear ${order.customer.name},`,
    `The ${partial ? 'partial termination' : 'termination'} ${t.number} of order ${order.number} is now effective. ${silence?.en ?? ''}`.trim(),
    `Reason: ${t.reason.labelEn}.`,
    `Terminated:`,
    ...terminated,
    ...(partial ? ['Continuing:', ...continuing] : []),
    money.en,
    `Next steps:`,
    ...next.en,
  ].join('\n');
  const e = escapeHtml;
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;
  const html = `<p>${e(order.customer.name)}：</p>
<p>订单 <b>${e(order.number)}</b> 的${kindZh}（${e(t.number)}）已生效 / is now effective. ${e(silence?.zh ?? '')}</p>
<p>原因 Reason：${e(t.reason.labelZh)} / ${e(t.reason.labelEn)}。${e(t.explanation)}</p>
<p>终止内容 Terminated：</p>${list(terminated)}
${partial ? `<p>继续履行 Continuing：</p>${list(continuing)}` : ''}
<p>${e(money.zh)} / ${e(money.en)}</p>
<p>后续安排 Next steps：</p>${list(next.zh)}${list(next.en)}
${silence ? `<p>${e(silence.en)}</p>` : ''}`;
  return { recipient: order.customer.email, subject, text, html, noticeKind: CustomerNoticeKind.EFFECTIVE_NOTICE };
}

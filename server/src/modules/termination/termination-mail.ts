import { customerLanguage, customerNameIn, inLanguage } from '../confirmation/confirmation-mail.js';
import { CustomerNoticeKind } from '../notification/customer-notice.js';
import { formatMoney, unitLabel, type Language } from '../notification/messages.js';
import { escapeHtml } from '../../common/html.js';
import type { OutgoingMail } from '../notification/mail.service.js';
import type { Product } from '../order/product.entity.js';
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

/** "3. PLC-S7-1200 Compact PLC × 4 units": a product as the customer's language names it. */
function lineText(lineNo: number, product: Pick<Product, 'sku' | 'name' | 'nameEn' | 'unit'>, quantity: number, lang: Language): string {
  const name = lang === 'en' ? product.nameEn || product.name : product.name;
  return `${lineNo}. ${product.sku} ${name} × ${quantity} ${unitLabel(product.unit, lang)}`;
}

/**
 * Tells the customer, in their language only (Customer.language), that the termination took
 * effect: why, what is terminated, what continues for a partial termination, the money by its
 * case and what happens next.
 */
export function effectiveMail(t: Termination, order: SalesOrder, impact: TerminationImpact, c: EffectiveMailContext): OutgoingMail {
  const lang = customerLanguage(order.customer);
  const en = lang === 'en';
  const say = (zh: string, english: string) => inLanguage({ zh, en: english }, lang);
  const money = (amount: string) => formatMoney(amount, impact.currency, lang);
  const byId = new Map(c.orderLines.map((l) => [l.id, l]));
  const terminated = impact.lines.map((l) => {
    const product = byId.get(l.lineId)?.product;
    const line = product ? lineText(l.lineNo, product, l.quantity, lang) : `${l.lineNo}. ${l.sku} ${l.productName} × ${l.quantity}`;
    return `${line} (${money(l.amount)})`;
  });
  // What the customer still gets: every line with quantity left after all terminations.
  const continuing = c.orderLines
    .filter((l) => l.quantity - l.terminatedQuantity > 0)
    .sort((a, b) => a.lineNo - b.lineNo)
    .map((l) => {
      const line = lineText(l.lineNo, l.product, l.quantity - l.terminatedQuantity, lang);
      return l.shippedQuantity ? `${line}${say(`，已发货 ${l.shippedQuantity}`, `, ${l.shippedQuantity} shipped`)}` : line;
    });
  const partial = continuing.length > 0;
  const fee = Number(impact.cancellationFee) > 0;
  const refund = Number(impact.refundDue) > 0;
  const next = [
    refund
      ? say(
          `应退款 ${money(impact.refundDue)} 将由我方财务按原支付路径退还，结算单随后发送。`,
          `The refund of ${money(impact.refundDue)} will be paid back by the original payment route; a settlement statement follows.`,
        )
      : null,
    !refund && fee
      ? say(
          `违约金 ${money(impact.cancellationFee)} 将列入结算单，请按合同约定支付。`,
          `The cancellation fee of ${money(impact.cancellationFee)} will be on the settlement statement, payable as the contract provides.`,
        )
      : null,
    partial
      ? say('未终止的行项目继续按原合同履行、交付。', 'The lines not terminated continue and will be delivered as agreed.')
      : say('订单的未发货部分已全部终止。', 'Everything not yet shipped on the order is terminated.'),
    say('如有疑问，请联系您的销售代表。', 'Please contact your sales representative with any questions.'),
  ].filter((x): x is string => !!x);
  const silence = c.acceptedBySilence
    ? say(
        `我们在答复期限（${c.acceptedBySilence.deadlineZh}）内未收到您的答复；按合同约定，视为同意终止。`,
        `We received no reply by the deadline (${c.acceptedBySilence.deadlineEn}); under the contract this counts as acceptance.`,
      )
    : '';
  const moneyLine = refund
    ? say(
        `违约金 ${money(impact.cancellationFee)}；应退款 ${money(impact.refundDue)}。`,
        `Cancellation fee ${money(impact.cancellationFee)}; refund due ${money(impact.refundDue)}.`,
      )
    : fee
      ? say(
          `违约金 ${money(impact.cancellationFee)}，由您支付；无退款。`,
          `Cancellation fee ${money(impact.cancellationFee)}, payable by you; nothing is refunded.`,
        )
      : say('双方无款项往来。', 'No money is owed either way.');
  const name = customerNameIn(order.customer, lang);
  const kind = partial ? say('部分终止', 'partial termination') : say('终止', 'termination');
  const subject = en
    ? `${partial ? 'Partial termination' : 'Termination'} of order ${order.number} is effective`
    : `订单 ${order.number} ${kind}已生效`;
  const parts = {
    greeting: en ? `Dear ${name},` : `${name}：`,
    headline: (en
      ? `The ${kind} ${t.number} of order ${order.number} is now effective. ${silence}`
      : `订单 ${order.number} 的${kind}（${t.number}）已生效。${silence}`
    ).trim(),
    reason: en ? `Reason: ${t.reason.labelEn}. ${t.explanation}` : `原因：${t.reason.labelZh}。${t.explanation}`,
    terminatedTitle: say('终止内容：', 'Terminated:'),
    continuingTitle: say('继续履行：', 'Continuing:'),
    nextTitle: say('后续安排：', 'Next steps:'),
  };
  const text = [
    parts.greeting,
    parts.headline,
    parts.reason,
    parts.terminatedTitle,
    ...terminated,
    ...(partial ? [parts.continuingTitle, ...continuing] : []),
    moneyLine,
    parts.nextTitle,
    ...next,
  ].join('\n');
  const e = escapeHtml;
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;
  const html = `<p>${e(parts.greeting)}</p>
<p>${e(parts.headline)}</p>
<p>${e(parts.reason)}</p>
<p>${e(parts.terminatedTitle)}</p>${list(terminated)}
${partial ? `<p>${e(parts.continuingTitle)}</p>${list(continuing)}` : ''}
<p>${e(moneyLine)}</p>
<p>${e(parts.nextTitle)}</p>${list(next)}`;
  return { recipient: order.customer.email, subject, text, html, noticeKind: CustomerNoticeKind.EFFECTIVE_NOTICE };
}

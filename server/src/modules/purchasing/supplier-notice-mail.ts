import { escapeHtml } from '../../common/html.js';
import type { OutgoingMail } from '../notification/mail.service.js';
import type { SupplierNoticeLine } from './supplier-notice.entity.js';

export interface SupplierNoticeContent {
  supplierName: string;
  contactName: string | null;
  recipient: string;
  purchaseOrderNumber: string;
  /** CANCEL: nothing is left on order; REDUCE: the lines carry less. */
  action: string;
  lines: readonly SupplierNoticeLine[];
  /** YYYY-MM-DD, Asia/Shanghai: when the cancellation takes effect. */
  effectiveDate: string;
  terminationNumber: string;
  /** Who answers: our purchasing department, reachable at the sender's address. */
  contact: string;
}

/**
 * The cancellation notice of one purchase order to its supplier (取消采购单通知), bilingual with
 * 中文 first like every outside mail: which PO, each line's quantity before, cancelled and still
 * on order, from when, on what grounds (the termination's number), and whom to ask.
 */
export function supplierNoticeMail(c: SupplierNoticeContent): OutgoingMail {
  const cancel = c.action === 'CANCEL';
  const lines = c.lines.map(
    (l) =>
      `${l.sku} ${l.productName}：原数量 ${l.before}，取消 ${l.cancelled}，剩余 ${l.after} / before ${l.before}, cancelled ${l.cancelled}, remaining ${l.after}`,
  );
  const subject = cancel
    ? `采购单 ${c.purchaseOrderNumber} 取消通知 / Cancellation of purchase order ${c.purchaseOrderNumber}`
    : `采购单 ${c.purchaseOrderNumber} 减量通知 / Reduction of purchase order ${c.purchaseOrderNumber}`;
  const greetingZh = `${c.supplierName}${c.contactName ? ` ${c.contactName}` : ''}：`;
  const greetingEn = `Dear ${c.contactName ? `${c.contactName} (${c.supplierName})` : c.supplierName},`;
  const what = {
    zh: cancel
      ? `因客户订单终止（${c.terminationNumber}），我方自 ${c.effectiveDate} 起取消采购单 ${c.purchaseOrderNumber} 的全部未交付数量：`
      : `因客户订单终止（${c.terminationNumber}），我方自 ${c.effectiveDate} 起减少采购单 ${c.purchaseOrderNumber} 的以下数量：`,
    en: cancel
      ? `Following the termination of a customer order (${c.terminationNumber}), we cancel everything still open on purchase order ${c.purchaseOrderNumber}, effective ${c.effectiveDate}:`
      : `Following the termination of a customer order (${c.terminationNumber}), we reduce purchase order ${c.purchaseOrderNumber} as follows, effective ${c.effectiveDate}:`,
  };
  const next = {
    zh: cancel ? '请停止该采购单的生产与发货，并回复确认。' : '未取消的数量继续按原采购单交付。请回复确认。',
    en: cancel
      ? 'Please stop production and shipment for this purchase order and confirm by reply.'
      : 'The quantities not cancelled are still to be delivered as ordered. Please confirm by reply.',
  };
  const contactZh = `联系人：${c.contact}`;
  const contactEn = `Contact: ${c.contact}`;
  const text = [greetingZh, what.zh, ...lines, next.zh, contactZh, '', greetingEn, what.en, ...lines, next.en, contactEn].join('\n');
  const e = escapeHtml;
  const rows = c.lines
    .map((l) => `<tr><td>${e(l.sku)}</td><td>${e(l.productName)}</td><td>${l.before}</td><td>${l.cancelled}</td><td>${l.after}</td></tr>`)
    .join('');
  const table = `<table border="1" cellpadding="4" cellspacing="0"><thead><tr><th>物料 SKU</th><th>品名 Product</th><th>原数量 Before</th><th>取消 Cancelled</th><th>剩余 Remaining</th></tr></thead><tbody>${rows}</tbody></table>`;
  const html = `<p>${e(greetingZh)}</p>
<p>${e(what.zh)}</p>
${table}
<p>${e(next.zh)}</p>
<p>${e(contactZh)}</p>
<hr>
<p>${e(greetingEn)}</p>
<p>${e(what.en)}</p>
<p>${e(next.en)}</p>
<p>${e(contactEn)}</p>`;
  return { recipient: c.recipient, subject, text, html };
}

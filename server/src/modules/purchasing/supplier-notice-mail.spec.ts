import { describe, expect, it } from 'vitest';
import { supplierNoticeMail, type SupplierNoticeContent } from './supplier-notice-mail.js';

const content: SupplierNoticeContent = {
  supplierName: 'ACME <b>&</b> Co.',
  contactName: null,
  recipient: 'orders@acme.example.com',
  purchaseOrderNumber: 'PO-2026-00042',
  action: 'REDUCE',
  lines: [{ sku: 'P-1', productName: '伺服电机 <script>alert(1)</script>', before: 10, cancelled: 4, after: 6 }],
  effectiveDate: '2026-12-01',
  terminationNumber: 'TR-2026-00007',
  contact: '采购部 Purchasing "desk" <buy@example.com>',
};

describe('supplierNoticeMail', () => {
  it('escapes every supplied value in the HTML part and keeps the plain-text part as written', () => {
    const mail = supplierNoticeMail(content);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('伺服电机 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('ACME &lt;b&gt;&amp;&lt;/b&gt; Co.');
    expect(mail.html).toContain('&quot;desk&quot; &lt;buy@example.com&gt;');
    expect(mail.text).toContain('P-1 伺服电机 <script>alert(1)</script>：原数量 10，取消 4，剩余 6');
    expect(mail.recipient).toBe('orders@acme.example.com');
  });

  it('says reduction, not cancellation, when lines stay on order; 中文 before English', () => {
    const mail = supplierNoticeMail(content);
    expect(mail.subject).toBe('采购单 PO-2026-00042 减量通知 / Reduction of purchase order PO-2026-00042');
    expect(mail.text).toContain('我方自 2026-12-01 起减少采购单 PO-2026-00042 的以下数量');
    expect(mail.text).toContain('we reduce purchase order PO-2026-00042 as follows, effective 2026-12-01');
    expect(mail.text.indexOf('我方')).toBeLessThan(mail.text.indexOf('we reduce'));
    expect(mail.text).toContain('未取消的数量继续按原采购单交付');
  });
});

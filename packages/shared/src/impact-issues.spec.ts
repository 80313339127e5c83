import { describe, expect, it } from 'vitest';
import { IMPACT_ISSUE_TEXTS, impactIssueText } from './impact-issues.js';

describe('impactIssueText', () => {
  it('puts the subject in, in either language', () => {
    const issue = { code: 'TERMINATION_ACTIVE', message: 'Termination TR-1 is already running for this order.', subject: 'TR-1' };
    expect(impactIssueText(issue, 'en')).toBe('Termination TR-1 is already running for this order.');
    expect(impactIssueText(issue, 'zh-CN')).toBe('此订单已有进行中的终止申请 TR-1。');
  });

  it('falls back to the stored English message for a code it does not know', () => {
    expect(impactIssueText({ code: 'NEWER_CODE', message: 'Something new.' }, 'zh-CN')).toBe('Something new.');
  });

  it('reads well without a subject (blockers stored before they kept one): no double space, no dangling colon', () => {
    const stored = (code: string) => ({ code, message: `stored ${code}`, subject: null });
    expect(impactIssueText(stored('TERMINATION_ACTIVE'), 'en')).toBe('stored TERMINATION_ACTIVE');
    expect(impactIssueText(stored('TERMINATION_ACTIVE'), 'zh-CN')).toBe('此订单已有进行中的终止申请。');
    expect(impactIssueText(stored('DUPLICATE_LINE'), 'zh-CN')).toBe('该行重复。');
    expect(impactIssueText(stored('QUANTITY_INVALID'), 'zh-CN')).toBe('该行：数量须为不小于 1 的整数。');
    expect(impactIssueText(stored('PO_RECEIVED'), 'zh-CN')).toBe('货物已入库，将留在库存中。');
    expect(impactIssueText(stored('SHIPMENT_IN_TRANSIT'), 'zh-CN')).toBe('发货单已在途，本次终止无法召回。');
    // A text without a placeholder is the same with or without a subject.
    expect(impactIssueText(stored('NO_LINES'), 'en')).toBe('Choose at least one line.');
    for (const [code, texts] of Object.entries(IMPACT_ISSUE_TEXTS)) {
      const zh = impactIssueText(stored(code), 'zh-CN');
      expect(zh, code).not.toMatch(/\{subject\}|\s{2}|^[：:\s]/);
      expect(zh.length, code).toBeGreaterThan(3);
      if (!texts.en.includes('{subject}')) expect(impactIssueText(stored(code), 'en')).toBe(texts.en);
    }
  });
});

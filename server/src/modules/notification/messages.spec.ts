import { describe, expect, it } from 'vitest';
import { renderLineParts, renderLines, renderNotice, renderNoticeParts, storedParts, unitLabel } from './messages.js';

describe('server-made texts in parts', () => {
  it('marks names and comments as data, in the reader’s language', () => {
    const params = { number: 'TR-1', department: 'FINANCE', actor: '王建国', onBehalfOf: '李娜', comment: '同意' };
    expect(renderNoticeParts('STEP_APPROVED', params, 'en')).toEqual({
      title: ['TR-1: Finance approved'],
      // Ours at even positions, data at odd ones.
      body: ['', '王建国', ' (deputy for ', '李娜', '): ', '同意', ''],
    });
    // The parts put together are the plain text.
    const plain = renderNotice('STEP_APPROVED', params, 'zh-CN');
    const zh = renderNoticeParts('STEP_APPROVED', params, 'zh-CN');
    expect(zh.title.join('')).toBe(plain.title);
    expect(zh.body.join('')).toBe(plain.body);
  });

  it('marks suppliers, warehouses and carriers in instruction lines, nested ones too', () => {
    const lines = [
      { key: 'followUp.release', params: { warehouse: '苏州仓', sku: 'P-1', quantity: 2 } },
      { key: 'followUp.inTransit', params: { shipment: 'SH-1', sku: 'P-1', quantity: 1, carrier: '顺丰速运' } },
    ];
    const parts = renderLineParts(lines, 'en');
    expect(parts.filter((_, i) => i % 2)).toEqual(['苏州仓', '顺丰速运']);
    expect(parts.join('')).toBe(renderLines(lines, 'en'));
    const nested = renderNoticeParts('FOLLOW_UP_ASSIGNED', { number: 'TR-1', actor: 'Ann', instructions: lines }, 'en');
    expect(nested.body.filter((_, i) => i % 2)).toEqual(['Ann', '苏州仓', '顺丰速运']);
  });

  it('keeps stored texts of old rows as one part of ours', () => {
    expect(storedParts('旧通知')).toEqual(['旧通知']);
  });
});

describe('units', () => {
  it('labels codes per language, old Chinese spellings too, others as sent', () => {
    expect(unitLabel('UNIT', 'en')).toBe('units');
    expect(unitLabel('UNIT', 'zh-CN')).toBe('台');
    expect(unitLabel('台', 'en')).toBe('units');
    expect(unitLabel('SET', 'zh-CN')).toBe('套');
    expect(unitLabel('kg', 'en')).toBe('kg');
  });
});

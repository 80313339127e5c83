import { describe, expect, it } from 'vitest';
import { mentionsAdded, parseMentions, type MentionDirectory } from './comment-mentions.js';

const DIRECTORY: MentionDirectory = {
  users: [
    { id: 'u1', name: '陈静', email: 'finance.head@example.com' },
    { id: 'u2', name: '审计 孙丽', email: 'auditor@example.com' },
    { id: 'u3', name: 'Ann', email: 'ann@example.com' },
    { id: 'u4', name: 'Ann Lee', email: 'ann.lee@example.com' },
  ],
  departments: [
    { code: 'FINANCE', nameZh: '财务部', nameEn: 'Finance' },
    { code: 'WAREHOUSE', nameZh: '仓储部', nameEn: 'Warehouse' },
  ],
};

describe('parseMentions', () => {
  it.each([
    ['@财务部 请确认退款', [], ['FINANCE']],
    ['@财务部请确认退款', [], ['FINANCE']],
    ['Please check, @Finance.', [], ['FINANCE']],
    ['@FINANCE and @warehouse', [], ['FINANCE', 'WAREHOUSE']],
    ['@陈静 看一下', ['u1'], []],
    ['cc @finance.head@example.com', ['u1'], []],
    ['@审计 孙丽 FYI', ['u2'], []],
    // The longest name that fits: "Ann Lee", not "Ann".
    ['@Ann Lee please', ['u4'], []],
    ['@Ann, please', ['u3'], []],
    // Not mentions: an address in the text, a longer word, an unknown name.
    ['mail ann@example.com', [], []],
    ['@Financeteam', [], []],
    ['@nobody here', [], []],
    ['@@财务部', [], ['FINANCE']],
  ])('%s', (text, users, departments) => {
    const m = parseMentions(text, DIRECTORY);
    expect(m.users.map((u) => u.userId).sort()).toEqual(users);
    expect(m.departments).toEqual(departments);
  });

  it('names each one once', () => {
    const m = parseMentions('@陈静 @陈静 @财务部 @Finance', DIRECTORY);
    expect(m).toEqual({ users: [{ userId: 'u1', name: '陈静' }], departments: ['FINANCE'] });
  });

  it('tells who an edit adds', () => {
    const before = parseMentions('@陈静', DIRECTORY);
    const after = parseMentions('@陈静 @仓储部 @Ann', DIRECTORY);
    expect(mentionsAdded(before, after)).toEqual({ users: [{ userId: 'u3', name: 'Ann' }], departments: ['WAREHOUSE'] });
  });
});

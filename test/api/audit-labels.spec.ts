import { describe, expect, it } from 'vitest';
import en from '../../client/src/locales/en.js';
import zhCN from '../../client/src/locales/zh-CN.js';
import { EVENT_TYPES, eventInfo } from '../../server/src/modules/events/event-catalogue.js';

/*
 * The audit trail (timeline) stores each entry as a key — its action — with parameters (its data),
 * and the SPA renders both in the reader's language (issue #16), as notifications are. So every
 * action a termination's trail can hold has a label in each language, the English one without
 * Chinese, and no label repeats the raw key.
 */

const HAN = /\p{Script=Han}/u;

function label(messages: unknown, action: string): unknown {
  const [group, name] = action.split('.') as [string, string];
  return (messages as { auditAction: Record<string, Record<string, unknown>> }).auditAction[group]?.[name];
}

describe('audit trail labels in the reader’s language', () => {
  const actions = EVENT_TYPES.filter((type) => eventInfo(type).termination);

  it('covers every termination event', () => {
    expect(actions.length).toBeGreaterThan(20);
  });

  it.each(actions)('%s has a Chinese and an English label', (action) => {
    const zh = label(zhCN, action);
    const english = label(en, action);
    expect(typeof zh, `zh-CN auditAction.${action}`).toBe('string');
    expect(typeof english, `en auditAction.${action}`).toBe('string');
    expect(zh).toMatch(HAN);
    expect(english).not.toMatch(HAN);
    expect(english).not.toBe(action);
  });
});

import { describe, expect, it } from 'vitest';
import { CHINA_2026 } from './china-holidays.js';
import {
  addWorkingDays,
  isLocalDate,
  isWorkingDay,
  localDateOf,
  replyDeadline,
  type CalendarDayKind,
  type CalendarOverrides,
} from './working-days.js';

const none: CalendarOverrides = new Map();
const china2026: CalendarOverrides = new Map(CHINA_2026.map((d) => [d.date, d.kind] as [string, CalendarDayKind]));
/** An instant given as Asia/Shanghai wall-clock time. */
const cst = (local: string) => new Date(`${local}+08:00`);

describe('working days (Asia/Shanghai business days)', () => {
  it('skips weekends: five working days from a Friday end on the next Friday', () => {
    const d = replyDeadline(cst('2026-12-04T10:00:00'), 5, none);
    expect(d.deadlineDate).toBe('2026-12-11');
    expect(d.expiresAt.toISOString()).toBe(cst('2026-12-12T00:00:00').toISOString());
    expect(d.remindAt?.toISOString()).toBe(cst('2026-12-10T09:00:00').toISOString());
  });

  it('spans a holiday week and counts a make-up Saturday (National Day 2026)', () => {
    // Sep 30 (1), Oct 1–7 holiday, Oct 8 (2), Oct 9 (3), Sat Oct 10 worked (4), Sun Oct 11 off, Mon Oct 12 (5)
    expect(isWorkingDay('2026-10-10', china2026)).toBe(true);
    expect(isWorkingDay('2026-10-05', china2026)).toBe(false);
    const d = replyDeadline(cst('2026-09-29T15:00:00'), 5, china2026);
    expect(d.deadlineDate).toBe('2026-10-12');
    expect(d.remindAt?.toISOString()).toBe(cst('2026-10-10T09:00:00').toISOString());
    // without the calendar the same request would be due on Tuesday Oct 6
    expect(replyDeadline(cst('2026-09-29T15:00:00'), 5, none).deadlineDate).toBe('2026-10-06');
  });

  it('Spring Festival 2026: the make-up Saturday before it counts, the nine days off do not', () => {
    expect(addWorkingDays('2026-02-13', 1, china2026)).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-13', 2, china2026)).toBe('2026-02-24');
    const d = replyDeadline(cst('2026-02-13T11:00:00'), 2, china2026);
    expect(d.deadlineDate).toBe('2026-02-24');
    expect(d.remindAt?.toISOString()).toBe(cst('2026-02-14T09:00:00').toISOString());
  });

  it('counts business days in Asia/Shanghai, not UTC', () => {
    // 17:00 UTC Thursday is already Friday 01:00 in Shanghai: one working day later is Monday
    const sentAt = new Date('2026-12-03T17:00:00Z');
    expect(localDateOf(sentAt)).toBe('2026-12-04');
    expect(replyDeadline(sentAt, 1, none).deadlineDate).toBe('2026-12-07');
  });

  it('a one-day period reminds on the deadline day when the day before is already past', () => {
    const d = replyDeadline(cst('2026-12-07T10:00:00'), 1, none);
    expect(d.deadlineDate).toBe('2026-12-08');
    expect(d.remindAt?.toISOString()).toBe(cst('2026-12-08T09:00:00').toISOString());
  });

  it('a holiday marked on a weekday and a weekday-only rule without overrides', () => {
    const overrides: CalendarOverrides = new Map([['2026-12-08', 'HOLIDAY']]);
    expect(addWorkingDays('2026-12-07', 1, overrides)).toBe('2026-12-09');
    expect(addWorkingDays('2026-12-07', 0, overrides)).toBe('2026-12-07');
    expect(() => addWorkingDays('2026-12-07', -1, overrides)).toThrow(RangeError);
    expect(() => replyDeadline(new Date(), 0, none)).toThrow(RangeError);
  });

  it('validates local dates', () => {
    expect(isLocalDate('2026-02-28')).toBe(true);
    expect(isLocalDate('2026-02-30')).toBe(false);
    expect(isLocalDate('2026-2-3')).toBe(false);
  });
});

/**
 * Working-day arithmetic for customer reply deadlines. Pure: no database, no clock.
 *
 * Business days are counted in China Standard Time (Asia/Shanghai, UTC+8 all year — China has
 * had no daylight saving since 1991), so the offset is a constant rather than a time-zone
 * lookup. Saturdays and Sundays are non-working unless the calendar marks them WORKDAY (the
 * make-up working weekends of China's holiday schedule); any day marked HOLIDAY is non-working.
 */
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export type CalendarDayKind = 'HOLIDAY' | 'WORKDAY';
/** Calendar overrides by local date (YYYY-MM-DD). */
export type CalendarOverrides = ReadonlyMap<string, CalendarDayKind>;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in YYYY-MM-DD form (rejects 2026-02-30). */
export function isLocalDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** The business-day date (YYYY-MM-DD, Asia/Shanghai) an instant falls on. */
export function localDateOf(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a business day starts (00:00 Asia/Shanghai). */
function startOfLocalDate(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS);
}

export function addCalendarDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, overrides: CalendarOverrides): boolean {
  const marked = overrides.get(date);
  if (marked) return marked === 'WORKDAY';
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The n-th working day after `date` (the day itself does not count, as a period "within n
 * working days of receipt" starts the next day). n = 0 returns `date`.
 */
export function addWorkingDays(date: string, n: number, overrides: CalendarOverrides): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer, got ${n}`);
  let day = date;
  let left = n;
  // A year has well over 200 working days; the bound only guards against a calendar of holidays.
  for (let guard = 0; left > 0; guard++) {
    if (guard > 3660) throw new RangeError('no working day within ten years');
    day = addCalendarDays(day, 1);
    if (isWorkingDay(day, overrides)) left -= 1;
  }
  return day;
}

/** The last working day strictly before `date`. */
function previousWorkingDay(date: string, overrides: CalendarOverrides): string {
  let day = date;
  for (let guard = 0; ; guard++) {
    if (guard > 3660) throw new RangeError('no working day within ten years');
    day = addCalendarDays(day, -1);
    if (isWorkingDay(day, overrides)) return day;
  }
}

export interface ReplyDeadline {
  /** The last business day the customer may answer on (Asia/Shanghai). */
  deadlineDate: string;
  /** When the link stops working: the end of that day, i.e. 24:00 Asia/Shanghai. */
  expiresAt: Date;
  /** 09:00 Asia/Shanghai on the working day before the deadline day (or on it, for a one-day period); null if that is not after sending. */
  remindAt: Date | null;
}

const REMINDER_HOUR_MS = 9 * 3_600_000;

/** The reply deadline for a request sent at `sentAt`, `workingDays` working days to answer. */
export function replyDeadline(sentAt: Date, workingDays: number, overrides: CalendarOverrides): ReplyDeadline {
  if (!Number.isInteger(workingDays) || workingDays < 1) throw new RangeError(`reply period must be at least one working day`);
  const deadlineDate = addWorkingDays(localDateOf(sentAt), workingDays, overrides);
  const expiresAt = startOfLocalDate(addCalendarDays(deadlineDate, 1));
  const candidates = [previousWorkingDay(deadlineDate, overrides), deadlineDate].map(
    (d) => new Date(startOfLocalDate(d).getTime() + REMINDER_HOUR_MS),
  );
  const remindAt = candidates.find((at) => at > sentAt) ?? null;
  return { deadlineDate, expiresAt, remindAt };
}

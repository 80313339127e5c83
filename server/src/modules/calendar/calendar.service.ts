import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import { inTransaction } from '../../kernel/transaction.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { CalendarDay, CalendarDayKindEnum } from './calendar-day.entity.js';
import { addCalendarDays, isLocalDate, replyDeadline, type CalendarOverrides, type ReplyDeadline } from './working-days.js';

export interface CalendarDayInput {
  date: string;
  kind: CalendarDayKindEnum;
  name: string;
}

const MAX_DAYS_PER_CHANGE = 366;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The calendar years admins may edit: far enough either way for any reply period. */
const YEAR_MIN = 2000;
const YEAR_MAX = 2100;

function checkYear(year: number, field = 'year'): void {
  if (!Number.isInteger(year) || year < YEAR_MIN || year > YEAR_MAX)
    refuse(InputError, 'VALIDATION_FAILED', `The year is ${YEAR_MIN} to ${YEAR_MAX}.`, { field });
}

function checkDate(date: string, field: string): void {
  if (typeof date !== 'string' || !isLocalDate(date))
    refuse(InputError, 'VALIDATION_FAILED', `${date} is not a date (YYYY-MM-DD).`, { field });
  checkYear(Number(date.slice(0, 4)), field);
}

/**
 * The holiday calendar: which dates break the Monday-to-Friday rule. Admins maintain it; the
 * customer's reply deadline is counted on it at the moment a request is sent (a later change
 * does not move deadlines already given to customers).
 */
export class CalendarService {
  constructor(private readonly domainEvents: DomainEvents) {}

  /** Overrides from `from` on, far enough ahead for any reply period (60 working days < 1 year). */
  async overridesFrom(em: EntityManager, from: string): Promise<CalendarOverrides> {
    const rows = await em.find(CalendarDay, { date: { $gte: from, $lte: addCalendarDays(from, 400) } });
    return new Map(rows.map((r) => [r.date, r.kind]));
  }

  async replyDeadline(em: EntityManager, sentAt: Date, workingDays: number): Promise<ReplyDeadline> {
    const from = addCalendarDays(sentAt.toISOString().slice(0, 10), -1);
    return replyDeadline(sentAt, workingDays, await this.overridesFrom(em, from));
  }

  year(ctx: RequestContext, year: number) {
    if (!Number.isInteger(year) || year < YEAR_MIN || year > YEAR_MAX) return [];
    return ctx.em.find(CalendarDay, { date: { $gte: `${year}-01-01`, $lte: `${year}-12-31` } }, { orderBy: { date: 'asc' } });
  }

  /** Marks dates HOLIDAY or WORKDAY (creating or replacing them); all or nothing; audited. */
  setDays(ctx: RequestContext, days: CalendarDayInput[]) {
    return resultOf(async () => {
      if (!days.length) refuse(InputError, 'VALIDATION_FAILED', 'Name at least one date.', { field: 'days' });
      if (days.length > MAX_DAYS_PER_CHANGE)
        refuse(InputError, 'VALIDATION_FAILED', `At most ${MAX_DAYS_PER_CHANGE} dates at once.`, { field: 'days' });
      const seen = new Set<string>();
      const clean = days.map((d, i) => {
        checkDate(d.date, `days.${i}.date`);
        if (seen.has(d.date)) refuse(InputError, 'VALIDATION_FAILED', `${d.date} appears twice.`, { field: `days.${i}.date` });
        seen.add(d.date);
        if (!Object.values(CalendarDayKindEnum).includes(d.kind))
          refuse(InputError, 'VALIDATION_FAILED', 'The kind is HOLIDAY or WORKDAY.', { field: `days.${i}.kind` });
        const name = (d.name ?? '').trim();
        // Control characters and lone surrogates: PostgreSQL text and jsonb (the audit entry) refuse them.
        if (!name || name.length > 100 || CONTROL.test(name) || LONE_SURROGATE.test(name))
          refuse(InputError, 'VALIDATION_FAILED', 'Give the day a name (1 to 100 characters, no control characters).', {
            field: `days.${i}.name`,
          });
        const weekday = new Date(`${d.date}T00:00:00Z`).getUTCDay();
        // A WORKDAY on a weekday changes nothing: almost certainly a mistake for HOLIDAY.
        if (d.kind === CalendarDayKindEnum.WORKDAY && weekday !== 0 && weekday !== 6) {
          refuse(InputError, 'VALIDATION_FAILED', `${d.date} is a weekday; only a Saturday or Sunday can be a make-up working day.`, {
            field: `days.${i}.kind`,
          });
        }
        return { date: d.date, kind: d.kind, name };
      });
      return inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const existing = new Map((await em.find(CalendarDay, { date: { $in: [...seen] } })).map((r) => [r.date, r]));
        const replaced = [...existing.values()].map((r) => ({ date: r.date, kind: r.kind, name: r.name }));
        const saved = clean.map((d) => {
          const row = existing.get(d.date);
          if (row) return Object.assign(row, { kind: d.kind, name: d.name, updatedAt: new Date() });
          return em.create(CalendarDay, d);
        });
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'calendar.days_set',
          {
            days: clean,
            replaced,
          },
          { entity: { type: 'CalendarDay' } },
        );
        await em.flush();
        return { days: saved.sort((a, b) => a.date.localeCompare(b.date)) };
      });
    });
  }

  removeDay(ctx: RequestContext, date: string) {
    return resultOf(async () => {
      checkDate(date, 'date');
      return inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const row = await em.findOne(CalendarDay, { date });
        if (!row) refuse(NotFoundError, 'NOT_FOUND', `${date} is not marked in the calendar.`);
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'calendar.day_removed',
          { date, kind: row.kind, name: row.name },
          { entity: { type: 'CalendarDay', id: date } },
        );
        em.remove(row);
        await em.flush();
        return { date };
      });
    });
  }
}

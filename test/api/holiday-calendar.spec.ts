import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { RESULT_FIELDS, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()));
afterAll(async () => server?.close());

const SET = `mutation($d: [CalendarDayInput!]!) { setCalendarDays(days: $d) { ${RESULT_FIELDS} ... on InputError { field }
  ... on SetCalendarDaysSuccess { days { date kind name } } } }`;
const REMOVE = `mutation($d: String!) { removeCalendarDay(date: $d) { ${RESULT_FIELDS} ... on RemoveCalendarDaySuccess { date } } }`;
const YEAR = `query($y: Int!) { holidayCalendar(year: $y) { date kind name } }`;

type Day = { date: string; kind: string; name: string };
const calendarRows = () => server.sql<{ n: number }>(`select count(*)::int as n, max(updated_at) from calendar_day`);
const calendarAudit = () =>
  server.sql<{ action: string; actor_name: string; data: Record<string, unknown> }>(
    `select action, actor_name, data from audit_event where action like 'calendar.%' order by created_at`,
  );

/** The next `n` Monday-to-Friday dates after today in Asia/Shanghai. */
function nextWeekdays(n: number): string[] {
  const days: string[] = [];
  let t = Date.now() + 8 * 3_600_000;
  while (days.length < n) {
    t += 86_400_000;
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

describe('holiday calendar', () => {
  it('is seeded with China’s 2026 schedule (holidays and make-up working weekends) and the 2027 statutory days', async () => {
    const y2026 = (await wf.as<{ holidayCalendar: Day[] }>('clerk@example.com', YEAR, { y: 2026 })).holidayCalendar;
    const byDate = new Map(y2026.map((d) => [d.date, d.kind]));
    expect(byDate.get('2026-10-01')).toBe('HOLIDAY');
    expect(byDate.get('2026-10-07')).toBe('HOLIDAY');
    expect(byDate.get('2026-10-10')).toBe('WORKDAY');
    expect(byDate.get('2026-02-14')).toBe('WORKDAY');
    expect(byDate.get('2026-02-23')).toBe('HOLIDAY');
    expect(y2026.map((d) => d.date)).toEqual([...y2026.map((d) => d.date)].sort());
    const y2027 = (await wf.as<{ holidayCalendar: Day[] }>('clerk@example.com', YEAR, { y: 2027 })).holidayCalendar;
    expect(y2027.find((d) => d.date === '2027-02-06')?.kind).toBe('HOLIDAY');
  });

  it('refuses bad input with a field and changes nothing', async () => {
    const before = await calendarRows();
    const auditBefore = (await calendarAudit()).length;
    const cases: [Day[], string, RegExp][] = [
      [[{ date: '2026-02-30', kind: 'HOLIDAY', name: 'x' }], 'days.0.date', /not a date/],
      [[{ date: '2026-12-01', kind: 'WORKDAY', name: 'x' }], 'days.0.kind', /weekday/],
      [[{ date: '2026-12-05', kind: 'HOLIDAY', name: '  ' }], 'days.0.name', /name/],
      [
        [
          { date: '2026-12-05', kind: 'WORKDAY', name: 'ok' },
          { date: '2026-12-05', kind: 'HOLIDAY', name: 'twice' },
        ],
        'days.1.date',
        /twice/,
      ],
      [[{ date: '1999-12-31', kind: 'HOLIDAY', name: 'x' }], 'days.0.date', /year/],
      [[{ date: '2026-12-07', kind: 'HOLIDAY', name: 'a\u0007b' }], 'days.0.name', /control/],
      [[{ date: '2026-12-07', kind: 'HOLIDAY', name: 'a\uD800b' }], 'days.0.name', /control/],
      [[], 'days', /at least one/],
    ];
    for (const [days, field, message] of cases) {
      const r = (
        await wf.as<{ setCalendarDays: { __typename: string; code: string; message: string; field: string } }>('admin@example.com', SET, {
          d: days,
        })
      ).setCalendarDays;
      expect(r, JSON.stringify(days)).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED', field });
      expect(r.message).toMatch(message);
    }
    const badRemove = (await wf.as<{ removeCalendarDay: { code: string } }>('admin@example.com', REMOVE, { d: 'tomorrow' }))
      .removeCalendarDay;
    expect(badRemove.code).toBe('VALIDATION_FAILED');
    expect(await calendarRows()).toEqual(before);
    expect(await calendarAudit()).toHaveLength(auditBefore);
  });

  it('only administrators change it', async () => {
    const res = await server.gql(
      SET,
      { d: [{ date: '2026-12-14', kind: 'HOLIDAY', name: 'x' }] },
      await wf.token('sales.head@example.com'),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await server.sql(`select 1 from calendar_day where date = '2026-12-14'`)).toHaveLength(0);
  });

  it('an admin marks and removes days, audited; new deadlines are counted on the calendar', async () => {
    // The contract of SO-2026-00002 (seeded): ten working days, silence = acceptance.
    const order = await wf.as<{ order: { contract: { replyWorkingDays: number; silenceMeans: string } } }>(
      'clerk@example.com',
      `{ order(number: "SO-2026-00002") { contract { replyWorkingDays silenceMeans } } }`,
    );
    expect(order.order.contract).toEqual({ replyWorkingDays: 10, silenceMeans: 'ACCEPTANCE' });
    await server.sql(
      `update contract set reply_working_days = 1 where id = (select contract_id from sales_order where number = 'SO-2026-00002')`,
    );
    // With the next working day declared a holiday, one working day ends a working day later.
    const [holiday, workday] = nextWeekdays(2);
    const marked = (
      await wf.as<{ setCalendarDays: { days: Day[] } }>('admin@example.com', SET, {
        d: [{ date: holiday, kind: 'HOLIDAY', name: '测试假日 test holiday' }],
      })
    ).setCalendarDays;
    expect(marked.days).toEqual([{ date: holiday, kind: 'HOLIDAY', name: '测试假日 test holiday' }]);
    const audit = await calendarAudit();
    expect(audit.at(-1)).toMatchObject({ action: 'calendar.days_set', actor_name: expect.any(String) });
    expect(audit.at(-1)!.data.days).toEqual([{ date: holiday, kind: 'HOLIDAY', name: '测试假日 test holiday' }]);

    const t = await wf.submitApproved('clerk@example.com', {
      orderNumber: 'SO-2026-00002',
      reasonCode: 'CUSTOMER_CHANGE',
      explanation: 'calendar test',
      customerConfirmationRequired: true,
    });
    expect(t.status).toBe('AWAITING_CUSTOMER');
    const [c] = await server.sql<{ deadline_date: string }>(
      `select to_char(deadline_date, 'YYYY-MM-DD') as deadline_date from customer_confirmation where termination_id = $1`,
      [t.id],
    );
    expect(c!.deadline_date).toBe(workday);

    // Replacing a mark keeps one row; removing it is audited; removing again is NOT_FOUND.
    await wf.as('admin@example.com', SET, { d: [{ date: holiday, kind: 'HOLIDAY', name: 'renamed' }] });
    expect(await server.sql(`select name from calendar_day where date = $1`, [holiday])).toEqual([{ name: 'renamed' }]);
    const removed = (await wf.as<{ removeCalendarDay: { __typename: string; date: string } }>('admin@example.com', REMOVE, { d: holiday }))
      .removeCalendarDay;
    expect(removed).toEqual({ __typename: 'RemoveCalendarDaySuccess', date: holiday });
    expect((await calendarAudit()).at(-1)).toMatchObject({ action: 'calendar.day_removed', data: { date: holiday, name: 'renamed' } });
    const again = (await wf.as<{ removeCalendarDay: { code: string } }>('admin@example.com', REMOVE, { d: holiday })).removeCalendarDay;
    expect(again.code).toBe('NOT_FOUND');
  });
});

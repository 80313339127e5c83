import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

let server: TestServer;
let wf: Workflow;
let orders: string[];
beforeAll(async () => {
  server = await startTestServer();
  wf = new Workflow(server);
  orders = (
    await server.sql<{ number: string }>(
      `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION')
         and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
       order by o.number limit 3`,
    )
  ).map((o) => o.number);
}, 120_000);
afterAll(async () => server?.close());

/** B4's submission (test/bench/lib/lifecycle-client.js): the whole request is counted, answer included. */
const SUBMIT = `mutation Submit($input: SubmitTerminationInput!) { submitTermination(input: $input) {
  __typename ... on SubmitTerminationSuccess { termination { id number status approvalSteps { id stage department status } } }
  ... on ErrorResult { code message } } }`;

/*
 * What one submission costs (issue 18 "a cheap submit": 28 at first, then 12 without and 18 with
 * an idempotency key and a two-department first stage). The statements that remain, whatever the
 * number of lines, purchase orders, reservations, departments and deputies:
 *  1 the order, found by number and locked (submissions for one order queue here)
 *  2 the facts, the reason, the next number and the idempotency record in one read (after the
 *    lock, so they are current, and a twin that waited sees the first one's record)
 *  3 the first stage's SLA jobs (graphile_worker.add_jobs, one call for all its steps)
 *  4 the first stage's heads and the deputies standing in for them, with their languages
 *  5–10 one insert each into notification (heads' and deputies' notices), audit_event,
 *      termination, approval_step (all steps, the first stage already PENDING), termination_line
 *      (all lines), and the order's status update
 *  11 with an idempotency key: its record (an expired one under the key would be deleted first)
 * Not counted: who opted in to staff mail (read at most once a minute per instance,
 * staff-mail-directory.ts; a warm-up submission comes first) and the caller's session (below).
 */
const WITHOUT_KEY = 10;
const WITH_KEY = 11;

/**
 * The submission's own statements: the caller's session check is left out (it is cached 5 s per
 * instance, and a loaded machine can take longer than that between the warm-up and the count).
 */
const own = (statements: string[]) => statements.filter((sql) => !/from "user_session"/.test(sql));

/** The statements, numbered, for a failure message. */
const listed = (statements: string[]) => statements.map((sql, i) => `${i + 1}. ${sql.replace(/\s+/g, ' ').slice(0, 300)}`).join('\n');

describe('SQL statements of one submission', () => {
  it(`costs ${WITHOUT_KEY} statements, and the termination is as before`, async () => {
    const token = await wf.token('clerk@example.com');
    const input = (orderNumber: string) => ({
      orderNumber,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'Counting statements',
      customerConfirmationRequired: true,
    });
    // A first submission warms what is read once per process (e.g. the clerk's sign-in).
    await server.gql(SUBMIT, { input: input(orders[0]!) }, token);
    let result: Record<string, unknown> | undefined;
    const { statements } = await server.countQueries(async () => {
      const res = await server.gql<{ submitTermination: Record<string, unknown> }>(SUBMIT, { input: input(orders[1]!) }, token);
      result = res.data?.submitTermination;
    });
    expect(result?.__typename, JSON.stringify(result)).toBe('SubmitTerminationSuccess');
    expect(own(statements), listed(statements)).toHaveLength(WITHOUT_KEY);

    const t = (result as { termination: { id: string; status: string; approvalSteps: { stage: number; status: string }[] } }).termination;
    expect(t.status).toBe('PENDING_APPROVAL');
    const first = Math.min(...t.approvalSteps.map((s) => s.stage));
    for (const step of t.approvalSteps) expect(step.status).toBe(step.stage === first ? 'PENDING' : 'WAITING');
    // What the statements wrote: the order held, the first stage due with its SLA job, the heads told.
    const [row] = await server.sql<{
      order_status: string;
      lines: number;
      jobs: number;
      pending_due: number;
      notices: number;
      events: number;
    }>(
      `select o.status as order_status,
              (select count(*)::int from termination_line l where l.termination_id = t.id) as lines,
              (select count(*)::int from graphile_worker.jobs j where j.key in (select 'approval-sla:' || s.id from approval_step s where s.termination_id = t.id)) as jobs,
              (select count(*)::int from approval_step s where s.termination_id = t.id and s.status = 'PENDING' and s.due_at is not null and s.activated_at is not null) as pending_due,
              (select count(*)::int from notification n where n.termination_id = t.id and n.kind = 'APPROVAL_DUE') as notices,
              (select count(*)::int from audit_event a where a.termination_id = t.id and a.action = 'termination.submitted') as events
         from termination t join sales_order o on o.id = t.order_id where t.id = $1`,
      [t.id],
    );
    const pendingCount = t.approvalSteps.filter((s) => s.status === 'PENDING').length;
    expect(row).toMatchObject({ order_status: 'TERMINATION_PENDING', jobs: pendingCount, pending_due: pendingCount, events: 1 });
    expect(row!.lines).toBeGreaterThan(0);
    expect(row!.notices).toBeGreaterThan(0);
    // The answer's steps (given without reading them back) are the stored ones.
    const stored = await server.sql<{ id: string; stage: number; department: string; status: string }>(
      `select id, stage, department, status from approval_step where termination_id = $1 order by stage, department, id`,
      [t.id],
    );
    expect(stored.length).toBeGreaterThan(0);
    const key = (s: { stage: number; department: string; id: string }) => `${s.stage}:${s.department}:${s.id}`;
    const answered = (t.approvalSteps as unknown as { id: string; stage: number; department: string; status: string }[])
      .slice()
      .sort((a, b) => key(a).localeCompare(key(b)));
    expect(answered).toEqual(stored.slice().sort((a, b) => key(a).localeCompare(key(b))));
  });

  it(`a realistic submission (purchase orders, reservations, two departments in the first stage, a deputy, an idempotency key) costs ${WITH_KEY}; its replay 4`, async () => {
    const [warmUp, order] = await server.sql<{ number: string }>(
      `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION') and o.number <> all($1)
         and (select count(*) from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity) > 1
         and exists (select 1 from sales_order_line l join purchase_order_line pol on pol.sales_order_line_id = l.id where l.order_id = o.id)
         and exists (select 1 from sales_order_line l join reservation r on r.sales_order_line_id = l.id and r.status = 'ACTIVE' where l.order_id = o.id)
       order by o.number limit 2`,
      [orders],
    );
    // An administrator's rule puts Warehouse beside Sales in the first stage; Finance's head stands in for Warehouse's.
    await server.sql(
      `insert into approval_rule (id, code, department, stage, condition, sla_hours, description_zh, description_en)
       values (gen_random_uuid(), 'WAREHOUSE_FIRST', 'WAREHOUSE', 1, '{"always": true}', 12, '仓储部先审', 'Warehouse approves first')`,
    );
    await server.sql(
      `insert into approval_deputy (id, department, head_id, deputy_id, starts_at, ends_at)
       select gen_random_uuid(), 'WAREHOUSE', h.id, d.id, now() - interval '1 hour', now() + interval '1 day'
         from app_user h, app_user d where h.email = $1 and d.email = $2`,
      [HEAD_OF.WAREHOUSE, HEAD_OF.FINANCE],
    );
    const token = await wf.token('clerk@example.com');
    const inputFor = (orderNumber: string) => ({
      orderNumber,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'Counting statements',
      idempotencyKey: `count-${orderNumber}`,
    });
    // The warm-up (another such order): what is read at most once a minute is read now, not counted.
    await server.gql(SUBMIT, { input: inputFor(warmUp!.number) }, token);
    const input = inputFor(order!.number);
    let result: Record<string, unknown> | undefined;
    const first = await server.countQueries(async () => {
      result = (await server.gql<{ submitTermination: Record<string, unknown> }>(SUBMIT, { input }, token)).data?.submitTermination;
    });
    expect(result?.__typename, JSON.stringify(result)).toBe('SubmitTerminationSuccess');
    expect(own(first.statements), listed(first.statements)).toHaveLength(WITH_KEY);
    const t = (result as { termination: { id: string; approvalSteps: { department: string; status: string }[] } }).termination;
    expect(
      t.approvalSteps
        .filter((s) => s.status === 'PENDING')
        .map((s) => s.department)
        .sort(),
    ).toEqual(['SALES', 'WAREHOUSE']);
    expect(t.approvalSteps.map((s) => s.department)).toEqual(expect.arrayContaining(['PURCHASING']));

    // Both first-stage steps have their SLA job; both heads and the deputy are told, the deputy with the termination's link.
    const jobs = await server.sql<{ key: string; run_at: Date; due_at: Date }>(
      `select j.key, j.run_at, s.due_at from approval_step s join graphile_worker.jobs j on j.key = 'approval-sla:' || s.id
        where s.termination_id = $1 order by s.department`,
      [t.id],
    );
    expect(jobs).toHaveLength(2);
    for (const job of jobs) expect(new Date(job.run_at).getTime()).toBe(new Date(job.due_at).getTime());
    const notices = await server.sql<{ email: string; link: string; title: string }>(
      `select u.email, n.link, n.title from notification n join app_user u on u.id = n.user_id
        where n.termination_id = $1 and n.kind = 'APPROVAL_DUE' order by u.email`,
      [t.id],
    );
    expect(notices.map((n) => [n.email, n.link])).toEqual(
      [
        [HEAD_OF.SALES, '/board'],
        [HEAD_OF.WAREHOUSE, '/board'],
        [HEAD_OF.FINANCE, `/terminations/${(result as { termination: { number: string } }).termination.number}`],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );

    // The same request again: the order's lock and the read that finds the record (it draws a number
    // in vain: replays are rare), then the answer's termination and steps.
    let replay: Record<string, unknown> | undefined;
    const again = await server.countQueries(async () => {
      replay = (await server.gql<{ submitTermination: Record<string, unknown> }>(SUBMIT, { input }, token)).data?.submitTermination;
    });
    expect((replay as { termination: { id: string } }).termination.id).toBe(t.id);
    expect(own(again.statements), listed(again.statements)).toHaveLength(4);
  });

  it('a refused submission (unknown reason) writes nothing', async () => {
    const token = await wf.token('clerk@example.com');
    const res = await server.gql<{ submitTermination: { __typename: string; code: string } }>(
      SUBMIT,
      { input: { orderNumber: orders[2]!, reasonCode: 'NO_SUCH_REASON', explanation: 'nothing to write' } },
      token,
    );
    expect(res.data?.submitTermination.code).toBe('NOT_FOUND');
    const [row] = await server.sql<{ status: string; n: number }>(
      `select o.status, (select count(*)::int from termination t where t.order_id = o.id) as n from sales_order o where o.number = $1`,
      [orders[2]],
    );
    expect(row).toMatchObject({ n: 0 });
    expect(row!.status).not.toBe('TERMINATION_PENDING');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

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
 * What one submission costs (issue 18 "a cheap submit", was 28). The 12 that remain:
 *  1 the order, found by number and locked (submissions for one order queue here)
 *  2 the facts, the reason and the next number in one read (after the lock, so they are current)
 *  3 the first stage's SLA job (graphile_worker.add_job)
 *  4–7 the in-app notice to the first stage's heads and their deputies (approval-notices
 *      subscriber: heads, their languages, deputies, the notice rows)
 *  8–12 one insert each into audit_event, termination, approval_step (all steps, the first stage
 *      already PENDING), termination_line (all lines), and the order's status update
 */
const CEILING = 12;

describe('SQL statements of one submission', () => {
  it(`costs at most ${CEILING} statements, and the termination is as before`, async () => {
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
    const { count, statements } = await server.countQueries(async () => {
      const res = await server.gql<{ submitTermination: Record<string, unknown> }>(SUBMIT, { input: input(orders[1]!) }, token);
      result = res.data?.submitTermination;
    });
    expect(result?.__typename, JSON.stringify(result)).toBe('SubmitTerminationSuccess');
    expect(count, statements.join('\n---\n')).toBeLessThanOrEqual(CEILING);
    console.log(`submitTermination: ${count} SQL statements`);

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

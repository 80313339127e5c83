import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsGroup } from '../../server/src/modules/reporting/reporting.types.js';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';
import { OracleReportingService } from './termination-stats-oracle.js';

/*
 * terminationStats reads fact tables kept by triggers (Migration20261210300000). On the demo data,
 * after terminations went through every status with the API, its figures must equal those of the
 * aggregate over the source tables it replaced (termination-stats-oracle.ts), for several periods
 * and breakdowns; and the facts must equal what the source rows say, also after changes made at once.
 */

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()), 120_000);
afterAll(async () => server?.close());

const CLERK = 'clerk@example.com';

/** What the fact tables should hold, computed from the source tables; each row as text for comparison. */
const EXPECTED_FACTS = [
  `select t.id, t.created_at, t.effective_at, t.closed_at, t.status, t.reason_id, o.customer_id, o.currency, (t.impact->>'terminatedValue')::numeric
     from termination t join sales_order o on o.id = t.order_id`,
  `select tl.id, tl.termination_id, t.created_at, l.product_id, o.currency, tl.amount
     from termination_line tl join termination t on t.id = tl.termination_id join sales_order o on o.id = t.order_id
     join sales_order_line l on l.id = tl.sales_order_line_id`,
  `select s.id, s.termination_id, t.created_at, s.stage, s.department, s.status, s.activated_at, s.decided_at, s.due_at
     from approval_step s join termination t on t.id = s.termination_id`,
];
const FACTS = [
  `select termination_id, created_at, effective_at, closed_at, status, reason_id, customer_id, currency, terminated_value from termination_stat`,
  `select line_id, termination_id, created_at, product_id, currency, amount from termination_stat_line`,
  `select step_id, termination_id, created_at, stage, department, status, activated_at, decided_at, due_at from termination_stat_step`,
];

async function expectFactsMatchSources() {
  for (const [i, facts] of FACTS.entries()) {
    const [diff] = await server.sql<{ missing: string; extra: string; n: string }>(
      `with e as (${EXPECTED_FACTS[i]}), f as (${facts})
       select (select count(*) from (select * from e except select * from f) x) as missing,
              (select count(*) from (select * from f except select * from e) x) as extra,
              (select count(*) from f) as n`,
    );
    expect({ table: i, missing: Number(diff!.missing), extra: Number(diff!.extra) }).toEqual({ table: i, missing: 0, extra: 0 });
    expect(Number(diff!.n), `fact table ${i} has rows`).toBeGreaterThan(0);
  }
}

/** Open demo orders without a termination, foreign-currency ones first. */
async function openOrders(n: number): Promise<string[]> {
  const rows = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION')
        and not exists (select 1 from termination t where t.order_id = o.id)
        and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
      order by (o.currency = 'CNY'), o.number limit $1`,
    [n],
  );
  expect(rows).toHaveLength(n);
  return rows.map((r) => r.number);
}

async function submit(orderNumber: string, reasonCode: string, customerConfirmationRequired: boolean): Promise<string> {
  const result = await wf.submit(CLERK, { orderNumber, reasonCode, explanation: 'stats facts case', customerConfirmationRequired });
  expect(result.__typename, JSON.stringify(result)).toBe('SubmitTerminationSuccess');
  return result.termination!.id;
}

describe('terminationStats over the fact tables', () => {
  it('equals the aggregate over the source tables after terminations went through every status', async () => {
    const orders = await openOrders(8);
    // Pending, rejected, withdrawn.
    await submit(orders[0]!, 'CUSTOMER_CANCELLATION', false);
    const rejected = await submit(orders[1]!, 'CUSTOMER_CHANGE', false);
    const first = (await wf.get(rejected)).approvalSteps.find((s) => s.status === 'PENDING')!;
    expect((await wf.decide(HEAD_OF[first.department]!, first.id, 'REJECT', 'no')).__typename).toBe('DecideApprovalSuccess');
    const withdrawn = await submit(orders[2]!, 'OTHER', false);
    await wf.as(CLERK, `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { __typename } }`, {
      i: { terminationId: withdrawn, reason: 'stats' },
    });
    // Awaiting the customer, declined by the customer, effective, closed.
    expect((await wf.approveAll(await submit(orders[3]!, 'CUSTOMER_CANCELLATION', true))).status).toBe('AWAITING_CUSTOMER');
    const declined = await wf.approveAll(await submit(orders[4]!, 'CUSTOMER_CANCELLATION', true));
    expect((await wf.respond(await wf.confirmationToken(declined.customerConfirmation!.recipient), false)).__typename).toBe(
      'RespondToTerminationSuccess',
    );
    expect((await wf.get(declined.id)).status).toBe('CUSTOMER_DECLINED');
    expect((await wf.approveAndAccept(await submit(orders[5]!, 'DUPLICATE_ORDER', false))).status).toBe('EFFECTIVE');
    const closing = await wf.approveAndAccept(await submit(orders[6]!, 'INTERNAL_DECISION', false));
    expect(closing.status).toBe('EFFECTIVE');
    const byDepartment: Record<string, string> = { ...HEAD_OF, SALES: CLERK };
    for (const task of closing.followUpTasks.filter((x) => x.status === 'OPEN')) {
      const extra = task.kind === 'CUSTOMER_OUTCOME' ? { outcome: 'NONE' } : {};
      const done = await wf.complete(byDepartment[task.department]!, task.id, `${task.kind} done`, extra);
      expect(done.__typename, JSON.stringify({ task, done })).toBe('CompleteFollowUpTaskSuccess');
    }
    expect((await wf.get(closing.id)).status).toBe('CLOSED');
    // An older submission, an overdue step, a rate missing on some day: the periods and the money differ.
    await submit(orders[7]!, 'PRODUCT_DISCONTINUED', false);
    await server.sql(
      `update termination set created_at = created_at - interval '40 days' where id = (select id from termination order by created_at limit 1)`,
    );
    await server.sql(`update approval_step set due_at = now() - interval '1 hour' where status = 'PENDING'`);
    const statuses = await server.sql<{ status: string }>(`select distinct status from termination order by status`);
    expect(statuses.map((s) => s.status)).toEqual(
      ['AWAITING_CUSTOMER', 'CLOSED', 'CUSTOMER_DECLINED', 'EFFECTIVE', 'PENDING_APPROVAL', 'REJECTED', 'WITHDRAWN'].sort(),
    );
    await expectFactsMatchSources();

    const ctx = server.app.systemContext();
    const oracle = new OracleReportingService(server.app.services.exchangeRates);
    const now = new Date();
    const day = 86_400_000;
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const cases: [Date | null, Date | null, StatsGroup[] | null][] = [
      [null, null, null],
      [monthStart, null, null],
      [new Date(Date.UTC(now.getUTCFullYear(), 0, 1)), null, ['REASON', 'MONTH', 'DEPARTMENT']],
      [new Date(now.getTime() - 10 * day + 12_345), new Date(now.getTime() + 3_600_000), null],
      [null, new Date(now.getTime() - day), ['CUSTOMER', 'PRODUCT']],
      [new Date(now.getTime() - 50 * day), new Date(now.getTime() - 30 * day), null],
      [new Date('2099-01-01T00:00:00Z'), null, null],
    ];
    const compare = async () => {
      for (const [from, to, groupBy] of cases) {
        const label = JSON.stringify({ from, to, groupBy });
        const expected = await oracle.stats(ctx, from, to, groupBy);
        const actual = await server.app.services.reporting.stats(ctx, from, to, groupBy);
        expect(actual, label).toEqual(expected);
      }
    };
    await compare();
    const all = await server.app.services.reporting.stats(ctx);
    expect(all.total).toBe(8);
    expect(all.byCustomer.length).toBeGreaterThan(1);
    expect(all.byProduct.length).toBeGreaterThan(1);
    expect(all.perStage.length).toBeGreaterThan(0);

    // The ERP changes an order's customer and currency and an order line's product: the facts follow.
    await server.sql(
      `update sales_order set currency = case when currency = 'CNY' then 'USD' else 'CNY' end,
              customer_id = (select id from customer order by code desc limit 1)
        where id = (select order_id from termination order by created_at desc limit 1)`,
    );
    await server.sql(
      `update sales_order_line set product_id = (select id from product order by sku desc limit 1)
        where id = (select sales_order_line_id from termination_line order by created_at limit 1)`,
    );
    await expectFactsMatchSources();
    await compare();
  }, 180_000);

  it('stays right when terminations change at once', async () => {
    const orders = await openOrders(4);
    const ids = await Promise.all(orders.map((o) => submit(o, 'CUSTOMER_CANCELLATION', false)));
    const steps = await Promise.all(ids.map(async (id) => (await wf.get(id)).approvalSteps.find((s) => s.status === 'PENDING')!));
    await Promise.all(steps.map((s, i) => wf.decide(HEAD_OF[s.department]!, s.id, i % 2 ? 'REJECT' : 'APPROVE')));
    await Promise.all(
      ids.slice(2).map((terminationId) =>
        wf.as(CLERK, `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { __typename } }`, {
          i: { terminationId, reason: 'at once' },
        }),
      ),
    );
    await expectFactsMatchSources();
    const ctx = server.app.systemContext();
    expect(await server.app.services.reporting.stats(ctx)).toEqual(
      await new OracleReportingService(server.app.services.exchangeRates).stats(ctx),
    );
  }, 120_000);
});

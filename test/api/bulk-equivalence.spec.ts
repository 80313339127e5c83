import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userActor } from '../../server/src/kernel/actor.js';
import { createContext } from '../../server/src/kernel/context.js';
import { TerminationFault } from '../../server/src/modules/termination/termination-reason.entity.js';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

/*
 * A bulk run submits its orders in chunks (TerminationService.submitMany); a clerk submits them
 * one by one. On two copies of the demo data, both must end with the same terminations, lines,
 * approval steps, notices, events and refusals (ids, numbers and times aside).
 */

let bulk: { server: TestServer; wf: Workflow };
let single: { server: TestServer; wf: Workflow };
beforeAll(async () => {
  // Chunks of 5: the product's orders take several chunks, and a refusal lands inside one.
  bulk = await startWorkflowServer({ env: { BULK_BATCH_SIZE: '5' } });
  single = await startWorkflowServer();
}, 180_000);
afterAll(async () => {
  await bulk?.server.close();
  await single?.server.close();
});

const EXPLANATION = '供应商停产，终止全部未交付订单行。';

/** What a termination of `orders` came to, keyed by order number, without ids, numbers or times. */
async function outcome(server: TestServer, orders: string[]) {
  const terminations = await server.sql<Record<string, unknown> & { order_number: string; impact: Record<string, unknown> }>(
    `select o.number as order_number, o.status as order_status, t.status, t.fault, t.scope, t.explanation, r.code as reason,
            t.customer_confirmation_required, u.email as requested_by, t.impact, t.customer_id = o.customer_id as carries_order_customer,
            (select json_agg(json_build_object('line', sl.line_no, 'quantity', tl.quantity, 'amount', tl.amount::text) order by sl.line_no)
               from termination_line tl join sales_order_line sl on sl.id = tl.sales_order_line_id where tl.termination_id = t.id) as lines,
            (select json_agg(json_build_object('stage', s.stage, 'department', s.department, 'rule', s.rule_code, 'sla', s.sla_hours,
                     'status', s.status, 'due', s.due_at is not null,
                     'slaJob', exists (select 1 from graphile_worker.jobs j where j.key = 'approval-sla:' || s.id))
                     order by s.stage, s.department)
               from approval_step s where s.termination_id = t.id) as steps,
            (select json_agg(a.action order by a.action) from audit_event a where a.termination_id = t.id) as events,
            (select json_agg(json_build_object('to', nu.email, 'kind', n.kind) order by nu.email, n.kind)
               from notification n join app_user nu on nu.id = n.user_id where n.termination_id = t.id) as notices
       from termination t join sales_order o on o.id = t.order_id join termination_reason r on r.id = t.reason_id
       join app_user u on u.id = t.requested_by_id
      where o.number = any($1) and t.explanation = $2
      order by o.number`,
    [orders, EXPLANATION],
  );
  return terminations.map(({ impact, ...t }) => {
    const { computedAt: _computedAt, ...rest } = impact;
    return { ...t, impact: rest };
  });
}

describe('a bulk run and one-by-one submission on the demo data', () => {
  it('end with the same terminations, lines, steps, notices, events and refusals', async () => {
    // The demo product with the most open orders; one of them already has a running termination.
    const [product] = await bulk.server.sql<{ sku: string }>(
      `select p.sku from sales_order_line l join product p on p.id = l.product_id join sales_order o on o.id = l.order_id
        where l.quantity > l.shipped_quantity + l.terminated_quantity and o.status <> 'TERMINATED'
        group by p.sku order by count(distinct o.id) desc, p.sku limit 1`,
    );
    const sku = product!.sku;
    const affected = async (server: TestServer) =>
      server.sql<{ number: string; lines: { lineId: string; quantity: number }[] }>(
        `select o.number, json_agg(json_build_object('lineId', l.id, 'quantity', l.quantity - l.shipped_quantity - l.terminated_quantity) order by l.line_no) as lines
           from sales_order_line l join product p on p.id = l.product_id join sales_order o on o.id = l.order_id
          where p.sku = $1 and l.quantity > l.shipped_quantity + l.terminated_quantity and o.status <> 'TERMINATED'
          group by o.number order by o.number`,
        [sku],
      );
    const orders = await affected(bulk.server);
    expect(orders.length).toBeGreaterThan(10);
    const running = orders[3]!.number;
    for (const { wf } of [bulk, single]) {
      const t = await wf.submit('clerk@example.com', {
        orderNumber: running,
        reasonCode: 'CUSTOMER_CHANGE',
        explanation: 'already running',
      });
      expect(t.termination?.status, JSON.stringify(t)).toBe('PENDING_APPROVAL');
    }

    // The bulk run, on the first copy.
    const started = await bulk.wf.as<{ terminateDiscontinuedProduct: { id: string } }>(
      HEAD_OF.SALES!,
      `mutation($i: TerminateDiscontinuedProductInput!) { terminateDiscontinuedProduct(input: $i) { ... on BulkTerminationRun { id } } }`,
      { i: { productSku: sku, reasonCode: 'PRODUCT_DISCONTINUED', explanation: EXPLANATION } },
    );
    await bulk.server.app.runDueJobs();
    const [run] = await bulk.server.sql<{ status: string; total: number; created: number; skipped: number; failed: number }>(
      `select status, total, created, skipped, failed from bulk_termination_run where id = $1`,
      [started.terminateDiscontinuedProduct.id],
    );
    expect(run).toMatchObject({ status: 'COMPLETED', total: orders.length, failed: 0 });
    expect(run!.skipped).toBeGreaterThanOrEqual(1);
    const bulkRefusals = await bulk.server.sql<{ number: string; code: string; message: string }>(
      `select o.number, i.code, i.message from bulk_termination_item i join sales_order o on o.id = i.order_id where i.run_id = $1 order by o.number`,
      [started.terminateDiscontinuedProduct.id],
    );

    // The same orders submitted one by one, on the second copy, as the head of sales (who started the run).
    await single.server.sql(`update product set status = 'DISCONTINUED' where sku = $1`, [sku]);
    const singleRefusals: { number: string; code: string; message: string }[] = [];
    for (const order of await affected(single.server)) {
      const res = await single.wf.as<{ submitTermination: { __typename: string; code?: string; message?: string } }>(
        HEAD_OF.SALES!,
        `mutation($i: SubmitTerminationInput!) { submitTermination(input: $i) { __typename ... on ErrorResult { code message } } }`,
        { i: { orderNumber: order.number, reasonCode: 'PRODUCT_DISCONTINUED', explanation: EXPLANATION, lines: order.lines } },
      );
      if (res.submitTermination.code)
        singleRefusals.push({ number: order.number, code: res.submitTermination.code, message: res.submitTermination.message! });
    }

    expect(bulkRefusals).toEqual(singleRefusals);
    expect(bulkRefusals.map((r) => r.number)).toContain(running);
    const numbers = orders.map((o) => o.number);
    const [byBulk, oneByOne] = [await outcome(bulk.server, numbers), await outcome(single.server, numbers)];
    expect(byBulk).toHaveLength(orders.length - bulkRefusals.length);
    expect(byBulk).toEqual(oneByOne);
    expect(byBulk.every((t) => t.status === 'PENDING_APPROVAL' && t.order_status === 'TERMINATION_PENDING')).toBe(true);
    // The search by customer name reads the termination's own customer: the bulk run sets it as submission does.
    expect(byBulk.every((t) => t.carries_order_customer === true)).toBe(true);
  });

  it('a chunk costs the same statements for 2 orders as for 8', async () => {
    const { server } = single;
    const open = await server.sql<{ id: string }>(
      `select o.id from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION')
          and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
          and not exists (select 1 from termination t where t.order_id = o.id)
        order by o.number limit 11`,
    );
    expect(open).toHaveLength(11);
    const [head] = await server.sql<{ id: string; name: string; email: string }>(`select id, name, email from app_user where email = $1`, [
      HEAD_OF.SALES,
    ]);
    const ctx = () =>
      createContext({
        ...server.app.systemContext(),
        actor: userActor({
          userId: head!.id,
          sessionId: 'test',
          name: head!.name,
          email: head!.email,
          role: 'DEPT_HEAD',
          departmentCode: 'SALES',
          expiresAt: new Date(Date.now() + 3_600_000),
        }),
      });
    const chunk = async (ids: { id: string }[]) => {
      let created = 0;
      const { statements } = await server.countQueries(async () => {
        const results = await server.app.services.terminations.submitMany(
          ctx(),
          // No lines named: the whole open order.
          ids.map((o) => ({ orderId: o.id })),
          { reasonCode: 'SUPPLY_UNAVAILABLE', explanation: 'Counting statements per chunk', fault: TerminationFault.SELLER },
        );
        created = [...results.values()].filter((r) => 'termination' in r).length;
      });
      return { created, statements };
    };
    // A first chunk warms what is read at most once a minute per instance (who opted in to staff mail).
    expect((await chunk(open.slice(0, 1))).created).toBe(1);
    const two = await chunk(open.slice(1, 3));
    const eight = await chunk(open.slice(3, 11));
    expect(two.created).toBe(2);
    expect(eight.created).toBe(8);
    const listed = (statements: string[]) => statements.map((sql, i) => `${i + 1}. ${sql.replace(/\s+/g, ' ').slice(0, 200)}`).join('\n');
    expect(eight.statements.length, listed(eight.statements)).toBe(two.statements.length);
    // Lock, facts, the first stages' heads, SLA jobs, then one insert per table and the orders' update.
    expect(eight.statements.length, listed(eight.statements)).toBeLessThanOrEqual(11);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer({ env: { FAULT_INJECTION: '1', BULK_BATCH_SIZE: '5' } })));
afterAll(async () => server?.close());

const IMPACT = `query($sku: String!) { discontinuationImpact(productSku: $sku) {
  productSku orderCount openQuantity blockedCount openValueByCurrency { currency amount }
  orders { orderNumber customerName openQuantity openValue blockedBy } purchaseOrders { number status openQuantity orderCount } } }`;
const START = `mutation($i: TerminateDiscontinuedProductInput!) { terminateDiscontinuedProduct(input: $i) {
  __typename ... on ErrorResult { code message } ... on BulkTerminationRun { id status productSku } } }`;
const RUN = `query($id: ID!) { bulkTerminationRun(id: $id) { status total created skipped failed items { orderNumber outcome code } } }`;

interface Run {
  status: string;
  total: number;
  created: number;
  skipped: number;
  failed: number;
  items: { orderNumber: string; outcome: string; code: string }[];
}

describe('terminating a discontinued product in bulk', () => {
  let runId: string;
  let expectedOrders: string[];
  let blocked: string;

  it('previews every open order holding the product, and which would be blocked', async () => {
    // One affected order already has a running termination: the run must skip it, saying why.
    const [first] = await server.sql<{ number: string }>(
      `select distinct o.number from sales_order o join sales_order_line l on l.order_id = o.id join product p on p.id = l.product_id
        where p.sku = 'P-10902' and l.quantity > l.shipped_quantity + l.terminated_quantity order by o.number limit 1`,
    );
    blocked = first!.number;
    await wf.submit('clerk@example.com', { orderNumber: blocked, reasonCode: 'CUSTOMER_CHANGE', explanation: 'already being terminated' });
    const data = await wf.as<{
      discontinuationImpact: {
        orderCount: number;
        blockedCount: number;
        orders: { orderNumber: string; blockedBy: string | null }[];
        purchaseOrders: unknown[];
      };
    }>('sales.head@example.com', IMPACT, { sku: 'P-10902' });
    const impact = data.discontinuationImpact;
    expect(impact.orderCount).toBeGreaterThanOrEqual(12);
    expect(impact.blockedCount).toBe(1);
    expect(impact.orders.find((o) => o.orderNumber === blocked)!.blockedBy).toMatch(/^TR-/);
    expectedOrders = impact.orders.map((o) => o.orderNumber);
  });

  it('only an admin or the sales head may start it; it returns at once with a run', async () => {
    const input = {
      productSku: 'P-10902',
      reasonCode: 'PRODUCT_DISCONTINUED',
      explanation: '供应商停产，终止全部未交付订单行。',
      idempotencyKey: 'disc-10902',
    };
    const byClerk = await wf.as<{ terminateDiscontinuedProduct: { code: string } }>('clerk@example.com', START, { i: input });
    expect(byClerk.terminateDiscontinuedProduct.code).toBe('FORBIDDEN_ACTION');
    const started = await wf.as<{ terminateDiscontinuedProduct: { __typename: string; id: string; status: string } }>(
      'sales.head@example.com',
      START,
      { i: input },
    );
    expect(started.terminateDiscontinuedProduct).toMatchObject({ __typename: 'BulkTerminationRun', status: 'QUEUED' });
    runId = started.terminateDiscontinuedProduct.id;
    const again = await wf.as<{ terminateDiscontinuedProduct: { id: string } }>('sales.head@example.com', START, { i: input });
    expect(again.terminateDiscontinuedProduct.id).toBe(runId);
    const [product] = await server.sql<{ status: string }>(`select status from product where sku = 'P-10902'`);
    expect(product!.status).toBe('DISCONTINUED');
  });

  it('survives a crash mid-run: the next worker resumes where it stopped, without duplicates', async () => {
    // The first batch is processed, then the worker dies.
    server.app.services.faults.arm('bulk.afterBatch');
    await server.app.runDueJobs();
    server.app.services.faults.disarm();
    const midway = await wf.as<{ bulkTerminationRun: Run }>('sales.head@example.com', RUN, { id: runId });
    expect(midway.bulkTerminationRun.status).toBe('RUNNING');
    expect(midway.bulkTerminationRun.created + midway.bulkTerminationRun.skipped).toBeGreaterThan(0);
    expect(midway.bulkTerminationRun.created + midway.bulkTerminationRun.skipped).toBeLessThan(midway.bulkTerminationRun.total);

    // A restarted worker finds the interrupted run and finishes it.
    await server.app.services.bulk.resumeInterrupted(server.app.orm.em.fork());
    await server.app.services.bulk.process(server.app.systemContext(), runId);
    const done = (await wf.as<{ bulkTerminationRun: Run }>('sales.head@example.com', RUN, { id: runId })).bulkTerminationRun;
    expect(done.status).toBe('COMPLETED');
    expect(done.total).toBe(expectedOrders.length);
    expect(done.created + done.skipped + done.failed).toBe(done.total);
    expect(done.skipped).toBe(1);
    expect(done.failed).toBe(0);
    expect(done.items).toEqual([{ orderNumber: blocked, outcome: 'SKIPPED', code: 'ACTIVE_TERMINATION_EXISTS' }]);
    const perOrder = await server.sql<{ number: string; n: number }>(
      `select o.number, count(*)::int as n from termination t join sales_order o on o.id = t.order_id where t.bulk_run_id = $1 group by o.number`,
      [runId],
    );
    expect(perOrder.every((r) => r.n === 1)).toBe(true);
    expect(perOrder.map((r) => r.number).sort()).toEqual(expectedOrders.filter((n) => n !== blocked).sort());
    // Each is a partial termination of just that product's lines, in normal routed approval.
    const lines = await server.sql<{ sku: string }>(
      `select distinct p.sku from termination t join termination_line tl on tl.termination_id = t.id join sales_order_line l on l.id = tl.sales_order_line_id
         join product p on p.id = l.product_id where t.bulk_run_id = $1`,
      [runId],
    );
    expect(lines).toEqual([{ sku: 'P-10902' }]);
    const statuses = await server.sql<{ status: string }>(`select distinct status from termination where bulk_run_id = $1`, [runId]);
    expect(statuses).toEqual([{ status: 'PENDING_APPROVAL' }]);
  });

  it('a head decides many steps at once, each on its own', async () => {
    const board = await wf.as<{ approvalBoard: { pending: { id: string }[] } }>(
      'sales.head@example.com',
      `query($r: ID) { approvalBoard(department: "SALES", bulkRunId: $r) { pending { id } } }`,
      { r: runId },
    );
    const stepIds = board.approvalBoard.pending.map((s) => s.id);
    expect(stepIds.length).toBeGreaterThan(5);
    const foreign = (
      await wf.as<{ approvalBoard: { pending: { id: string }[] } }>(
        'admin@example.com',
        `{ approvalBoard(department: "PURCHASING") { pending { id } } }`,
      )
    ).approvalBoard.pending;
    const data = await wf.as<{ decideApprovals: { stepId: string; result: { __typename: string; code?: string } }[] }>(
      HEAD_OF.SALES!,
      `mutation($i: DecideApprovalsInput!) { decideApprovals(input: $i) { stepId result { __typename ... on ErrorResult { code } } } }`,
      { i: { stepIds: [...stepIds, stepIds[0], ...foreign.slice(0, 1)], decision: 'APPROVE', comment: '批量同意' } },
    );
    const byId = new Map(data.decideApprovals.map((d) => [d.stepId, d.result]));
    expect(stepIds.every((id) => byId.get(id)!.__typename === 'DecideApprovalSuccess')).toBe(true);
    if (foreign[0]) expect(byId.get(foreign[0].id)!.code).toBe('NOT_YOUR_DEPARTMENT');
    expect(data.decideApprovals).toHaveLength(stepIds.length + (foreign[0] ? 1 : 0));
  });
});

describe('analytics on a known data set', () => {
  it('counts, cycle times and SLA breaches are exact', async () => {
    // Three terminations taken through with set timestamps: effective after 10, 20 and 60 hours.
    const ids: string[] = [];
    for (const order of ['SO-2026-00005', 'SO-2026-00006', 'SO-2026-00007']) {
      const t = (
        await wf.submit('clerk@example.com', {
          orderNumber: order,
          reasonCode: 'INTERNAL_DECISION',
          explanation: 'analytics data set',
          customerConfirmationRequired: false,
        })
      ).termination!;
      const current = await wf.approveAndAccept(t.id);
      expect(current.status).toBe('EFFECTIVE');
      ids.push(t.id);
    }
    const base = '2026-06-01T00:00:00Z';
    for (const [i, hours] of [10, 20, 60].entries()) {
      await server.sql(
        `update termination set created_at = $2::timestamptz + interval '1 day' * $3, effective_at = $2::timestamptz + interval '1 day' * $3 + interval '1 hour' * $4 where id = $1`,
        [ids[i], base, i, hours],
      );
      // Every step of it: activated at submission, decided after 2, 4, 8 … hours; due after 3 hours.
      await server.sql(
        `update approval_step set activated_at = $2::timestamptz + interval '1 day' * $3, decided_at = $2::timestamptz + interval '1 day' * $3 + interval '1 hour' * (2 * ($3 + 1)),
                due_at = $2::timestamptz + interval '1 day' * $3 + interval '3 hour' where termination_id = $1`,
        [ids[i], base, i],
      );
    }
    const data = await wf.as<{
      terminationStats: {
        total: number;
        submittedToEffective: { count: number; medianHours: number; p90Hours: number };
        perStage: { stage: number; department: string; count: number; medianHours: number }[];
        byDepartment: { department: string; steps: number; slaBreaches: number }[];
        byReason: { key: string; count: number }[];
        byCustomer: { key: string; count: number }[];
      };
    }>(
      'gm@example.com',
      `query { terminationStats(from: "2026-06-01T00:00:00Z", to: "2026-06-30T00:00:00Z") { total
        submittedToEffective { count medianHours p90Hours } perStage { stage department count medianHours }
        byDepartment { department steps slaBreaches } byReason { key count } byCustomer { key count } } }`,
    );
    const s = data.terminationStats;
    expect(s.total).toBe(3);
    expect(s.submittedToEffective).toEqual({ count: 3, medianHours: 20, p90Hours: 52 });
    const sales = s.perStage.find((x) => x.department === 'SALES')!;
    expect(sales).toMatchObject({ stage: 1, count: 3, medianHours: 4 });
    // Decided after 2 h (in time), 4 h and 6 h (late): the steps of the 2nd and 3rd terminations breach.
    const late = await server.sql<{ department: string; n: number }>(
      `select department, count(*)::int as n from approval_step where termination_id in ($1, $2) and status <> 'SKIPPED' group by department`,
      [ids[1], ids[2]],
    );
    expect(s.byDepartment.map((d) => [d.department, d.slaBreaches]).filter(([, n]) => n)).toEqual(
      late.map((r) => [r.department, r.n]).sort(),
    );
    expect(s.byReason).toEqual([{ key: 'INTERNAL_DECISION', count: 3 }]);
    expect(s.byCustomer.reduce((n, c) => n + c.count, 0)).toBe(3);
  });
});

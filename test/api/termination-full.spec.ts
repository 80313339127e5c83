import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, impactQuery, type Workflow, type TerminationView } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()));
afterAll(async () => server?.close());

const ORDER = 'SO-2026-00001';

const IMPACT = impactQuery(`
  scope orderValue terminatedValue amountInvoiced amountPaid feeRate cancellationFee refundDue feeOutstanding currency orderStage
  customerConfirmationRequired customerConfirmationByContract departmentsToNotify
  lines { lineId lineNo quantity amount }
  purchaseOrders { number action shared amount penalty lines { cancelQuantity } }
  sharedPurchaseOrderOrders { purchaseOrderNumber orderNumber customerName }
  reservations { sku warehouseCode quantity }
  shipments { number status }
  contractClauses { code titleZh }
  approvalRoute { stage department ruleCode slaHours }
  blockers { code message } warnings { code message }
`);

describe('whole-order termination of an order with POs, reservations and a payment', () => {
  let before: { reservedByStock: Map<string, number>; poStatuses: Map<string, string> };
  let impact: Record<string, never> & {
    purchaseOrders: { number: string; action: string; shared: boolean }[];
    reservations: { sku: string; warehouseCode: string; quantity: number }[];
    approvalRoute: { stage: number; department: string }[];
    refundDue: string;
    cancellationFee: string;
    amountPaid: string;
  };
  let termination: TerminationView;

  it('previews the impact from live data, changing nothing', async () => {
    const countBefore = await server.sql<{ n: string }>(`select count(*) as n from termination`);
    const data = await wf.as<{ terminationImpact: typeof impact & { __typename: string } }>('clerk@example.com', IMPACT, {
      input: { orderNumber: ORDER, reasonCode: 'CUSTOMER_CANCELLATION' },
    });
    impact = data.terminationImpact as never;
    expect(data.terminationImpact.__typename).toBe('TerminationImpact');
    const i = data.terminationImpact as unknown as Record<string, unknown>;
    expect(i.scope).toBe('FULL');
    expect(i.blockers).toEqual([]);
    expect(impact.purchaseOrders.map((p) => [p.action, p.shared])).toEqual(
      expect.arrayContaining([
        ['CANCEL', false],
        ['REDUCE', true],
      ]),
    );
    expect((i.sharedPurchaseOrderOrders as { orderNumber: string }[]).map((s) => s.orderNumber)).toContain('SO-2026-00002');
    expect(impact.reservations.length).toBeGreaterThanOrEqual(2);
    expect(Number(impact.amountPaid)).toBeGreaterThan(0);
    // Contract fee 10 % at PURCHASING_CONFIRMED; nothing kept, so refund = paid − fee.
    expect(i.orderStage).toBe('PURCHASING_CONFIRMED');
    expect(i.feeRate).toBe('0.10');
    expect(Number(impact.cancellationFee)).toBeCloseTo(Number(i.terminatedValue) * 0.1, 2);
    expect(Number(impact.refundDue)).toBeCloseTo(Math.max(0, Number(impact.amountPaid) - Number(impact.cancellationFee)), 2);
    expect(i.customerConfirmationRequired).toBe(true);
    expect(i.customerConfirmationByContract).toBe(true);
    expect(impact.approvalRoute.map((s) => `${s.stage}:${s.department}`)).toEqual(['1:SALES', '2:PURCHASING', '2:WAREHOUSE', '3:FINANCE']);
    expect((i.contractClauses as unknown[]).length).toBeGreaterThanOrEqual(3);
    expect(i.departmentsToNotify).toEqual(expect.arrayContaining(['SALES', 'PURCHASING', 'WAREHOUSE', 'FINANCE', 'CUSTOMER_SERVICE']));
    const countAfter = await server.sql<{ n: string }>(`select count(*) as n from termination`);
    expect(countAfter).toEqual(countBefore);
    const [order] = await server.sql<{ status: string }>(`select status from sales_order where number = $1`, [ORDER]);
    expect(order!.status).toBe('CONFIRMED');
  });

  it('submits: nothing changes on the order yet but its status; stage 1 is pending', async () => {
    const stock = await server.sql<{ key: string; reserved: number }>(
      `select w.code || ':' || p.sku as key, s.reserved from stock_level s join warehouse w on w.id = s.warehouse_id join product p on p.id = s.product_id`,
    );
    const pos = await server.sql<{ number: string; status: string }>(`select number, status from purchase_order`);
    before = { reservedByStock: new Map(stock.map((r) => [r.key, r.reserved])), poStatuses: new Map(pos.map((p) => [p.number, p.status])) };

    const result = await wf.submit('clerk@example.com', {
      orderNumber: ORDER,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '客户因项目取消，来函要求终止整张订单。',
    });
    expect(result.__typename).toBe('SubmitTerminationSuccess');
    termination = result.termination!;
    expect(termination.number).toMatch(/^TR-\d{4}-\d{6}$/);
    expect(termination.status).toBe('PENDING_APPROVAL');
    expect(termination.order.status).toBe('TERMINATION_PENDING');
    expect(termination.approvalSteps.map((s) => `${s.stage}:${s.department}:${s.status}`)).toEqual([
      '1:SALES:PENDING',
      '2:PURCHASING:WAITING',
      '2:WAREHOUSE:WAITING',
      '3:FINANCE:WAITING',
    ]);
    const lines = await server.sql<{ terminated_quantity: number }>(
      `select l.terminated_quantity from sales_order_line l join sales_order o on o.id = l.order_id where o.number = $1`,
      [ORDER],
    );
    expect(lines.every((l) => l.terminated_quantity === 0)).toBe(true);
  });

  it('refuses a second termination of the same order', async () => {
    const again = await wf.submit('clerk@example.com', {
      orderNumber: ORDER,
      reasonCode: 'OTHER',
      explanation: 'second try at the same order',
    });
    expect(again.__typename).toBe('ActiveTerminationExistsError');
    expect(again.code).toBe('ACTIVE_TERMINATION_EXISTS');
  });

  it('refuses decisions out of turn and by other departments', async () => {
    const t = await wf.get(termination.id);
    const purchasing = t.approvalSteps.find((s) => s.department === 'PURCHASING')!;
    const early = await wf.decide(HEAD_OF.PURCHASING!, purchasing.id, 'APPROVE');
    expect(early.code).toBe('STEP_NOT_ACTIVE');
    const sales = t.approvalSteps.find((s) => s.department === 'SALES')!;
    const wrongHead = await wf.decide(HEAD_OF.WAREHOUSE!, sales.id, 'APPROVE');
    expect(wrongHead.code).toBe('NOT_YOUR_DEPARTMENT');
    // A clerk may stand in for a head (a deputy) but is no one's deputy here: a typed refusal.
    const clerk = await wf.decide('clerk@example.com', sales.id, 'APPROVE');
    expect(clerk.code).toBe('NOT_YOUR_DEPARTMENT');
    const unchanged = await wf.get(termination.id);
    expect(unchanged.version).toBe(t.version);
  });

  it('goes through every stage in order, then waits for the customer with an e-mailed link', async () => {
    const t = await wf.approveAll(termination.id);
    expect(t.status).toBe('AWAITING_CUSTOMER');
    expect(t.approvalSteps.every((s) => s.status === 'APPROVED')).toBe(true);
    expect(t.customerConfirmation?.status).toBe('PENDING');
    await server.app.runDueJobs();
    const [mail] = await server.sql<{ status: string; subject: string }>(
      `select status, subject from mail_message where termination_id = $1 order by created_at desc limit 1`,
      [termination.id],
    );
    expect(mail).toMatchObject({ status: 'SENT' });
    expect(mail!.subject).toContain(ORDER);
  });

  it('shows the customer what will happen, without sign-in, and takes effect on acceptance', async () => {
    const t = await wf.get(termination.id);
    const token = await wf.confirmationToken(t.customerConfirmation!.recipient);
    const view = await server.gql<{ customerConfirmation: Record<string, unknown> }>(
      `query($t: String!) { customerConfirmation(token: $t) { __typename ... on ErrorResult { code }
        ... on CustomerConfirmationView { orderNumber terminationNumber cancellationFee refundDue explanation lines { sku quantity } contractClauses { code } } } }`,
      { t: token },
    );
    expect(view.data?.customerConfirmation).toMatchObject({
      __typename: 'CustomerConfirmationView',
      orderNumber: ORDER,
      cancellationFee: impact.cancellationFee,
      refundDue: impact.refundDue,
    });
    const answer = await wf.respond(token, true, { note: '同意终止，请退款。', preferredResolution: 'REFUND' });
    expect(answer).toMatchObject({ __typename: 'RespondToTerminationSuccess', status: 'EFFECTIVE' });

    const reused = await wf.respond(token, false);
    expect(reused.code).toBe('TOKEN_USED');
  });

  it('applied everything in one go: lines, POs, stock, settlement, customer, checklist', async () => {
    const t = await wf.get(termination.id);
    expect(t.status).toBe('EFFECTIVE');
    expect(t.order.status).toBe('TERMINATED');
    const lines = await server.sql<{ quantity: number; shipped_quantity: number; terminated_quantity: number }>(
      `select l.quantity, l.shipped_quantity, l.terminated_quantity from sales_order_line l join sales_order o on o.id = l.order_id where o.number = $1`,
      [ORDER],
    );
    expect(lines.every((l) => l.terminated_quantity === l.quantity - l.shipped_quantity)).toBe(true);

    const cancelled = impact.purchaseOrders.find((p) => p.action === 'CANCEL')!;
    const reduced = impact.purchaseOrders.find((p) => p.action === 'REDUCE')!;
    const pos = await server.sql<{ number: string; status: string; cancelled: number }>(
      `select po.number, po.status, sum(pol.cancelled_quantity)::int as cancelled from purchase_order po join purchase_order_line pol on pol.purchase_order_id = po.id
        where po.number in ($1, $2) group by po.number, po.status`,
      [cancelled.number, reduced.number],
    );
    expect(pos.find((p) => p.number === cancelled.number)!.status).toBe('CANCELLED');
    const reducedRow = pos.find((p) => p.number === reduced.number)!;
    expect(reducedRow.status).toBe(before.poStatuses.get(reduced.number));
    expect(reducedRow.cancelled).toBeGreaterThan(0);

    for (const r of impact.reservations) {
      const [row] = await server.sql<{ reserved: number }>(
        `select s.reserved from stock_level s join warehouse w on w.id = s.warehouse_id join product p on p.id = s.product_id where w.code = $1 and p.sku = $2`,
        [r.warehouseCode, r.sku],
      );
      const released = impact.reservations
        .filter((x) => x.sku === r.sku && x.warehouseCode === r.warehouseCode)
        .reduce((n, x) => n + x.quantity, 0);
      expect(row!.reserved).toBe(before.reservedByStock.get(`${r.warehouseCode}:${r.sku}`)! - released);
    }
    const active = await server.sql(
      `select 1 from reservation r join sales_order_line l on l.id = r.sales_order_line_id join sales_order o on o.id = l.order_id where o.number = $1 and r.status = 'ACTIVE'`,
      [ORDER],
    );
    expect(active).toHaveLength(0);

    expect(t.settlement).toMatchObject({
      kind: 'REFUND',
      status: 'OPEN',
      refundDue: impact.refundDue,
      cancellationFee: impact.cancellationFee,
    });
    const [customer] = await server.sql<{ termination_count: number }>(
      `select c.termination_count from customer c join sales_order o on o.customer_id = c.id where o.number = $1`,
      [ORDER],
    );
    expect(customer!.termination_count).toBe(1);
    expect(t.followUpTasks.map((x) => `${x.department}:${x.kind}`).sort()).toEqual([
      'FINANCE:SETTLEMENT',
      'PURCHASING:SUPPLIER_CANCELLATION',
      'SALES:CUSTOMER_OUTCOME',
      'SALES:CUSTOMER_RECORD',
      'WAREHOUSE:STOCK_CONFIRMATION',
    ]);
    expect(t.followUpTasks.find((x) => x.kind === 'CUSTOMER_OUTCOME')!.outcome).toBe('REFUND');
    expect(t.followUpTasks.find((x) => x.kind === 'SUPPLIER_CANCELLATION')!.instructions).toContain(cancelled.number);
    const customerMail = await server.sql(`select 1 from mail_message where termination_id = $1 and notice_kind = 'EFFECTIVE_NOTICE'`, [
      t.id,
    ]);
    expect(customerMail).toHaveLength(1);
  });

  it('closes when every department has done its follow-up, with a full audit trail', async () => {
    const t = await wf.get(termination.id);
    const wrong = await wf.complete(HEAD_OF.WAREHOUSE!, t.followUpTasks.find((x) => x.department === 'FINANCE')!.id, 'not mine');
    expect(wrong.code).toBe('NOT_YOUR_DEPARTMENT');
    const outcomeTask = t.followUpTasks.find((x) => x.kind === 'CUSTOMER_OUTCOME')!;
    const noOutcome = await wf.complete('clerk@example.com', outcomeTask.id, 'talked to them', { outcome: null });
    expect(noOutcome.code).toBe('VALIDATION_FAILED');

    const byDepartment: Record<string, string> = { ...HEAD_OF, SALES: 'clerk@example.com' };
    const open = t.followUpTasks.filter((x) => x.status === 'OPEN');
    for (const [index, task] of open.entries()) {
      const extra = task.kind === 'CUSTOMER_OUTCOME' ? { outcome: 'REFUND', outcomeDetails: '退预付款，扣违约金' } : {};
      const done = await wf.complete(byDepartment[task.department]!, task.id, `${task.kind} done`, extra);
      expect(done.__typename).toBe('CompleteFollowUpTaskSuccess');
      expect(done.terminationClosed).toBe(index === open.length - 1);
    }
    const closed = await wf.get(termination.id);
    expect(closed.status).toBe('CLOSED');
    expect(closed.settlement?.status).toBe('SETTLED');
    const actions = closed.auditTrail.map((a) => a.action);
    for (const action of [
      'termination.submitted',
      'approval.approved',
      'termination.awaiting_customer',
      'confirmation.sent',
      'confirmation.accepted',
      'termination.effective',
      'termination.effect_applied',
      'followup.completed',
      'termination.closed',
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(closed.auditTrail.filter((a) => a.action === 'approval.approved')).toHaveLength(4);
    expect(closed.auditTrail.find((a) => a.action === 'confirmation.accepted')!.actorType).toBe('CUSTOMER');
    expect(JSON.stringify(closed.auditTrail)).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });

  it('keeps the audit trail append-only in the database', async () => {
    await expect(server.sql(`update audit_event set action = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(server.sql(`delete from audit_event`)).rejects.toThrow(/append-only/);
  });
});

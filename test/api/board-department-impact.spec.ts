import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;

const CARD = `id department departmentImpact { department
  purchasing { purchaseOrdersToCancel purchaseOrdersToReduce quantityToCancel penalties { currency amount } }
  warehouse { reservationsToRelease quantityToRelease shipmentsInTransit quantityInTransit }
  finance { currency refundDue cancellationFee feeOutstanding amountInvoiced amountPaid }
  sales { currency terminatedValue orderValue reasonCode } }
  termination { number impact { currency reasonCode terminatedValue orderValue refundDue cancellationFee feeOutstanding amountInvoiced amountPaid
    purchaseOrders { action lines { cancelQuantity } } supplierPenaltiesByCurrency { currency amount }
    reservations { quantity } shipments { status quantity } } }`;
const BOARD = `query($d: String!) { approvalBoard(department: $d) { pending { ${CARD} } } }`;

interface Card {
  id: string;
  department: string;
  departmentImpact: Record<string, unknown> & { department: string };
  termination: {
    number: string;
    impact: {
      currency: string;
      reasonCode: string;
      terminatedValue: string;
      orderValue: string;
      refundDue: string;
      cancellationFee: string;
      feeOutstanding: string;
      amountInvoiced: string;
      amountPaid: string;
      purchaseOrders: { action: string; lines: { cancelQuantity: number }[] }[];
      supplierPenaltiesByCurrency: { currency: string; amount: string }[];
      reservations: { quantity: number }[];
      shipments: { status: string; quantity: number }[];
    };
  };
}
const board = async (department: string) =>
  (await wf.as<{ approvalBoard: { pending: Card[] } }>(HEAD_OF[department]!, BOARD, { d: department })).approvalBoard.pending;

beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer());
  // Purchasing and warehouse decide at stage 1 too, so that every department has cards to look at.
  for (const department of ['PURCHASING', 'WAREHOUSE']) {
    await wf.as('admin@example.com', `mutation($i: ApprovalRuleInput!) { createApprovalRule(input: $i) { __typename } }`, {
      i: {
        code: `BOARD_${department}`,
        department,
        stage: 1,
        condition: { always: true },
        slaHours: 24,
        descriptionZh: '看板测试',
        descriptionEn: 'board test',
      },
    });
  }
  for (const orderNumber of ['SO-2026-00001', 'SO-2026-00003']) {
    const t = await wf.submit('clerk@example.com', { orderNumber, reasonCode: 'CUSTOMER_CANCELLATION', explanation: 'board impact' });
    expect(t.__typename).toBe('SubmitTerminationSuccess');
  }
}, 120_000);
afterAll(async () => server?.close());

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("the board shows each department's own part of the impact", () => {
  it('PURCHASING: purchase orders to cancel and reduce, the quantity and the penalties', async () => {
    const cards = await board('PURCHASING');
    const card = cards.find((c) => c.termination.number && c.termination.impact.purchaseOrders.length)!;
    expect(card).toBeDefined();
    const i = card.termination.impact;
    const acting = i.purchaseOrders.filter((po) => po.action !== 'NONE');
    expect(card.departmentImpact).toEqual({
      department: 'PURCHASING',
      purchasing: {
        purchaseOrdersToCancel: acting.filter((po) => po.action === 'CANCEL').length,
        purchaseOrdersToReduce: acting.filter((po) => po.action === 'REDUCE').length,
        quantityToCancel: sum(acting.flatMap((po) => po.lines.map((l) => l.cancelQuantity))),
        penalties: i.supplierPenaltiesByCurrency,
      },
      warehouse: null,
      finance: null,
      sales: null,
    });
    expect(acting.length).toBeGreaterThan(0);
  });

  it('WAREHOUSE: reservations to release and shipments in transit', async () => {
    const cards = await board('WAREHOUSE');
    expect(cards.length).toBe(2);
    for (const card of cards) {
      const i = card.termination.impact;
      const inTransit = i.shipments.filter((s) => s.status === 'IN_TRANSIT');
      expect(card.departmentImpact).toEqual({
        department: 'WAREHOUSE',
        warehouse: {
          reservationsToRelease: i.reservations.length,
          quantityToRelease: sum(i.reservations.map((r) => r.quantity)),
          shipmentsInTransit: inTransit.length,
          quantityInTransit: sum(inTransit.map((s) => s.quantity)),
        },
        purchasing: null,
        finance: null,
        sales: null,
      });
    }
    // SO-2026-00003 has goods on their way, SO-2026-00001 reserved stock.
    expect(cards.some((c) => (c.departmentImpact.warehouse as { shipmentsInTransit: number }).shipmentsInTransit > 0)).toBe(true);
    expect(cards.some((c) => (c.departmentImpact.warehouse as { reservationsToRelease: number }).reservationsToRelease > 0)).toBe(true);
  });

  it('SALES: the amount and the reason; FINANCE (a later stage) the money', async () => {
    const [card] = await board('SALES');
    const i = card!.termination.impact;
    expect(card!.departmentImpact).toEqual({
      department: 'SALES',
      sales: { currency: i.currency, terminatedValue: i.terminatedValue, orderValue: i.orderValue, reasonCode: 'CUSTOMER_CANCELLATION' },
      purchasing: null,
      warehouse: null,
      finance: null,
    });
    // Finance's step waits for a later stage: the same field on the termination's steps.
    const data = await wf.as<{ termination: { approvalSteps: Card[]; impact: Card['termination']['impact'] } }>(
      'admin@example.com',
      `query($n: String) { termination(number: $n) { impact { currency refundDue cancellationFee feeOutstanding amountInvoiced amountPaid }
        approvalSteps { department departmentImpact { department finance { currency refundDue cancellationFee feeOutstanding amountInvoiced amountPaid } } } } }`,
      { n: card!.termination.number },
    );
    const finance = data.termination.approvalSteps.find((s) => s.department === 'FINANCE')!;
    const { currency, refundDue, cancellationFee, feeOutstanding, amountInvoiced, amountPaid } = data.termination.impact;
    expect(finance.departmentImpact).toEqual({
      department: 'FINANCE',
      finance: { currency, refundDue, cancellationFee, feeOutstanding, amountInvoiced, amountPaid },
    });
  });

  it('costs the same number of SQL statements for one card as for many', async () => {
    const token = await wf.token('admin@example.com');
    const query = `query($d: String!) { approvalBoard(department: $d) { overdueCount pending { id departmentImpact { department
      purchasing { quantityToCancel } warehouse { quantityToRelease } sales { terminatedValue } }
      termination { number order { number customer { name } } } } recentDecisions { id } } }`;
    const measure = async (department: string) => {
      let cards = 0;
      // The session is looked up at most once a while: warmed here so that it is not counted.
      await server.gql(query, { d: department }, token);
      const { count, statements } = await server.countQueries(async () => {
        const res = await server.gql<{ approvalBoard: { pending: unknown[] } }>(query, { d: department }, token);
        expect(res.errors).toBeUndefined();
        cards = res.data!.approvalBoard.pending.length;
      });
      return { count, statements, cards };
    };
    // One of the two terminations is rejected: its cards leave every board.
    const [first] = await board('WAREHOUSE');
    await wf.decide(HEAD_OF.WAREHOUSE!, first!.id, 'REJECT', 'not now');
    const one = await measure('PURCHASING');
    // More pending work for sales: a dozen more orders.
    const orders = await server.sql<{ number: string }>(
      `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION')
         and not exists (select 1 from termination t where t.order_id = o.id)
         and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
       order by o.number limit 12`,
    );
    for (const { number } of orders)
      await wf.submit('clerk@example.com', { orderNumber: number, reasonCode: 'CUSTOMER_CHANGE', explanation: 'more cards' });
    const many = await measure('SALES');
    expect(one.cards).toBe(1);
    expect(many.cards).toBeGreaterThan(10);
    expect(many.count, many.statements.join('\n')).toBe(one.count);
  }, 120_000);
});

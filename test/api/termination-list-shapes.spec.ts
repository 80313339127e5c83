import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

// The list reads, in one statement, only the columns behind the fields a query selects (and the
// whole row when a selected field is computed). Whatever the selection, every node must equal
// what the single-termination query (ordinary entity loading) answers for the same selection.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const wf = new Workflow(server);
  const orders = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION')
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
     order by o.number desc limit 6`,
  );
  const ids: string[] = [];
  for (const { number } of orders) {
    const result = await wf.submit('clerk@example.com', {
      orderNumber: number,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'list shapes',
    });
    ids.push(result.termination!.id);
  }
  // Some with decided steps, a decider and an effective date.
  await wf.approveAll(ids[0]!);
  await wf.approveAll(ids[1]!);
}, 180_000);
afterAll(async () => server?.close());

const SHAPES: Record<string, string> = {
  'plain columns only': `id number status scope createdAt effectiveAt closedAt bulkRunId version explanation`,
  'a computed field (whole row)': `number allowedEvents requestedAt customerConfirmationRequired effectBlockers { code }`,
  'requester with a department keyed by code': `number requestedBy { email role name department { code nameZh nameEn } permissions }`,
  'order with contract, customer, lines and products': `number order { number status stage currency totalAmount orderDate
    contract { number noticeDays customerConfirmationRequired } customer { code name city }
    lines { lineNo quantity shippedQuantity unitPrice product { sku name unit listPrice } } }`,
  'lines with computed fields': `number order { lines { lineNo openQuantity amount product { sku status } } }`,
  'steps with deciders and a getter': `number approvalSteps { stage department status dueAt decidedAt comment overdue decidedBy { email } termination { number } }`,
  'reason and impact keys': `number reason { code labelZh category active } impact { terminatedValue currency refundDue cancellationFee computedAt }`,
  'aliases and typename': `__typename n: number o: order { __typename x: number } r: reason { c: code }`,
};

describe('terminations list: only what is selected, the same answer', () => {
  for (const [name, selection] of Object.entries(SHAPES)) {
    it(name, async () => {
      const token = await server.login('admin@example.com');
      const list = await server.gql<{ terminations: { edges: { node: Record<string, unknown> }[] } }>(
        `{ terminations(first: 20) { edges { node { id ${selection} } } } }`,
        {},
        token,
      );
      expect(list.errors).toBeUndefined();
      const nodes = list.data!.terminations.edges.map((e) => e.node);
      expect(nodes.length).toBeGreaterThanOrEqual(6);
      for (const node of nodes) {
        const single = await server.gql<{ termination: Record<string, unknown> }>(
          `query($id: ID) { termination(id: $id) { id ${selection} } }`,
          { id: node.id },
          token,
        );
        expect(single.errors).toBeUndefined();
        expect(node).toEqual(single.data!.termination);
      }
    });
  }
});

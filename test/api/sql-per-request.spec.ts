import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

let server: TestServer;
let wf: Workflow;
let apiKey: string;
beforeAll(async () => {
  server = await startTestServer();
  wf = new Workflow(server);
  // Enough pending terminations to fill 100 rows.
  const orders = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION')
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
     order by o.number limit 110`,
  );
  for (const { number } of orders) {
    const result = await wf.submit('clerk@example.com', {
      orderNumber: number,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'SQL count data',
    });
    expect(result.__typename).toBe('SubmitTerminationSuccess');
  }
  const key = await wf.as<{ createApiKey: { secret: string } }>(
    'admin@example.com',
    `mutation { createApiKey(input: { name: "partner", scopes: [TERMINATIONS_READ, ORDERS_READ] }) { ... on CreateApiKeySuccess { secret } } }`,
  );
  apiKey = key.createApiKey.secret;
}, 180_000);
afterAll(async () => server?.close());

/** The partner list query of the benchmark (issue B1). */
const PARTNER_QUERY = `query($first: Int, $after: String) { terminations(first: $first, after: $after, filter: { status: [PENDING_APPROVAL] }) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { number status reason { code } order { number customer { name } lines { product { sku } quantity } }
    approvalSteps { department status dueAt } impact { refundDue cancellationFee } } } } }`;

describe('SQL statements per request', () => {
  it('the partner list query costs at most 3 statements, the same at 10, 50 and 100 rows', async () => {
    // Warm the key's last-used stamp so that it is not written during the measured requests.
    await server.gql(PARTNER_QUERY, { first: 1 }, apiKey);
    const counts: number[] = [];
    for (const first of [10, 50, 100]) {
      let rows = 0;
      const { count, statements } = await server.countQueries(async () => {
        const res = await server.gql<{ terminations: { edges: unknown[] } }>(PARTNER_QUERY, { first }, apiKey);
        expect(res.errors).toBeUndefined();
        rows = res.data!.terminations.edges.length;
      });
      expect(rows).toBe(first);
      expect(count, statements.join('\n')).toBeLessThanOrEqual(3);
      counts.push(count);
    }
    expect(new Set(counts).size).toBe(1);
    console.log(`partner list query: ${counts.join(' / ')} SQL statements at first 10 / 50 / 100`);
  });

  it('returns the same data as one-by-one loading, page after page', async () => {
    const viaList: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const res: {
        data?: {
          terminations: {
            totalCount: number;
            pageInfo: { hasNextPage: boolean; endCursor: string };
            edges: { node: Record<string, unknown> & { number: string } }[];
          };
        };
      } = await server.gql(PARTNER_QUERY, { first: 30, after }, apiKey);
      const page = res.data!.terminations;
      total = page.totalCount;
      for (const edge of page.edges) {
        const single = await server.gql<{ termination: Record<string, unknown> }>(
          `query($n: String) { termination(number: $n) { number status reason { code } order { number customer { name } lines { product { sku } quantity } }
            approvalSteps { department status dueAt } impact { refundDue cancellationFee } } }`,
          { n: edge.node.number },
          apiKey,
        );
        expect(edge.node).toEqual(single.data!.termination);
        viaList.push(edge.node.number);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(viaList).size).toBe(viaList.length);
    expect(viaList.length).toBe(total);
    const [{ n }] = await server.sql<{ n: number }>(`select count(*)::int as n from termination where status = 'PENDING_APPROVAL'`);
    expect(total).toBe(n);
    // A page past the end still knows the total.
    const beyond = await server.gql<{ terminations: { totalCount: number; edges: unknown[] } }>(
      PARTNER_QUERY,
      { first: 10, after },
      apiKey,
    );
    expect(beyond.data!.terminations.totalCount).toBe(n);
  }, 120_000);
});

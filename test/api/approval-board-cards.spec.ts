import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

/** Issue #16: the board pages its cards (a department can have thousands waiting) and filters them on the server. */

let server: TestServer;
let wf: Workflow;

interface Card {
  id: string;
  dueAt: string;
  overdue: boolean;
  termination: {
    number: string;
    reason: { code: string };
    impact: { terminatedValue: string };
    order: { customer: { name: string; nameEn: string | null } };
  };
}
const CARD = `id dueAt overdue termination { number reason { code } impact { terminatedValue } order { customer { name nameEn } } }`;
const PAGE = `query($d: String!, $f: ApprovalBoardFilter, $first: Int, $after: String) {
  approvalBoardCards(department: $d, filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${CARD} } } } }`;
type Page = {
  approvalBoardCards: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Card }[] };
};

/** Every card of the filter, page by page; each page is checked to be at most `first` long. */
async function allPages(filter: Record<string, unknown> | null, first: number, email = HEAD_OF.SALES!) {
  const cards: Card[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let pages = 0; pages < 50; pages += 1) {
    const page: Page['approvalBoardCards'] = (await wf.as<Page>(email, PAGE, { d: 'SALES', f: filter, first, after })).approvalBoardCards;
    expect(page.edges.length).toBeLessThanOrEqual(first);
    cards.push(...page.edges.map((e) => e.node));
    totalCount = page.totalCount;
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { cards, totalCount };
}

/** The reference: the board's complete pending list (at most 500), filtered here. */
let everything: Card[];

beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer());
  const orders = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION')
       and not exists (select 1 from termination t where t.order_id = o.id)
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
     order by o.number limit 7`,
  );
  expect(orders.length).toBe(7);
  for (const [i, { number }] of orders.entries()) {
    const t = await wf.submit('clerk@example.com', {
      orderNumber: number,
      reasonCode: i % 3 === 0 ? 'CUSTOMER_CHANGE' : 'CUSTOMER_CANCELLATION',
      explanation: 'board paging',
    });
    expect(t.__typename).toBe('SubmitTerminationSuccess');
  }
  // Two of them are past their due time.
  await server.sql(
    `update approval_step set due_at = now() - interval '2 hours'
      where id in (select id from approval_step where department = 'SALES' and status = 'PENDING' order by id limit 2)`,
  );
  everything = (
    await wf.as<{ approvalBoard: { pending: Card[] } }>(
      HEAD_OF.SALES!,
      `query { approvalBoard(department: "SALES") { pending { ${CARD} } } }`,
    )
  ).approvalBoard.pending;
  expect(everything.length).toBeGreaterThanOrEqual(7);
}, 180_000);
afterAll(async () => server?.close());

const ids = (cards: Card[]) => cards.map((c) => c.id);

describe('approvalBoardCards', () => {
  it('pages through every pending card once, soonest due first, with the counts', async () => {
    const { cards, totalCount } = await allPages(null, 3);
    expect(ids(cards)).toEqual(ids(everything));
    expect(totalCount).toBe(everything.length);
    const board = await wf.as<{ approvalBoard: { pendingCount: number; overdueCount: number } }>(
      HEAD_OF.SALES!,
      `{ approvalBoard(department: "SALES") { pendingCount overdueCount } }`,
    );
    expect(board.approvalBoard.pendingCount).toBe(everything.length);
    expect(board.approvalBoard.overdueCount).toBe(everything.filter((c) => c.overdue).length);
    expect(board.approvalBoard.overdueCount).toBe(2);
  });

  it('filters by reason, amount, customer and overdue on the server, across pages', async () => {
    const values = everything.map((c) => Number(c.termination.impact.terminatedValue)).sort((a, b) => a - b);
    const middle = values[Math.floor(values.length / 2)]!;
    const someone = everything[everything.length - 1]!.termination.order.customer;
    // Part of the name, in another case: the match ignores case.
    const part = (someone.nameEn ?? someone.name).slice(1, 5).toUpperCase();
    const cases: [Record<string, unknown>, (c: Card) => boolean][] = [
      [{ reasonCode: 'CUSTOMER_CHANGE' }, (c) => c.termination.reason.code === 'CUSTOMER_CHANGE'],
      [{ minAmount: String(middle) }, (c) => Number(c.termination.impact.terminatedValue) >= middle],
      [{ maxAmount: String(middle) }, (c) => Number(c.termination.impact.terminatedValue) <= middle],
      [
        { customer: part },
        (c) =>
          [c.termination.order.customer.name, c.termination.order.customer.nameEn ?? '']
            .join(' ')
            .toLowerCase()
            .includes(part.toLowerCase()),
      ],
      [{ overdue: true }, (c) => c.overdue],
      [{ reasonCode: 'CUSTOMER_CANCELLATION', overdue: true }, (c) => c.overdue && c.termination.reason.code === 'CUSTOMER_CANCELLATION'],
      [{ customer: '%' }, () => false],
    ];
    for (const [filter, keep] of cases) {
      const expected = everything.filter(keep);
      const { cards, totalCount } = await allPages(filter, 2);
      expect(ids(cards), JSON.stringify(filter)).toEqual(ids(expected));
      expect(totalCount, JSON.stringify(filter)).toBe(expected.length);
    }
    // Each case keeps some and drops some, so the filters are really tried.
    expect(everything.filter((c) => c.termination.reason.code === 'CUSTOMER_CHANGE').length).toBeGreaterThan(0);
    expect(everything.filter((c) => c.termination.reason.code !== 'CUSTOMER_CHANGE').length).toBeGreaterThan(0);
  });

  it('shows a board only to those who may see it', async () => {
    const refused = await server.gql(PAGE, { d: 'SALES', first: 5 }, await wf.token(HEAD_OF.PURCHASING!));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data).toBeNull();
    // The clerk works in SALES: their own department's board.
    const clerk = await wf.as<Page>('clerk@example.com', PAGE, { d: 'SALES', first: 5 });
    expect(clerk.approvalBoardCards.edges.length).toBe(5);
    const anonymous = await server.gql(PAGE, { d: 'SALES', first: 5 });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a page size beyond 1..100, a foreign cursor and an amount that is not one', async () => {
    const token = await wf.token(HEAD_OF.SALES!);
    for (const [variables, field] of [
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ f: { minAmount: "12' or 1=1" } }, 'minAmount'],
      [{ f: { maxAmount: '-5' } }, 'maxAmount'],
    ] as const) {
      const res = await server.gql(PAGE, { d: 'SALES', ...variables }, token);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions?.field).toBe(field);
    }
  });

  it('reads a page of full cards in the same number of SQL statements whatever its size', async () => {
    const FULL = `query($d: String!, $first: Int) { approvalBoardCards(department: $d, first: $first) { totalCount pageInfo { hasNextPage endCursor }
      edges { node { id stage department status slaHours activatedAt dueAt overdue
        departmentImpact { department sales { currency terminatedValue orderValue } finance { refundDue } }
        termination { id number explanation reason { code labelZh labelEn } requestedBy { name } requestedAt
          order { id number customer { id name nameEn } } impact { currency terminatedValue } } } } } }`;
    const token = await wf.token(HEAD_OF.SALES!);
    await server.gql(FULL, { d: 'SALES', first: 1 }, token);
    const counts: number[] = [];
    const seen: string[][] = [];
    // The job worker's statements are recorded too; a request measured twice keeps its fewer.
    const measure = async (first: number) => {
      const { count, statements } = await server.countQueries(async () => {
        const res = await server.gql<{ approvalBoardCards: { edges: unknown[] } }>(FULL, { d: 'SALES', first }, token);
        expect(res.errors).toBeUndefined();
        expect(res.data!.approvalBoardCards.edges.length).toBe(first);
      });
      return { count, statements: statements.map((sql) => sql.slice(0, 160)) };
    };
    for (const first of [2, 7]) {
      const [a, b] = [await measure(first), await measure(first)];
      const fewer = a.count <= b.count ? a : b;
      expect(fewer.count, fewer.statements.join('\n')).toBeLessThanOrEqual(10);
      counts.push(fewer.count);
      seen.push(fewer.statements);
    }
    expect(counts[0], JSON.stringify(seen, null, 1)).toBe(counts[1]);
  });
});

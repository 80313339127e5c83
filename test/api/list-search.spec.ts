import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedCount, boundedCountSql, COUNT_BOUND } from '../../server/src/common/pagination.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

/*
 * The free-text search of the order and termination lists, checked against the rule written out
 * in SQL here: a term matches a customer's name or English name from one character on, and the
 * order's (and termination's) number from three characters on, in any case. The product answers
 * it from indexes (server/src/modules/order/order-search.ts); this test holds it to the rule.
 */

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await server.login('clerk@example.com');
  // Terminations of orders of several customers, for the termination list to search.
  const wf = new Workflow(server);
  const orders = await server.sql<{ number: string }>(
    `select distinct on (o.customer_id) o.number from sales_order o where o.status = 'CONFIRMED' order by o.customer_id, o.number limit 6`,
  );
  let submitted = 0;
  for (const { number } of orders) {
    const res = await wf.submit('clerk@example.com', {
      orderNumber: number,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '客户取消订单',
    });
    if (res.termination) submitted++;
  }
  expect(submitted).toBeGreaterThanOrEqual(3);
});
afterAll(async () => server?.close());

const ILIKE = `'%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
const NUMBER_TOO = `char_length($1) >= 3`;
const customerMatches = `(c.name ilike ${ILIKE} or c.name_en ilike ${ILIKE})`;

const ORDERS_BY_RULE = `select o.number from sales_order o join customer c on c.id = o.customer_id
  where ${customerMatches} or (${NUMBER_TOO} and o.number ilike ${ILIKE}) order by o.number`;
const TERMINATIONS_BY_RULE = `select t.number from termination t join sales_order o on o.id = t.order_id join customer c on c.id = o.customer_id
  where ${customerMatches} or (${NUMBER_TOO} and (o.number ilike ${ILIKE} or t.number ilike ${ILIKE})) order by t.number`;

/** Every number a list query returns for the search, page after page. */
async function allNumbers(
  field: 'orders' | 'terminations',
  search: string,
): Promise<{ numbers: string[]; totalCount: number; bounded: { count: number; exact: boolean } }> {
  const filterType = field === 'orders' ? 'OrderFilter' : 'TerminationFilter';
  const numbers: string[] = [];
  let after: string | null = null;
  let totalCount = -1;
  let bounded = { count: -1, exact: false };
  for (;;) {
    const res: {
      data?: Record<
        string,
        {
          totalCount: number;
          boundedCount: { count: number; exact: boolean };
          pageInfo: { hasNextPage: boolean; endCursor: string };
          edges: { node: { number: string } }[];
        }
      >;
      errors?: unknown;
    } = await server.gql(
      `query($filter: ${filterType}, $after: String) { ${field}(filter: $filter, first: 100, after: $after) {
           totalCount boundedCount { count exact } pageInfo { hasNextPage endCursor } edges { node { number } } } }`,
      { filter: { search }, after },
      token,
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const page = res.data![field]!;
    totalCount = page.totalCount;
    bounded = page.boundedCount;
    numbers.push(...page.edges.map((e) => e.node.number));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { numbers: numbers.sort(), totalCount, bounded };
}

async function byRule(sql: string, term: string): Promise<string[]> {
  return (await server.sql<{ number: string }>(sql, [term])).map((r) => r.number);
}

/** Search terms drawn from the data: fragments of names, English names and numbers, short and long. */
async function terms(): Promise<string[]> {
  const [customer] = await server.sql<{ name: string; name_en: string }>(
    `select c.name, c.name_en from customer c join sales_order o on o.customer_id = c.id join termination t on t.order_id = o.id
      where c.name_en is not null group by c.id order by count(*) desc limit 1`,
  );
  const [termination] = await server.sql<{ number: string; order_number: string }>(
    `select t.number, o.number as order_number from termination t join sales_order o on o.id = t.order_id order by t.number limit 1`,
  );
  expect(customer && termination, 'the demo data has terminated orders of customers with English names').toBeTruthy();
  const englishWord = customer!.name_en.split(/\s+/).find((w) => w.length >= 4)!;
  return [
    [...customer!.name].slice(0, 2).join(''), // two Chinese characters: a name, not a number
    [...customer!.name].slice(1, 4).join(''),
    englishWord.toUpperCase(),
    termination!.number.slice(0, -1).toLowerCase(), // a termination number without its last digit
    termination!.order_number.slice(3).toLowerCase(),
    '00', // too short to look inside numbers: matches no name
    'x_%',
  ];
}

describe('list search', () => {
  it('finds the orders the rule finds, for names, English names and numbers, every page', async () => {
    let found = 0;
    for (const term of await terms()) {
      const expected = await byRule(ORDERS_BY_RULE, term);
      const { numbers, totalCount, bounded } = await allNumbers('orders', term);
      expect(numbers, term).toEqual(expected);
      expect(totalCount, term).toBe(expected.length);
      // The demo data stays below the bound: the bounded count is the exact one.
      expect(bounded, term).toEqual({ count: expected.length, exact: true });
      found += expected.length;
    }
    // The rule is not vacuous on the demo data.
    expect(found).toBeGreaterThan(0);
  });

  it('finds the terminations the rule finds: by their number, their order number and the customer', async () => {
    let found = 0;
    for (const term of await terms()) {
      const expected = await byRule(TERMINATIONS_BY_RULE, term);
      const { numbers, totalCount, bounded } = await allNumbers('terminations', term);
      expect(numbers, term).toEqual(expected);
      expect(totalCount, term).toBe(expected.length);
      expect(bounded, term).toEqual({ count: expected.length, exact: true });
      found += expected.length;
    }
    // The rule is not vacuous on the demo data.
    expect(found).toBeGreaterThan(0);
  });

  it('counts no further than the bound: more rows read as "10 000+"', async () => {
    const [over] = await server.sql<{ n: number }>(boundedCountSql(`select g from generate_series(1, ${COUNT_BOUND * 2}) g`));
    expect(over!.n).toBe(COUNT_BOUND + 1);
    expect(boundedCount(over!.n)).toEqual({ count: COUNT_BOUND, exact: false });
    const [under] = await server.sql<{ n: number }>(boundedCountSql(`select g from generate_series(1, ${COUNT_BOUND}) g`));
    expect(boundedCount(under!.n)).toEqual({ count: COUNT_BOUND, exact: true });
  });
});

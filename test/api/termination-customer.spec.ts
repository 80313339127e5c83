import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../../server/src/app/orm.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

/*
 * A termination carries its order's customer (termination.customer_id), which the terminations
 * list's search by customer name reads instead of joining the orders. It must always be the
 * order's customer: set at submission, backfilled by the migration on existing terminations, and
 * following the order should an ERP sync move it to another customer.
 */

const BEFORE = 'Migration20261208020000_UnitCodes';
let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await server.login('clerk@example.com');
  const wf = new Workflow(server);
  const orders = await server.sql<{ number: string }>(
    `select distinct on (o.customer_id) o.number from sales_order o where o.status = 'CONFIRMED'
      and not exists (select 1 from termination t where t.order_id = o.id) order by o.customer_id, o.number limit 4`,
  );
  for (const { number } of orders) {
    await wf.submit('clerk@example.com', { orderNumber: number, reasonCode: 'CUSTOMER_CANCELLATION', explanation: '客户取消订单' });
  }
});
afterAll(async () => server?.close());

/** Terminations whose customer is not their order's, and how many terminations there are. */
async function mismatches() {
  const [row] = await server.sql<{ total: number; wrong: string[] }>(
    `select count(*)::int as total, coalesce(array_agg(t.number) filter (where t.customer_id is distinct from o.customer_id), '{}') as wrong
       from termination t join sales_order o on o.id = t.order_id`,
  );
  return row!;
}

/** The termination numbers the list's search returns (one page is enough on the demo data). */
async function search(term: string): Promise<string[]> {
  const res = await server.gql<{ terminations: { edges: { node: { number: string } }[] } }>(
    `query($filter: TerminationFilter) { terminations(filter: $filter, first: 100) { edges { node { number } } } }`,
    { filter: { search: term } },
    token,
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.terminations.edges.map((e) => e.node.number);
}

describe("a termination's customer", () => {
  it("is its order's customer for every submitted termination", async () => {
    const { total, wrong } = await mismatches();
    expect(total).toBeGreaterThanOrEqual(4);
    expect(wrong).toEqual([]);
  });

  it('is backfilled by the migration from the orders, and goes back down', async () => {
    const orm = await initOrm({ url: server.databaseUrl });
    try {
      const column = `select count(*)::int as n from information_schema.columns where table_name = 'termination' and column_name = 'customer_id'`;
      await orm.getMigrator().down({ to: BEFORE });
      expect((await server.sql<{ n: number }>(column))[0]!.n).toBe(0);
      await orm.getMigrator().up();
      expect((await server.sql<{ n: number }>(column))[0]!.n).toBe(1);
    } finally {
      await orm.close(true);
    }
    const { total, wrong } = await mismatches();
    expect(total).toBeGreaterThanOrEqual(4);
    expect(wrong).toEqual([]);
  });

  it('follows its order to another customer, and the search by name finds it there and no longer under the old one', async () => {
    const [moved] = await server.sql<{ number: string; order_id: string; from_name: string; to_id: string; to_name: string }>(
      `select t.number, t.order_id, c.name as from_name, other.id as to_id, other.name as to_name
         from termination t join sales_order o on o.id = t.order_id join customer c on c.id = o.customer_id
         cross join lateral (select x.id, x.name from customer x where x.name not like '%' || c.name || '%' and c.name not like '%' || x.name || '%'
                              order by x.code limit 1) other
        where (select count(*) from termination t2 join sales_order o2 on o2.id = t2.order_id where o2.customer_id = o.customer_id) = 1
        order by t.number limit 1`,
    );
    expect(moved, 'the demo data has a customer with exactly one termination').toBeTruthy();
    expect(await search(moved!.from_name)).toContain(moved!.number);
    expect(await search(moved!.to_name)).not.toContain(moved!.number);

    // As the ERP sync writes it: the order's row, not the termination's.
    await server.sql(`update sales_order set customer_id = $1 where id = $2`, [moved!.to_id, moved!.order_id]);
    expect(await search(moved!.to_name)).toContain(moved!.number);
    expect(await search(moved!.from_name)).not.toContain(moved!.number);
    expect((await mismatches()).wrong).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await server.login('clerk@example.com');
});
afterAll(async () => server?.close());

interface OrdersData {
  orders: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: {
      cursor: string;
      node: { number: string; status: string; customer: { name: string; code: string }; lines: { product: { sku: string } }[] };
    }[];
  };
}
const ORDERS = `query($filter: OrderFilter, $first: Int, $after: String) {
  orders(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { number status customer { name code } lines { quantity unitPrice product { sku name } } } }
  } }`;

const list = (variables: Record<string, unknown>) => server.gql<OrdersData>(ORDERS, variables, token);

describe('orders search', () => {
  it('finds orders by part of a Chinese customer name, any order of the words the database has', async () => {
    const [customer] = await server.sql<{ name: string; id: string }>(`select id, name from customer where name like '%华东%' limit 1`);
    expect(customer).toBeDefined();
    const fragment = customer!.name.slice(2, 6);
    const res = await list({ filter: { search: fragment }, first: 100 });
    expect(res.errors).toBeUndefined();
    const [{ count }] = await server.sql<{ count: string }>(
      `select count(*) from sales_order o join customer c on c.id = o.customer_id where c.name like $1`,
      [`%${fragment}%`],
    );
    expect(res.data!.orders.totalCount).toBe(Number(count));
    expect(res.data!.orders.edges.length).toBeGreaterThan(0);
    for (const edge of res.data!.orders.edges) {
      expect(edge.node.customer.name).toContain(fragment);
      expect(edge.node.lines.length).toBeGreaterThan(0);
    }
  });

  it('finds an order by part of its number, case-insensitive', async () => {
    const res = await list({ filter: { search: 'so-2026-0000' } });
    const numbers = res.data!.orders.edges.map((e) => e.node.number);
    expect(numbers).toContain('SO-2026-00001');
    expect(numbers.every((n) => n.startsWith('SO-2026-0000'))).toBe(true);
  });

  it('treats % and _ in the search as text, not wildcards', async () => {
    const res = await list({ filter: { search: '%' } });
    expect(res.data!.orders.totalCount).toBe(0);
  });

  it('filters by status, customer code and product SKU', async () => {
    const byStatus = await list({ filter: { status: ['SHIPPED'] }, first: 100 });
    expect(byStatus.data!.orders.edges.every((e) => e.node.status === 'SHIPPED')).toBe(true);
    expect(byStatus.data!.orders.totalCount).toBeGreaterThan(0);

    const byCustomer = await list({ filter: { customerCode: 'C0001' }, first: 100 });
    expect(byCustomer.data!.orders.edges.every((e) => e.node.customer.code === 'C0001')).toBe(true);

    const bySku = await list({ filter: { productSku: 'P-10901' }, first: 100 });
    expect(bySku.data!.orders.totalCount).toBeGreaterThanOrEqual(12);
    for (const edge of bySku.data!.orders.edges) {
      expect(edge.node.lines.some((l) => l.product.sku === 'P-10901')).toBe(true);
    }
  });

  it('pages through every order exactly once with cursors', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 50; page++) {
      const res: Awaited<ReturnType<typeof list>> = await list({ first: 100, after });
      total = res.data!.orders.totalCount;
      for (const edge of res.data!.orders.edges) {
        expect(seen.has(edge.node.number)).toBe(false);
        seen.add(edge.node.number);
      }
      if (!res.data!.orders.pageInfo.hasNextPage) break;
      after = res.data!.orders.pageInfo.endCursor;
    }
    expect(seen.size).toBe(total);
    expect(total).toBeGreaterThanOrEqual(300);
  });

  it('refuses bad paging and filter input with BAD_USER_INPUT and a clear message', async () => {
    for (const variables of [{ first: -1 }, { first: 0 }, { first: 100000 }, { after: 'garbage!' }]) {
      const res = await list(variables);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(/first|after/);
    }
    const unknownField = await list({ filter: { nope: 1 } });
    expect(unknownField.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const wrongEnum = await list({ filter: { status: ['LOST'] } });
    expect(wrongEnum.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooLong = await list({ filter: { search: 'x'.repeat(500) } });
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('order detail', () => {
  it('returns lines, customer, contract clauses, POs, reservations, shipments and money', async () => {
    const res = await server.gql<{
      order: Record<string, unknown> & {
        lines: unknown[];
        purchaseOrders: unknown[];
        contract: { clauses: unknown[]; feeSchedule: unknown[] };
      };
    }>(
      `query { order(number: "SO-2026-00001") {
        number status stage totalAmount amountInvoiced amountPaid
        customer { name } contract { number customerConfirmationRequired clauses { code titleZh textZh } feeSchedule { stage rate } }
        lines { lineNo quantity openQuantity product { sku } reservations { quantity status warehouse { code } } purchaseOrderLines { quantity salesOrderNumber } }
        purchaseOrders { number status supplierName lines { quantity salesOrderNumber } }
        shipments { number } invoices { number amount } payments { reference amount }
      } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    const order = res.data!.order;
    expect(order.number).toBe('SO-2026-00001');
    expect(order.lines).toHaveLength(3);
    expect(order.contract.clauses.length).toBeGreaterThanOrEqual(3);
    expect(order.contract.feeSchedule).toHaveLength(4);
    expect(order.purchaseOrders.length).toBeGreaterThanOrEqual(2);
    expect(Number(order.amountPaid)).toBeGreaterThan(0);
    expect(String(order.totalAmount)).toMatch(/^\d+\.\d{2}$/);
  });

  it('returns null for an unknown order number', async () => {
    const res = await server.gql<{ order: unknown }>(`{ order(number: "SO-1999-99999") { number } }`, {}, token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.order).toBeNull();
  });
});

describe('SQL statements per list request (no N+1)', () => {
  const query = `query($first:Int){ orders(first:$first){ totalCount edges { node { number customer { name } lines { quantity product { sku name } } } } } }`;

  it('is small and the same for 10 and 50 orders', async () => {
    const ten = await server.countQueries(() => server.gql(query, { first: 10 }, token));
    const fifty = await server.countQueries(() => server.gql(query, { first: 50 }, token));
    // session check, count, page, customers, lines, products
    expect(fifty.count).toBe(ten.count);
    expect(fifty.count).toBeLessThanOrEqual(6);
    console.log(`orders(first: 10|50) with customer, lines, products: ${ten.count} / ${fifty.count} SQL statements`);
  });
});

import type { TestServer } from './server.js';

/**
 * Numbers of confirmed orders a spec can terminate afresh: no termination yet and quantity left
 * on a line. The demo's first orders (SO-2026-0000x) are left to the specs that name them.
 */
export async function terminableOrders(
  server: Pick<TestServer, 'sql'>,
  count: number,
  direction: 'asc' | 'desc' = 'asc',
): Promise<string[]> {
  const rows = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
       and not exists (select 1 from termination t where t.order_id = o.id)
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
     order by o.number ${direction === 'desc' ? 'desc' : 'asc'} limit $1`,
    [count],
  );
  if (rows.length < count) throw new Error(`only ${rows.length} of ${count} terminable orders left`);
  return rows.map((r) => r.number);
}

/** The first (or last) order `terminableOrders` finds. */
export async function terminableOrder(server: Pick<TestServer, 'sql'>, direction: 'asc' | 'desc' = 'asc'): Promise<string> {
  const [number] = await terminableOrders(server, 1, direction);
  return number!;
}

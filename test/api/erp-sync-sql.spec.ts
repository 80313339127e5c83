import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncServer, syncer, type SyncResult } from '../harness/erp-sync.js';
import type { TestServer } from '../harness/server.js';
import { batchRecords, masterRecords } from '../bench/lib/sync-records.js';

/*
 * syncRecords is set-based: the SQL statements of one call depend on the kinds it carries, not
 * on how many records of each kind. Counted from MikroORM's query log like sql-per-request.spec.
 */

const SOURCE = 'ERP-SQL';
let server: TestServer;
let erpKey: string;

const sync = syncer(
  () => server,
  SOURCE,
  () => erpKey,
);

const MASTER = masterRecords('SQL');

/** `orders` orders with half as many POs and reservations: 2 × `orders` records. */
const batch = (prefix: string, orders: number, version: number, quantity: number) => batchRecords(prefix, 0, { orders, version, quantity });

async function counted(input: Record<string, unknown>): Promise<{ result: SyncResult; count: number; statements: string[] }> {
  let result: SyncResult | undefined;
  const recorded = await server.countQueries(async () => {
    result = await sync(input);
  });
  // The API key is verified from a cache that expires every few seconds: its re-read depends on
  // the clock, not on the call, so it is left out of the count.
  const statements = recorded.statements.filter((s) => !/from "api_key"|update "api_key"/.test(s));
  return { result: result!, count: statements.length, statements };
}

beforeAll(async () => {
  ({ server, erpKey } = await startSyncServer('ERP sync SQL count'));
  const master = await sync(MASTER);
  expect(master.rejected, JSON.stringify(master.rows)).toBe(0);
  // Warm the key's last-used stamp so that it is not written during the measured calls.
  await sync({ customers: [] });
}, 120_000);
afterAll(async () => server?.close());

describe('SQL statements per syncRecords call', () => {
  it('is bounded per kind, the same for 52 and for 500 records, on create, unchanged and update', async () => {
    const counts: Record<string, Record<number, number>> = { create: {}, unchanged: {}, update: {} };
    for (const orders of [26, 250]) {
      const records = orders * 2;
      const prefix = `n${orders}`;

      const create = await counted(batch(prefix, orders, 1, 10));
      expect(create.result.rejected, JSON.stringify(create.result.rows.filter((r) => r.errors.length))).toBe(0);
      expect(create.result.created, JSON.stringify(create.result)).toBe(records);
      counts.create[records] = create.count;

      const same = await counted(batch(prefix, orders, 1, 10));
      expect(same.result.unchanged).toBe(records);
      counts.unchanged[records] = same.count;

      const update = await counted(batch(prefix, orders, 2, 12));
      expect(update.result.updated).toBe(records);
      counts.update[records] = update.count;

      // Three kinds in the call, each read and locked in one statement and written set-based
      // (an upsert per table, no entities); besides them a call costs its transaction, the
      // advisory lock, the key check and the recorded event. Measured: 21 / 14 / 22.
      for (const c of [create, same, update]) expect(c.count, c.statements.join('\n')).toBeLessThanOrEqual(3 * 5 + 9);
    }
    for (const phase of Object.keys(counts))
      expect(counts[phase][500], `${phase}: ${JSON.stringify(counts[phase])}`).toBe(counts[phase][52]);
    console.log(`syncRecords SQL statements at 52 / 500 records: ${JSON.stringify(counts)}`);

    // What was written is what was sent: every line at its new quantity, totals recomputed.
    const sent = [batch('n26', 26, 2, 12), batch('n250', 250, 2, 12)];
    const orderLines = sent.flatMap((b) => b.salesOrders.flatMap((o) => o.lines));
    const poLines = sent.flatMap((b) => b.purchaseOrders.flatMap((p) => p.lines));
    const [written] = await server.sql<{ lines: number; total: string; po: number; res: number }>(
      `select (select sum(quantity) from sales_order_line where source = $1)::int as lines,
              (select sum(total_amount)::text from sales_order where source = $1) as total,
              (select sum(quantity) from purchase_order_line where source = $1)::int as po,
              (select sum(quantity) from reservation where source = $1)::int as res`,
      [SOURCE],
    );
    expect(written).toEqual({
      lines: orderLines.reduce((n, l) => n + l.quantity, 0),
      total: (orderLines.reduce((n, l) => n + l.quantity, 0) * 10).toFixed(2),
      po: poLines.reduce((n, l) => n + l.quantity, 0),
      res: (26 / 2 + 250 / 2) * 5,
    });
  }, 180_000);
});

describe('checks read for the whole call', () => {
  it('refuses a line external id held by another order or PO, and a second stock level for one warehouse and product', async () => {
    const first = batch('own', 2, 1, 10);
    const created = await sync(first);
    expect(created.created).toBe(4);

    // Order own-1 claims a line of own-0; a new PO claims a line of PO-own-0.
    const order = { ...first.salesOrders[1], sourceVersion: 2 };
    order.lines = [order.lines[0], { ...order.lines[1], externalId: 'own-0-2', lineNo: 3 }];
    const po = { ...first.purchaseOrders[0], externalId: 'PO-other', number: 'PO-other' };
    const claimed = [...(await sync({ salesOrders: [order] })).rows, ...(await sync({ purchaseOrders: [po] })).rows];
    expect(claimed.map((r) => [r.outcome, r.errors.map((e) => `${e.path}:${e.code}`)])).toEqual([
      ['REJECTED', ['lines[1].externalId:CONFLICT']],
      ['REJECTED', ['lines[0].externalId:CONFLICT', 'lines[1].externalId:CONFLICT']],
    ]);

    // Two levels of one call for the same warehouse and product: the first is saved, the second
    // refused; a later record for that pair under another external id is refused against the stored one.
    const level = (externalId: string, onHand: number) => ({ externalId, warehouseExternalId: 'wh', productExternalId: 'prod-1', onHand });
    const levels = await sync({ stockLevels: [level('st-a', 5), level('st-b', 6)], errorPolicy: 'REJECT_FAILED_ROWS' });
    expect(levels.rows.map((r) => [r.outcome, r.errors.map((e) => `${e.path}:${e.code}`)])).toEqual([
      ['CREATED', []],
      ['REJECTED', ['productExternalId:CONFLICT']],
    ]);
    const later = await sync({ stockLevels: [level('st-c', 7)] });
    expect(later.rows[0]).toMatchObject({ outcome: 'REJECTED', errors: [{ path: 'productExternalId', code: 'CONFLICT' }] });
    const stored = await server.sql<{ external_id: string; on_hand: number }>(
      `select s.external_id, s.on_hand from stock_level s join warehouse w on w.id = s.warehouse_id where w.source = $1`,
      [SOURCE],
    );
    expect(stored).toEqual([{ external_id: 'st-a', on_hand: 5 }]);
  });
});

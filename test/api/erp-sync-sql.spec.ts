import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { startWorkflowServer } from '../harness/workflow-server.js';
import type { Workflow } from '../harness/workflow.js';

/*
 * syncRecords is set-based: the SQL statements of one call depend on the kinds it carries, not
 * on how many records of each kind. Counted from MikroORM's query log like sql-per-request.spec.
 */

const SOURCE = 'ERP-SQL';
const SYNC = `mutation($input: SyncRecordsInput!) { syncRecords(input: $input) {
  __typename ... on ErrorResult { code message }
  ... on SyncRecordsSuccess { applied created updated unchanged stale rejected rows { outcome errors { path code message } } } } }`;

interface Result {
  __typename: string;
  applied: boolean;
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  rejected: number;
  rows: { outcome: string; errors: { path: string; code: string; message: string }[] }[];
}

let server: TestServer;
let wf: Workflow;
let erpKey: string;

async function sync(input: Record<string, unknown>): Promise<Result> {
  const res = await server.gql<{ syncRecords: Result }>(SYNC, { input: { source: SOURCE, ...input } }, erpKey);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.syncRecords;
}

const MASTER = {
  customers: [
    {
      externalId: 'c1',
      code: 'SQL-C1',
      name: '客户',
      contactName: 'Contact',
      email: 'buyer@customer.example',
      city: 'Suzhou',
    },
  ],
  suppliers: [{ externalId: 's1', code: 'SQL-S1', name: 'Supplier', contactName: 'Ms Li', email: 'orders@supplier.example' }],
  products: [1, 2].map((i) => ({ externalId: `p${i}`, sku: `SQL-P${i}`, name: `产品 ${i}`, unit: 'pcs', listPrice: '100.00' })),
  warehouses: [{ externalId: 'w1', code: 'SQL-W1', name: '仓库', city: 'Kunshan' }],
  contracts: [
    {
      externalId: 'k1',
      number: 'SQL-K1',
      title: 'Framework',
      customerExternalId: 'c1',
      noticeDays: 14,
      feeSchedule: [{ stage: 'BEFORE_PURCHASING', rate: '0.00' }],
      clauses: [{ code: 'T1', titleZh: '终止', titleEn: 'Termination', textZh: '买方可终止。', textEn: 'The buyer may terminate.' }],
      customerConfirmationRequired: false,
      replyWorkingDays: 3,
      silenceMeans: 'REFUSAL',
      validFrom: '2026-01-01',
    },
  ],
};

/**
 * `orders` sales orders of two lines each, with one PO and one reservation per two orders:
 * 2 × `orders` records. `version` and `quantity` let a later call change every record.
 */
function batch(prefix: string, orders: number, version: number, quantity: number) {
  const ids = Array.from({ length: orders }, (_, i) => `${prefix}-${i}`);
  return {
    salesOrders: ids.map((id) => ({
      externalId: id,
      sourceVersion: version,
      number: `SQL-${id}`,
      customerExternalId: 'c1',
      contractExternalId: 'k1',
      currency: 'CNY',
      stage: 'BEFORE_PURCHASING',
      status: 'CONFIRMED',
      orderDate: '2026-11-20',
      lines: [1, 2].map((n) => ({ externalId: `${id}-l${n}`, lineNo: n, productExternalId: `p${n}`, quantity, unitPrice: '10.00' })),
    })),
    purchaseOrders: ids
      .filter((_, i) => i % 2 === 0)
      .map((id) => ({
        externalId: `po-${id}`,
        sourceVersion: version,
        number: `SQL-PO-${id}`,
        supplierExternalId: 's1',
        status: 'CONFIRMED',
        currency: 'CNY',
        orderDate: '2026-11-21',
        lines: [
          { externalId: `po-${id}-l1`, productExternalId: 'p1', quantity, unitPrice: '6.00', salesOrderLineExternalId: `${id}-l1` },
        ],
      })),
    reservations: ids
      .filter((_, i) => i % 2 === 1)
      .map((id) => ({
        externalId: `res-${id}`,
        sourceVersion: version,
        salesOrderLineExternalId: `${id}-l2`,
        warehouseExternalId: 'w1',
        quantity: quantity - 7,
      })),
  };
}

async function counted(input: Record<string, unknown>): Promise<{ result: Result; count: number; statements: string[] }> {
  let result: Result | undefined;
  const recorded = await server.countQueries(async () => {
    result = await sync(input);
  });
  // The API key is verified from a cache that expires every few seconds: its re-read depends on
  // the clock, not on the call, so it is left out of the count.
  const statements = recorded.statements.filter((s) => !/from "api_key"|update "api_key"/.test(s));
  return { result: result!, count: statements.length, statements };
}

beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer({ env: { LOG_LEVEL: 'error' } }));
  const data = await wf.as<{ createApiKey: { secret: string } }>(
    'admin@example.com',
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ... on CreateApiKeySuccess { secret } } }`,
    { i: { name: 'ERP sync SQL count', scopes: ['ERP_SYNC'] } },
  );
  erpKey = data.createApiKey.secret;
  const master = await sync(MASTER);
  expect(master.rejected, JSON.stringify(master.rows)).toBe(0);
  // Warm the key's last-used stamp so that it is not written during the measured calls.
  await sync({ customers: [] });
}, 120_000);
afterAll(async () => server?.close());

describe('SQL statements per syncRecords call', () => {
  it('is bounded per kind, the same for 50 and for 500 records, on create, unchanged and update', async () => {
    const counts: Record<string, Record<number, number>> = { create: {}, unchanged: {}, update: {} };
    for (const orders of [25, 250]) {
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

      // Three kinds in the call; besides the per-kind reads and writes a call costs its
      // transaction, the advisory lock, the key check and the recorded event.
      for (const c of [create, same, update]) expect(c.count, c.statements.join('\n')).toBeLessThanOrEqual(3 * 8 + 10);
    }
    for (const phase of Object.keys(counts)) expect(counts[phase][500], `${phase}: ${JSON.stringify(counts[phase])}`).toBe(counts[phase][50]);
    console.log(`syncRecords SQL statements at 50 / 500 records: ${JSON.stringify(counts)}`);

    // What was written is what was sent: every line at the new quantity, totals recomputed.
    const [written] = await server.sql<{ lines: string; wrong: string; total: string; po: string; res: string }>(
      `select count(*)::text as lines,
              count(*) filter (where l.quantity <> 12)::text as wrong,
              (select sum(total_amount)::text from sales_order where source = $1) as total,
              (select count(*)::text from purchase_order_line where source = $1 and quantity = 12) as po,
              (select count(*)::text from reservation where source = $1 and quantity = 5) as res
         from sales_order_line l where l.source = $1`,
      [SOURCE],
    );
    expect(written).toEqual({ lines: '550', wrong: '0', total: (275 * 2 * 12 * 10).toFixed(2), po: '138', res: '137' });
  }, 180_000);
});

describe('checks read for the whole call', () => {
  it('refuses a line external id held by another order or PO, and a second stock level for one warehouse and product', async () => {
    const first = batch('own', 2, 1, 10);
    const created = await sync(first);
    expect(created.created).toBe(4);

    // Order own-1 claims a line of own-0; a new PO claims a line of po-own-0.
    const order = { ...first.salesOrders[1], sourceVersion: 2 };
    order.lines = [order.lines[0], { ...order.lines[1], externalId: 'own-0-l2', lineNo: 3 }];
    const po = { ...first.purchaseOrders[0], externalId: 'po-other', number: 'SQL-PO-other' };
    const taken = await sync({ salesOrders: [order], purchaseOrders: [po], errorPolicy: 'REJECT_FAILED_ROWS' });
    expect(taken.rows.map((r) => [r.outcome, r.errors.map((e) => `${e.path}:${e.code}`)])).toEqual([
      ['REJECTED', ['lines[1].externalId:CONFLICT']],
      ['REJECTED', ['lines[0].externalId:CONFLICT']],
    ]);

    // Two levels of one call for the same warehouse and product: the first is saved, the second
    // refused; a later record for that pair under another external id is refused against the stored one.
    const level = (externalId: string, onHand: number) => ({ externalId, warehouseExternalId: 'w1', productExternalId: 'p1', onHand });
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

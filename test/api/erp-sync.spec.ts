import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessChecksums, changedTables, type Checksums } from '../harness/checksum.js';
import {
  erpChecksums,
  kindChanges,
  rowOf,
  SMALL_COMPANY_RECORDS as COMPANY_RECORDS,
  smallCompany as company,
  startSyncServer,
  SYNC_DOCUMENT,
  syncer,
  type SyncResult,
} from '../harness/erp-sync.js';
import type { TestServer } from '../harness/server.js';
import { impactQuery, type Workflow } from '../harness/workflow.js';

/*
 * syncRecords against the real server and database: a small company loaded by a partner key
 * with ERP_SYNC in one call, re-sent unchanged, then terminated end to end through the API;
 * outcomes per kind, references, error policies, limits and hostile input.
 */

const ADMIN = 'admin@example.com';
const CLERK = 'clerk@example.com';
const SOURCE = 'ERP-T';

let server: TestServer;
let wf: Workflow;
let erpKey: string;

const SYNC = SYNC_DOCUMENT;
type Result = SyncResult;
type Input = Record<string, unknown>;

const sync = syncer(
  () => server,
  SOURCE,
  () => erpKey,
);
const row = rowOf;

/** This source's latest sync.completed event in the event log has `expected` in its data. */
async function expectLastSyncEvent(expected: Record<string, unknown>): Promise<void> {
  const [event] = await server.sql<{ data: Record<string, unknown> }>(
    `select data from audit_event where action = 'sync.completed' and entity_id = $1 order by seq desc limit 1`,
    [SOURCE],
  );
  expect(event!.data).toMatchObject({ source: SOURCE, ...expected });
}

async function allChecksums(): Promise<Checksums> {
  return { ...(await businessChecksums(server)), ...(await erpChecksums(server)) };
}

beforeAll(async () => {
  ({ server, wf, erpKey } = await startSyncServer('ERP sync test'));
});
afterAll(async () => {
  await server?.close();
});

describe('the done-when path', () => {
  it('loads a small company in one call, reports only UNCHANGED when re-sent, and terminates an imported order end to end', async () => {
    const loaded = await sync(company());
    expect(loaded.__typename).toBe('SyncRecordsSuccess');
    expect(
      loaded.rows.filter((r) => r.outcome !== 'CREATED'),
      JSON.stringify(loaded.rows),
    ).toEqual([]);
    expect(loaded).toMatchObject({ applied: true, created: COMPANY_RECORDS, rejected: 0 });

    const before = await allChecksums();
    const again = await sync(company());
    expect(again).toMatchObject({ applied: true, unchanged: COMPANY_RECORDS, created: 0, updated: 0, stale: 0, rejected: 0 });
    expect(changedTables(before, await allChecksums())).toEqual([]);

    // Stored as sent, with the identity visible on the read types.
    const order = await wf.as<{
      order: {
        number: string;
        externalId: string;
        source: string;
        totalAmount: string;
        stage: string;
        customer: { externalId: string; language: string };
      };
    }>(ADMIN, `{ order(number: "ERPT-SO-1") { number externalId source totalAmount stage customer { externalId language } } }`);
    expect(order.order).toEqual({
      number: 'ERPT-SO-1',
      externalId: 'so-1',
      source: SOURCE,
      totalAmount: '2000.00',
      stage: 'PURCHASING_CONFIRMED',
      customer: { externalId: 'cust-1', language: 'zh-CN' },
    });

    // The impact shows the imported POs (one shared) and the reservation.
    const impact = await wf.as<{
      terminationImpact: {
        __typename: string;
        purchaseOrders: { number: string }[];
        reservations: { quantity: number; warehouseCode: string }[];
        feeRate: string;
      };
    }>(CLERK, impactQuery('purchaseOrders { number } reservations { quantity warehouseCode } feeRate'), {
      input: { orderNumber: 'ERPT-SO-1', reasonCode: 'CUSTOMER_CHANGE' },
    });
    expect(impact.terminationImpact.__typename).toBe('TerminationImpact');
    expect(impact.terminationImpact.purchaseOrders.map((p) => p.number).sort()).toEqual(['ERPT-PO-1', 'ERPT-PO-2']);
    expect(impact.terminationImpact.reservations).toEqual([{ quantity: 3, warehouseCode: 'ERPT-W1' }]);
    expect(impact.terminationImpact.feeRate).toBe('0.10');

    const done = await wf.submitApproved(CLERK, {
      orderNumber: 'ERPT-SO-1',
      reasonCode: 'CUSTOMER_CHANGE',
      explanation: 'The customer changed the design of the imported order.',
      customerConfirmationRequired: false,
    });
    expect(done.status).toBe('EFFECTIVE');

    // The effect cancelled the PO bought only for this order, and this order's line of the shared one.
    const pos = await wf.as<{
      purchaseOrders: {
        edges: {
          node: {
            number: string;
            status: string;
            supplier: { code: string; externalId: string };
            lines: { cancelledQuantity: number; salesOrderNumber: string }[];
          };
        }[];
      };
    }>(
      ADMIN,
      `{ purchaseOrders(filter: { source: "${SOURCE}", search: "ERPT-PO" }) { edges { node { number status supplier { code externalId } lines { cancelledQuantity salesOrderNumber } } } } }`,
    );
    const byNumber = Object.fromEntries(pos.purchaseOrders.edges.map((e) => [e.node.number, e.node]));
    expect(byNumber['ERPT-PO-1']!.status).toBe('CANCELLED');
    expect(byNumber['ERPT-PO-1']!.supplier).toEqual({ code: 'ERPT-S1', externalId: 'sup-1' });
    expect(byNumber['ERPT-PO-2']!.lines.find((l) => l.salesOrderNumber === 'ERPT-SO-1')!.cancelledQuantity).toBe(5);
    expect(byNumber['ERPT-PO-2']!.lines.find((l) => l.salesOrderNumber === 'ERPT-SO-2')!.cancelledQuantity).toBe(0);
    const reservation = await server.sql<{ status: string }>(`select status from reservation where source = $1 and external_id = 'res-1'`, [
      SOURCE,
    ]);
    expect(reservation[0]!.status).toBe('RELEASED');

    // The ERP re-sending its unchanged records does not undo what the termination did.
    const afterEffect = await sync(company());
    expect(afterEffect.unchanged).toBe(COMPANY_RECORDS);
    const so = await server.sql<{ status: string }>(`select status from sales_order where number = 'ERPT-SO-1'`);
    expect(so[0]!.status).toBe('TERMINATED');
  });
});

describe('outcomes per kind', () => {
  /** One change per kind, to a record the company call created. */
  const CHANGES = kindChanges(SOURCE, [
    ['customers', 'cust-2', { city: 'Wuxi' }],
    ['suppliers', 'sup-1', { phone: '+86 512 0000' }],
    ['products', 'prod-5', { status: 'DISCONTINUED' }],
    ['warehouses', 'wh-1', { name: 'Main warehouse' }],
    ['contracts', 'ctr-1', { noticeDays: 30 }],
    ['salesOrders', 'so-4', { stage: 'IN_PRODUCTION' }],
    ['purchaseOrders', 'po-2', { cancellationPenaltyRate: '0.08' }, '0.0800'],
    ['stockLevels', 'stock-4', { onHand: 80 }],
    ['reservations', 'res-1', { quantity: 2 }],
  ]);

  for (const { field, kind, externalId, change, select, expected } of CHANGES) {
    it(`${kind}: a newer version UPDATED, the same again UNCHANGED, an older one STALE and not applied`, async () => {
      const record = structuredClone((company()[field] as Record<string, unknown>[]).find((r) => r.externalId === externalId)!);
      change(record);
      record.sourceVersion = 2;
      const updated = await sync({ [field]: [record] });
      expect(row(updated, kind, externalId), JSON.stringify(updated.rows)).toMatchObject({ outcome: 'UPDATED', errors: [] });
      expect((await server.sql<{ v: string }>(select))[0]!.v).toBe(expected);

      expect(row(await sync({ [field]: [record] }), kind, externalId).outcome).toBe('UNCHANGED');

      const before = await erpChecksums(server);
      const old = structuredClone((company()[field] as Record<string, unknown>[]).find((r) => r.externalId === externalId)!);
      const stale = await sync({ [field]: [old] });
      expect(row(stale, kind, externalId).outcome).toBe('STALE');
      expect((await server.sql<{ v: string }>(select))[0]!.v).toBe(expected);
      expect(changedTables(before, await erpChecksums(server))).toEqual([]);
    });
  }
});

describe('references', () => {
  it('resolves references against stored rows of the same source in a later call, and refuses unknown ones', async () => {
    const result = await sync({
      salesOrders: [
        {
          externalId: 'so-10',
          number: 'ERPT-SO-10',
          customerExternalId: 'cust-1',
          contractExternalId: 'ctr-1',
          currency: 'CNY',
          stage: 'BEFORE_PURCHASING',
          status: 'CONFIRMED',
          orderDate: '2026-11-25',
          lines: [{ externalId: 'so-10-l1', lineNo: 1, productExternalId: 'prod-3', quantity: 2, unitPrice: '300.00' }],
        },
      ],
      reservations: [{ externalId: 'res-10', salesOrderLineExternalId: 'so-10-l1', warehouseExternalId: 'wh-1', quantity: 2 }],
    });
    expect(result).toMatchObject({ applied: true, created: 2, rejected: 0 });

    // Another source does not see this source's records.
    const other = await server.gql<{ syncRecords: Result }>(
      SYNC,
      {
        input: {
          source: 'OTHER-ERP',
          reservations: [{ externalId: 'res-x', salesOrderLineExternalId: 'so-10-l1', warehouseExternalId: 'wh-1', quantity: 1 }],
        },
      },
      erpKey,
    );
    const otherRow = other.data!.syncRecords.rows[0]!;
    expect(otherRow.outcome).toBe('REJECTED');
    expect(otherRow.errors.map((e) => [e.path, e.code])).toEqual([
      ['salesOrderLineExternalId', 'UNKNOWN_REFERENCE'],
      ['warehouseExternalId', 'UNKNOWN_REFERENCE'],
    ]);
  });

  it('keeps a line number with its line: a new line cannot take the number of a stored one', async () => {
    const order = (company().salesOrders as Input[]).find((o) => o.externalId === 'so-4')!;
    const lines = order.lines as Input[];
    const result = await sync({
      salesOrders: [{ ...order, stage: 'IN_PRODUCTION', sourceVersion: 5, lines: [lines[0], { ...lines[1], externalId: 'so-4-l9' }] }],
    });
    expect(result.rows[0]!.errors.map((e) => `${e.path}:${e.code}`)).toEqual(['lines[1].lineNo:CONFLICT']);
    expect(result.applied).toBe(false);
  });

  it('refuses an order whose contract is another customer’s', async () => {
    const [order] = company().salesOrders as Record<string, unknown>[];
    const result = await sync({
      salesOrders: [
        {
          ...order,
          externalId: 'so-11',
          number: 'ERPT-SO-11',
          customerExternalId: 'cust-3',
          lines: [{ externalId: 'so-11-l1', lineNo: 1, productExternalId: 'prod-1', quantity: 1, unitPrice: '1.00' }],
        },
      ],
    });
    expect(result.rows[0]!.errors.map((e) => e.code)).toEqual(['INVALID']);
    expect(result.applied).toBe(false);
  });
});

describe('error policies', () => {
  const newCustomer = (i: number) => ({
    externalId: `cust-new-${i}`,
    code: `ERPT-N${i}`,
    name: `New ${i}`,
    contactName: 'N',
    email: `n${i}@customer.example`,
    city: 'Hangzhou',
  });
  const badProduct = { externalId: 'prod-bad', sku: 'ERPT-PBAD', name: 'Bad', unit: 'pcs', listPrice: '12.345' };

  it('REJECT_EVERYTHING (the default) writes nothing when one row is rejected, and reports every row', async () => {
    const before = await allChecksums();
    const result = await sync({ customers: [newCustomer(1)], products: [badProduct] });
    expect(result).toMatchObject({ applied: false, rejected: 1, created: 1 });
    expect(row(result, 'CUSTOMER', 'cust-new-1').outcome).toBe('CREATED');
    expect(row(result, 'PRODUCT', 'prod-bad').errors).toEqual([
      { path: 'listPrice', code: 'INVALID', message: expect.stringContaining('at most 2 places') },
    ]);
    expect(changedTables(before, await allChecksums())).toEqual([]);
    expect(await server.sql(`select 1 from customer where external_id = 'cust-new-1'`)).toEqual([]);
    // The call is in the event log all the same, marked as not applied.
    await expectLastSyncEvent({ errorPolicy: 'REJECT_EVERYTHING', applied: false, created: 1, rejected: 1 });
  });

  it('REJECT_FAILED_ROWS saves the good rows and rejects rows whose reference was rejected', async () => {
    const result = await sync({
      errorPolicy: 'REJECT_FAILED_ROWS',
      customers: [newCustomer(2)],
      products: [badProduct],
      stockLevels: [{ externalId: 'stock-bad', warehouseExternalId: 'wh-1', productExternalId: 'prod-bad', onHand: 1 }],
    });
    expect(result).toMatchObject({ applied: true, created: 1, rejected: 2 });
    expect(row(result, 'STOCK_LEVEL', 'stock-bad').errors.map((e) => [e.path, e.code])).toEqual([
      ['productExternalId', 'REFERENCE_REJECTED'],
    ]);
    expect(await server.sql(`select code from customer where source = $1 and external_id = 'cust-new-2'`, [SOURCE])).toEqual([
      { code: 'ERPT-N2' },
    ]);
    expect(await server.sql(`select 1 from product where external_id = 'prod-bad'`)).toEqual([]);
    // The call is in the event log with its counts.
    await expectLastSyncEvent({ errorPolicy: 'REJECT_FAILED_ROWS', applied: true, created: 1, rejected: 2 });
  });

  it('rejects every record whose external id (or code) appears twice in one call', async () => {
    const result = await sync({
      errorPolicy: 'REJECT_FAILED_ROWS',
      customers: [newCustomer(3), { ...newCustomer(3), code: 'ERPT-N3B' }, { ...newCustomer(4), code: 'ERPT-N5' }, newCustomer(5)],
    });
    expect(result.rows.map((r) => [r.externalId, r.outcome, r.errors.map((e) => `${e.path}:${e.code}`).join()])).toEqual([
      ['cust-new-3', 'REJECTED', 'externalId:DUPLICATE_IN_CALL'],
      ['cust-new-3', 'REJECTED', 'externalId:DUPLICATE_IN_CALL'],
      ['cust-new-4', 'REJECTED', 'code:DUPLICATE_IN_CALL'],
      ['cust-new-5', 'REJECTED', 'code:DUPLICATE_IN_CALL'],
    ]);
  });

  it('returns the first result for a repeated idempotency key', async () => {
    const input = { idempotencyKey: 'erp-batch-7', customers: [newCustomer(7)] };
    const first = await sync(input);
    expect(first).toMatchObject({ created: 1, replayed: false });
    const second = await sync(input);
    expect(second).toMatchObject({ created: 1, replayed: true });
    const reused = await sync({ ...input, customers: [newCustomer(8)] });
    expect(reused).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('limits and hostile input', () => {
  it('refuses more than 500 records with a clear InputError and writes nothing', async () => {
    const before = await allChecksums();
    const customers = Array.from({ length: 501 }, (_, i) => ({
      externalId: `bulk-${i}`,
      code: `B${i}`,
      name: 'x',
      contactName: 'x',
      email: 'x@y.example',
      city: 'x',
    }));
    const result = await sync({ customers });
    expect(result).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED', field: 'input' });
    expect(changedTables(before, await allChecksums())).toEqual([]);
  });

  it('reports wrong types, long strings, bad decimals and dates, and unknown references per row', async () => {
    const wrongType = await server.gql(SYNC, { input: { source: SOURCE, stockLevels: [{ externalId: 's', onHand: 'ten' }] } }, erpKey);
    expect(wrongType.status).toBe(400);
    expect(wrongType.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');

    const before = await allChecksums();
    const result = await sync({
      errorPolicy: 'REJECT_FAILED_ROWS',
      customers: [
        {
          externalId: 'cust-long',
          code: 'ERPT-L',
          name: 'x'.repeat(5000),
          contactName: 'x',
          email: 'not-an-email',
          city: 'x',
          language: 'fr',
        },
      ],
      salesOrders: [
        {
          externalId: 'so-bad',
          number: 'ERPT-SO-BAD',
          customerExternalId: 'cust-nobody',
          contractExternalId: 'ctr-1',
          currency: 'cny',
          stage: 'SHIPPING',
          status: 'CONFIRMED',
          orderDate: '2026-02-30',
          lines: [{ externalId: 'so-bad-l1', lineNo: 1, productExternalId: 'prod-1', quantity: 0, unitPrice: '-5' }],
        },
      ],
    });
    expect(row(result, 'CUSTOMER', 'cust-long').errors.map((e) => `${e.path}:${e.code}`)).toEqual([
      'name:TOO_LONG',
      'email:INVALID',
      'language:INVALID',
    ]);
    expect(row(result, 'SALES_ORDER', 'so-bad').errors.map((e) => `${e.path}:${e.code}`)).toEqual([
      'currency:INVALID',
      'orderDate:INVALID',
      'lines[0].quantity:INVALID',
      'lines[0].unitPrice:INVALID',
    ]);
    // Field errors first; references are checked for rows that pass them.
    const unknown = await sync({
      salesOrders: [
        {
          ...(company().salesOrders as Input[])[0],
          externalId: 'so-unknown',
          number: 'ERPT-SO-U',
          customerExternalId: 'cust-nobody',
          lines: [{ externalId: 'so-u-l1', lineNo: 1, productExternalId: 'prod-nothing', quantity: 1, unitPrice: '1.00' }],
        },
      ],
    });
    expect(unknown.rows[0]!.errors.map((e) => `${e.path}:${e.code}`)).toEqual([
      'customerExternalId:UNKNOWN_REFERENCE',
      'lines[0].productExternalId:UNKNOWN_REFERENCE',
    ]);
    expect(changedTables(before, await allChecksums())).toEqual([]);
  });

  it('refuses a 10 MB string before it reaches the service', async () => {
    const before = await allChecksums();
    const res = await server.gql(
      SYNC,
      { input: { source: SOURCE, customers: [{ externalId: 'huge', name: 'x'.repeat(10 * 1024 * 1024) }] } },
      erpKey,
    );
    expect(res.status).toBe(413);
    expect(changedTables(before, await allChecksums())).toEqual([]);
  });

  it('refuses callers without ERP_SYNC', async () => {
    const asClerk = await server.gql(SYNC, { input: { source: SOURCE } }, await wf.token(CLERK));
    expect(asClerk.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const asAdmin = await server.gql<{ syncRecords: Result }>(SYNC, { input: { source: SOURCE } }, await wf.token(ADMIN));
    expect(asAdmin.data!.syncRecords).toMatchObject({ applied: true, rows: [] });
  });
});

describe('running terminations', () => {
  it('refuses a change that would invalidate a running termination and applies the others', async () => {
    const submitted = await wf.submit(CLERK, {
      orderNumber: 'ERPT-SO-3',
      reasonCode: 'CUSTOMER_CHANGE',
      explanation: 'Running while the ERP syncs this order.',
      customerConfirmationRequired: false,
    });
    expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
    expect(submitted.termination!.status).toBe('PENDING_APPROVAL');
    const original = (company().salesOrders as Record<string, unknown>[]).find((o) => o.externalId === 'so-3')!;
    const lines = original.lines as Record<string, unknown>[];
    const before = await erpChecksums(server);

    const below = await sync({ salesOrders: [{ ...original, sourceVersion: 2, lines: [{ ...lines[0], quantity: 4 }, lines[1]] }] });
    expect(below.rows[0]!.errors.map((e) => `${e.path}:${e.code}`)).toEqual(['lines[0].quantity:TERMINATION_IN_PROGRESS']);
    const removed = await sync({ salesOrders: [{ ...original, sourceVersion: 2, lines: [lines[0]] }] });
    expect(removed.rows[0]!.errors.map((e) => `${e.path}:${e.code}`)).toEqual(['lines:TERMINATION_IN_PROGRESS']);
    const cancelled = await sync({ salesOrders: [{ ...original, sourceVersion: 2, status: 'TERMINATED' }] });
    expect(cancelled.rows[0]!.errors.map((e) => `${e.path}:${e.code}`)).toEqual(['status:TERMINATION_IN_PROGRESS']);
    expect(changedTables(before, await erpChecksums(server))).toEqual([]);

    // Other changes apply; the order stays held by the termination.
    const staged = await sync({ salesOrders: [{ ...original, sourceVersion: 2, stage: 'IN_PRODUCTION', status: 'IN_PRODUCTION' }] });
    expect(staged.rows[0]!.outcome).toBe('UPDATED');
    const stored = await server.sql(`select stage, status, status_before_termination from sales_order where external_id = 'so-3'`);
    expect(stored).toEqual([{ stage: 'IN_PRODUCTION', status: 'TERMINATION_PENDING', status_before_termination: 'IN_PRODUCTION' }]);
  });
});

describe('partner reads', () => {
  it('lists synchronised records by source, external id, search and updatedSince, page by page', async () => {
    const page1 = await wf.as<{
      products: {
        totalCount: number;
        edges: { node: { sku: string; externalId: string; source: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>(
      ADMIN,
      `{ products(filter: { source: "${SOURCE}" }, first: 3) { totalCount edges { node { sku externalId source } } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(page1.products.totalCount).toBe(5);
    expect(page1.products.edges).toHaveLength(3);
    const page2 = await wf.as<{ products: { edges: { node: { sku: string } }[]; pageInfo: { hasNextPage: boolean } } }>(
      ADMIN,
      `query($a: String) { products(filter: { source: "${SOURCE}" }, first: 3, after: $a) { edges { node { sku } } pageInfo { hasNextPage } } }`,
      { a: page1.products.pageInfo.endCursor },
    );
    expect(page2.products.pageInfo.hasNextPage).toBe(false);
    const skus = [...page1.products.edges, ...page2.products.edges].map((e) => e.node.sku).sort();
    expect(skus).toEqual(['ERPT-P1', 'ERPT-P2', 'ERPT-P3', 'ERPT-P4', 'ERPT-P5']);

    const customers = await wf.as<{ customers: { edges: { node: { code: string } }[] } }>(
      ADMIN,
      `{ customers(filter: { source: "${SOURCE}", externalId: "cust-2" }) { edges { node { code } } } }`,
    );
    expect(customers.customers.edges.map((e) => e.node.code)).toEqual(['ERPT-C2']);

    const future = await wf.as<{ stockLevels: { totalCount: number } }>(
      ADMIN,
      `{ stockLevels(filter: { updatedSince: "2099-01-01T00:00:00Z" }) { totalCount } }`,
    );
    expect(future.stockLevels.totalCount).toBe(0);
    const stock = await wf.as<{ stockLevels: { edges: { node: { onHand: number; product: { sku: string } } }[] } }>(
      ADMIN,
      `{ stockLevels(filter: { source: "${SOURCE}", search: "ERPT-P4" }) { edges { node { onHand product { sku } } } } }`,
    );
    expect(stock.stockLevels.edges).toEqual([{ node: { onHand: 80, product: { sku: 'ERPT-P4' } } }]);

    const suppliers = await wf.as<{ suppliers: { edges: { node: { code: string; email: string; source: string } }[] } }>(
      ADMIN,
      `{ suppliers(filter: { search: "ERPT-S" }) { edges { node { code email source } } } }`,
    );
    expect(suppliers.suppliers.edges.map((e) => e.node)).toEqual([{ code: 'ERPT-S1', email: 'orders@supplier.example', source: SOURCE }]);

    const refused = await server.gql(`{ customers { totalCount } }`, {}, erpKey);
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOf, kindChanges, rowOf, SYNC_DOCUMENT, startSyncServer, syncer, type SyncResult } from '../harness/erp-sync.js';
import type { TestServer } from '../harness/server.js';
import type { Workflow } from '../harness/workflow.js';

/*
 * syncRecords for shipments, invoices, payments and exchange rates; the sync overview
 * (syncSources); the requester of a running termination told of what a sync changed; and a
 * 500-record call of realistic orders through the HTTP body limit — against the real server
 * and database.
 */

const ADMIN = 'admin@example.com';
const CLERK = 'clerk@example.com';
const SOURCE = 'ERP-K';

let server: TestServer;
let wf: Workflow;
let erpKey: string;
const sync = syncer(
  () => server,
  SOURCE,
  () => erpKey,
);

type Input = Record<string, unknown>;

/** A small company of this source: what the records of the kinds under test point at. */
function company(): Input {
  const order = (n: number) => ({
    externalId: `k-so-${n}`,
    sourceVersion: 1,
    number: `ERPK-SO-${n}`,
    customerExternalId: 'k-cust-1',
    contractExternalId: 'k-ctr-1',
    currency: 'CNY',
    stage: 'PURCHASING_CONFIRMED',
    status: 'CONFIRMED',
    orderDate: '2026-11-20',
    lines: [
      { externalId: `k-so-${n}-l1`, lineNo: 1, productExternalId: 'k-prod-1', quantity: 10, unitPrice: '100.00' },
      { externalId: `k-so-${n}-l2`, lineNo: 2, productExternalId: 'k-prod-2', quantity: 5, unitPrice: '200.00' },
    ],
  });
  return {
    customers: [1, 2].map((i) => ({
      externalId: `k-cust-${i}`,
      sourceVersion: 1,
      code: `ERPK-C${i}`,
      name: `客户 K${i}`,
      contactName: `Contact ${i}`,
      email: `k${i}@customer.example`,
      city: 'Ningbo',
    })),
    products: [1, 2].map((i) => ({
      externalId: `k-prod-${i}`,
      sourceVersion: 1,
      sku: `ERPK-P${i}`,
      name: `产品 K${i}`,
      unit: 'pcs',
      listPrice: `${i * 100}.00`,
    })),
    warehouses: [{ externalId: 'k-wh-1', sourceVersion: 1, code: 'ERPK-W1', name: '仓库 K', city: 'Ningbo' }],
    contracts: [
      {
        externalId: 'k-ctr-1',
        sourceVersion: 1,
        number: 'ERPK-K1',
        title: 'Supply agreement K',
        customerExternalId: 'k-cust-1',
        noticeDays: 14,
        feeSchedule: [
          { stage: 'BEFORE_PURCHASING', rate: '0.00' },
          { stage: 'PURCHASING_CONFIRMED', rate: '0.10' },
          { stage: 'IN_PRODUCTION', rate: '0.30' },
          { stage: 'SHIPPING', rate: '0.60' },
        ],
        clauses: [{ code: 'T1', titleZh: '终止', titleEn: 'Termination', textZh: '买方可终止。', textEn: 'The buyer may terminate.' }],
        customerConfirmationRequired: false,
        replyWorkingDays: 3,
        silenceMeans: 'REFUSAL',
      },
    ],
    salesOrders: [1, 2, 3].map(order),
    suppliers: [
      { externalId: 'k-sup-1', sourceVersion: 1, code: 'ERPK-S1', name: 'K Supplier', contactName: 'Mr Wu', email: 'k@supplier.example' },
    ],
    purchaseOrders: [
      {
        externalId: 'k-po-1',
        sourceVersion: 1,
        number: 'ERPK-PO-1',
        supplierExternalId: 'k-sup-1',
        status: 'CONFIRMED',
        currency: 'CNY',
        orderDate: '2026-11-21',
        lines: [
          {
            externalId: 'k-po-1-l1',
            productExternalId: 'k-prod-1',
            quantity: 10,
            unitPrice: '60.00',
            salesOrderLineExternalId: 'k-so-3-l1',
          },
        ],
      },
    ],
    reservations: [
      { externalId: 'k-res-1', sourceVersion: 1, salesOrderLineExternalId: 'k-so-3-l2', warehouseExternalId: 'k-wh-1', quantity: 2 },
    ],
  };
}

/** One record of each kind under test, as first sent. */
const RECORDS: Record<string, Input> = {
  shipments: {
    externalId: 'k-sh-1',
    sourceVersion: 1,
    number: 'ERPK-SH-1',
    salesOrderLineExternalId: 'k-so-1-l1',
    quantity: 4,
    carrier: 'SF Express',
    shippedAt: '2026-11-25T08:00:00Z',
  },
  invoices: {
    externalId: 'k-inv-1',
    sourceVersion: 1,
    number: 'ERPK-INV-1',
    salesOrderExternalId: 'k-so-1',
    customerExternalId: 'k-cust-1',
    amount: '600.00',
    issuedOn: '2026-11-22',
  },
  payments: {
    externalId: 'k-pay-1',
    sourceVersion: 1,
    reference: 'ERPK-PAY-1',
    invoiceExternalId: 'k-inv-1',
    amount: '600.00',
    method: 'BANK_TRANSFER',
    paidOn: '2026-11-28',
  },
  exchangeRates: { externalId: 'k-usd-1', sourceVersion: 1, fromCurrency: 'USD', toCurrency: 'CNY', rate: '7.12', validFrom: '2026-11-03' },
};

beforeAll(async () => {
  ({ server, wf, erpKey } = await startSyncServer('ERP sync kinds test'));
  const loaded = await sync(company());
  expect(loaded, JSON.stringify(loaded.rows.filter((r) => r.errors.length))).toMatchObject({ applied: true, rejected: 0 });
});
afterAll(async () => {
  await server?.close();
});

describe('shipments, invoices, payments and exchange rates', () => {
  const CHANGES = kindChanges(SOURCE, [
    [
      'shipments',
      'k-sh-1',
      { status: 'DELIVERED', deliveredAt: '2026-11-27T10:00:00+08:00' },
      'DELIVERED 2026-11-27 02:00',
      `select status || ' ' || to_char(delivered_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as v from shipment where external_id = 'k-sh-1'`,
    ],
    ['invoices', 'k-inv-1', { amount: '650.00' }],
    ['payments', 'k-pay-1', { method: 'ALIPAY' }],
    ['exchangeRates', 'k-usd-1', { rate: '7.1500' }, '7.15000000'],
  ]);

  for (const { field, kind, externalId, change, select, expected } of CHANGES) {
    it(`${kind}: CREATED, a newer version UPDATED, the same again UNCHANGED, an older one STALE and not applied`, async () => {
      const created = await sync({ [field]: [RECORDS[field]] });
      expect(rowOf(created, kind, externalId), JSON.stringify(created.rows)).toMatchObject({ outcome: 'CREATED', errors: [] });

      const record = { ...structuredClone(RECORDS[field]!), sourceVersion: 2 };
      change(record);
      expect(rowOf(await sync({ [field]: [record] }), kind, externalId).outcome).toBe('UPDATED');
      expect((await server.sql<{ v: string }>(select))[0]!.v).toBe(expected);
      expect(rowOf(await sync({ [field]: [record] }), kind, externalId).outcome).toBe('UNCHANGED');

      const stale = await sync({ [field]: [RECORDS[field]] });
      expect(rowOf(stale, kind, externalId).outcome).toBe('STALE');
      expect((await server.sql<{ v: string }>(select))[0]!.v).toBe(expected);
    });
  }

  it('links each to its order: a shipment to the line’s order (and raises what the line shipped), a payment to its invoice’s order', async () => {
    const shipment = await server.sql(
      `select o.number as order_number, l.line_no, l.shipped_quantity, s.source from shipment s
         join sales_order o on o.id = s.order_id join sales_order_line l on l.id = s.line_id where s.external_id = 'k-sh-1'`,
    );
    expect(shipment).toEqual([{ order_number: 'ERPK-SO-1', line_no: 1, shipped_quantity: 4, source: SOURCE }]);
    const payment = await server.sql(
      `select o.number as order_number, i.number as invoice_number from payment p
         join sales_order o on o.id = p.order_id join invoice i on i.id = p.invoice_id where p.external_id = 'k-pay-1'`,
    );
    expect(payment).toEqual([{ order_number: 'ERPK-SO-1', invoice_number: 'ERPK-INV-1' }]);
    // Visible on the read types, with their identity.
    const order = await wf.as<{
      order: { amountInvoiced: string; amountPaid: string; lines: { lineNo: number; shippedQuantity: number }[] };
    }>(ADMIN, `{ order(number: "ERPK-SO-1") { amountInvoiced amountPaid lines { lineNo shippedQuantity } } }`);
    expect(order.order).toEqual({
      amountInvoiced: '650.00',
      amountPaid: '600.00',
      lines: [
        { lineNo: 1, shippedQuantity: 4 },
        { lineNo: 2, shippedQuantity: 0 },
      ],
    });
    const rates = await wf.as<{
      exchangeRates: { rates: { fromCurrency: string; validFrom: string; source: string; externalId: string | null }[] };
    }>(ADMIN, `{ exchangeRates { rates { fromCurrency validFrom source externalId } } }`);
    expect(rates.exchangeRates.rates).toContainEqual({
      fromCurrency: 'USD',
      validFrom: '2026-11-03',
      source: SOURCE,
      externalId: 'k-usd-1',
    });
  });

  it('resolves references inside one call (order → shipment, invoice → payment) and across calls, and refuses unknown ones', async () => {
    const order = { ...(company().salesOrders as Input[])[1]!, externalId: 'k-so-9', number: 'ERPK-SO-9' };
    (order.lines as Input[]).forEach((l, i) => (l.externalId = `k-so-9-l${i + 1}`));
    const inOneCall = await sync({
      salesOrders: [order],
      shipments: [{ ...RECORDS.shipments, externalId: 'k-sh-9', number: 'ERPK-SH-9', salesOrderLineExternalId: 'k-so-9-l2', quantity: 5 }],
      invoices: [{ ...RECORDS.invoices, externalId: 'k-inv-9', number: 'ERPK-INV-9', salesOrderExternalId: 'k-so-9' }],
      payments: [{ ...RECORDS.payments, externalId: 'k-pay-9', reference: 'ERPK-PAY-9', invoiceExternalId: 'k-inv-9' }],
    });
    expect(inOneCall, JSON.stringify(inOneCall.rows)).toMatchObject({ applied: true, created: 4, rejected: 0 });

    const acrossCalls = await sync({
      payments: [{ ...RECORDS.payments, externalId: 'k-pay-10', reference: 'ERPK-PAY-10', invoiceExternalId: 'k-inv-9', amount: '1.00' }],
    });
    expect(rowOf(acrossCalls, 'PAYMENT', 'k-pay-10').outcome).toBe('CREATED');
    expect(
      await server.sql(`select o.number from payment p join sales_order o on o.id = p.order_id where p.external_id = 'k-pay-10'`),
    ).toEqual([{ number: 'ERPK-SO-9' }]);

    const unknown = await sync(
      {
        shipments: [{ ...RECORDS.shipments, externalId: 'k-sh-x', number: 'ERPK-SH-X', salesOrderLineExternalId: 'nope-line' }],
        invoices: [{ ...RECORDS.invoices, externalId: 'k-inv-x', number: 'ERPK-INV-X', salesOrderExternalId: 'nope-order' }],
        payments: [{ ...RECORDS.payments, externalId: 'k-pay-x', reference: 'ERPK-PAY-X', invoiceExternalId: 'nope-invoice' }],
      },
      erpKey,
    );
    expect(unknown.applied).toBe(false);
    expect(errorsOf(rowOf(unknown, 'SHIPMENT', 'k-sh-x'))).toEqual(['salesOrderLineExternalId:UNKNOWN_REFERENCE']);
    expect(errorsOf(rowOf(unknown, 'INVOICE', 'k-inv-x'))).toEqual(['salesOrderExternalId:UNKNOWN_REFERENCE']);
    expect(errorsOf(rowOf(unknown, 'PAYMENT', 'k-pay-x'))).toEqual(['invoiceExternalId:UNKNOWN_REFERENCE']);
    // A payment of an invoice rejected in the same call is rejected too.
    const rejectedRef = await sync({
      errorPolicy: 'REJECT_FAILED_ROWS',
      invoices: [{ ...RECORDS.invoices, externalId: 'k-inv-y', number: 'ERPK-INV-Y', amount: '-5' }],
      payments: [{ ...RECORDS.payments, externalId: 'k-pay-y', reference: 'ERPK-PAY-Y', invoiceExternalId: 'k-inv-y' }],
    });
    expect(errorsOf(rowOf(rejectedRef, 'INVOICE', 'k-inv-y'))).toEqual(['amount:INVALID']);
    expect(errorsOf(rowOf(rejectedRef, 'PAYMENT', 'k-pay-y'))).toEqual(['invoiceExternalId:REFERENCE_REJECTED']);
    expect(await server.sql(`select 1 from invoice where external_id in ('k-inv-x', 'k-inv-y')`)).toEqual([]);
  });

  it('reports row errors with path and code, and writes nothing of a rejected call', async () => {
    const before = await server.sql(`select count(*)::int as n from shipment`);
    const result = await sync({
      shipments: [
        // Line 2 of k-so-2 has 5: 6 would ship more than ordered.
        { ...RECORDS.shipments, externalId: 'k-sh-e1', number: 'ERPK-SH-E1', salesOrderLineExternalId: 'k-so-2-l2', quantity: 6 },
        { ...RECORDS.shipments, externalId: 'k-sh-e2', number: 'ERPK-SH-E2', status: 'DELIVERED' },
        { ...RECORDS.shipments, externalId: 'k-sh-e3', number: 'ERPK-SH-E3', shippedAt: '25.11.2026' },
      ],
      invoices: [
        { ...RECORDS.invoices, externalId: 'k-inv-e1', number: 'ERPK-INV-E1', customerExternalId: 'k-cust-2', issuedOn: '2026-02-30' },
      ],
      payments: [{ ...RECORDS.payments, externalId: 'k-pay-e1', reference: 'ERPK-PAY-E1', method: 'X'.repeat(17), amount: '12.345' }],
      exchangeRates: [
        { ...RECORDS.exchangeRates, externalId: 'k-e1', fromCurrency: 'CNY', rate: '0' },
        { ...RECORDS.exchangeRates, externalId: 'k-e2', validFrom: '2026-11-04' },
        { ...RECORDS.exchangeRates, externalId: 'k-e3', validFrom: '2026-11-04' },
      ],
    });
    expect(result).toMatchObject({ __typename: 'SyncRecordsSuccess', applied: false });
    expect(errorsOf(rowOf(result, 'SHIPMENT', 'k-sh-e1'))).toEqual(['quantity:INVALID']);
    expect(errorsOf(rowOf(result, 'SHIPMENT', 'k-sh-e2'))).toEqual(['deliveredAt:REQUIRED']);
    expect(errorsOf(rowOf(result, 'SHIPMENT', 'k-sh-e3'))).toEqual(['shippedAt:INVALID']);
    expect(errorsOf(rowOf(result, 'INVOICE', 'k-inv-e1'))).toEqual(['issuedOn:INVALID']);
    expect(errorsOf(rowOf(result, 'PAYMENT', 'k-pay-e1'))).toEqual(['amount:INVALID', 'method:TOO_LONG']);
    expect(errorsOf(rowOf(result, 'EXCHANGE_RATE', 'k-e1'))).toEqual(['toCurrency:INVALID', 'rate:INVALID']);
    expect(errorsOf(rowOf(result, 'EXCHANGE_RATE', 'k-e2'))).toEqual(['validFrom:DUPLICATE_IN_CALL']);
    expect(errorsOf(rowOf(result, 'EXCHANGE_RATE', 'k-e3'))).toEqual(['validFrom:DUPLICATE_IN_CALL']);
    expect(rowOf(result, 'SHIPMENT', 'k-sh-e1').errors[0]!.message).toBe(
      'Line 2: its shipments would carry 6, more than the 5 ordered and not terminated.',
    );
    expect(await server.sql(`select count(*)::int as n from shipment`)).toEqual(before);

    const wrongCustomer = await sync({
      invoices: [{ ...RECORDS.invoices, externalId: 'k-inv-e2', number: 'ERPK-INV-E2', customerExternalId: 'k-cust-2' }],
    });
    expect(errorsOf(wrongCustomer.rows[0]!)).toEqual(['customerExternalId:INVALID']);
  });

  it('takes over a rate an administrator set for the same pair and day; another source’s rate is a CONFLICT', async () => {
    const set = await wf.as<{ setExchangeRate: { __typename: string } }>(
      ADMIN,
      `mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { __typename } }`,
      { i: { currency: 'EUR', rate: '7.70', validFrom: '2026-11-05' } },
    );
    expect(set.setExchangeRate.__typename).toBe('ExchangeRate');
    const eur = { externalId: 'k-eur-1', fromCurrency: 'EUR', toCurrency: 'CNY', rate: '7.80', validFrom: '2026-11-05' };
    expect(rowOf(await sync({ exchangeRates: [eur] }), 'EXCHANGE_RATE', 'k-eur-1').outcome).toBe('CREATED');
    expect(
      await server.sql(
        `select source, external_id, rate::text from exchange_rate where from_currency = 'EUR' and valid_from = '2026-11-05'`,
      ),
    ).toEqual([{ source: SOURCE, external_id: 'k-eur-1', rate: '7.80000000' }]);
    const other = await server.gql<{ syncRecords: SyncResult }>(
      SYNC_DOCUMENT,
      { input: { source: 'ERP-OTHER', exchangeRates: [{ ...eur, rate: '9' }] } },
      erpKey,
    );
    expect(errorsOf(other.data!.syncRecords.rows[0]!)).toEqual(['validFrom:CONFLICT']);
    // The administrator setting it again makes it theirs: the ERP identity is dropped.
    await wf.as(ADMIN, `mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { __typename } }`, {
      i: { currency: 'EUR', rate: '7.75', validFrom: '2026-11-05' },
    });
    expect(
      await server.sql(`select source, external_id from exchange_rate where from_currency = 'EUR' and valid_from = '2026-11-05'`),
    ).toEqual([{ source: 'ADMIN', external_id: null }]);
  });
});

describe('a running termination', () => {
  const NOTICES = `{ notifications(first: 50) { edges { node { kind title body terminationId } } } }`;
  type Notice = { kind: string; title: string; body: string; terminationId: string };
  const syncNotices = async () =>
    (await wf.as<{ notifications: { edges: { node: Notice }[] } }>(CLERK, NOTICES)).notifications.edges
      .map((e) => e.node)
      .filter((n) => n.kind === 'TERMINATION_CHANGED_BY_SYNC');

  it('refuses a shipment of what it is taking, and tells its requester what an accepted change did, in their language', async () => {
    const submitted = await wf.submit(CLERK, {
      orderNumber: 'ERPK-SO-3',
      reasonCode: 'CUSTOMER_CHANGE',
      explanation: 'Running while the ERP sends shipments and prices.',
      customerConfirmationRequired: false,
    });
    expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
    const termination = submitted.termination!;
    expect(termination.status).toBe('PENDING_APPROVAL');

    const shipment = await sync({
      shipments: [{ ...RECORDS.shipments, externalId: 'k-sh-3', number: 'ERPK-SH-3', salesOrderLineExternalId: 'k-so-3-l1', quantity: 1 }],
    });
    expect(errorsOf(shipment.rows[0]!)).toEqual(['quantity:TERMINATION_IN_PROGRESS']);
    expect(await server.sql(`select 1 from shipment where external_id = 'k-sh-3'`)).toEqual([]);
    expect(await syncNotices()).toEqual([]);

    // A new price of line 2: accepted; the requester (zh-CN, the default) reads it in Chinese.
    const original = (company().salesOrders as Input[])[2]!;
    const lines = original.lines as Input[];
    const priced = await sync({
      salesOrders: [{ ...original, sourceVersion: 2, lines: [lines[0], { ...lines[1], unitPrice: '210.00' }] }],
    });
    expect(priced.rows[0]!.outcome).toBe('UPDATED');
    const [both, ...none] = await syncNotices();
    expect(none).toEqual([]);
    expect(both!.terminationId).toBe(termination.id);
    expect(both!.title).toBe(`${termination.number}：订单 ERPK-SO-3 已由 ERP 同步（${SOURCE}）更改`);
    expect(both!.body.split('\n')).toEqual([
      '第 2 行（产品 / 数量 / 单价 / 已发货）: ERPK-P2 / 5 / 200.00 / 0 → ERPK-P2 / 5 / 210.00 / 0',
      '订单总额: 2000.00 CNY → 2050.00 CNY',
    ]);

    // The requester chose English: an invoice and a cheaper PO line are told in English alone.
    const prefs = await wf.as<{ updateNotificationPreferences: { __typename: string } }>(
      CLERK,
      `mutation($i: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { __typename } }`,
      { i: { mailKinds: [], mailLanguage: 'EN' } },
    );
    expect(prefs.updateNotificationPreferences.__typename).toBe('NotificationPreferences');
    const po = (company().purchaseOrders as Input[])[0]!;
    const invoice = { ...RECORDS.invoices, externalId: 'k-inv-3', number: 'ERPK-INV-3', salesOrderExternalId: 'k-so-3', amount: '300.00' };
    const changed = await sync({
      purchaseOrders: [{ ...po, sourceVersion: 2, lines: [{ ...(po.lines as Input[])[0], unitPrice: '55.00' }] }],
      invoices: [invoice],
    });
    expect(changed).toMatchObject({ applied: true, updated: 1, created: 1 });
    const [english] = await syncNotices();
    expect(english!.title).toBe(`${termination.number}: order ERPK-SO-3 changed by ERP sync (${SOURCE})`);
    expect(english!.body.split('\n')).toEqual([
      'Amount invoiced: 0 → 300.00',
      'Purchase order ERPK-PO-1 (line 1: quantity / received / cancelled / unit cost): 10 / 0 / 0 / 60.00 → 10 / 0 / 0 / 55.00',
    ]);

    // Re-sent unchanged, or a change of another order: nothing to tell.
    await sync({ invoices: [invoice] });
    await sync({ invoices: [{ ...RECORDS.invoices, externalId: 'k-inv-4', number: 'ERPK-INV-4', salesOrderExternalId: 'k-so-2' }] });
    expect(await syncNotices()).toHaveLength(2);
  });
});

describe('syncSources', () => {
  const QUERY = `{ syncSources { source lastSyncAt lastApplied calls rejectedCalls
    last { created updated unchanged stale rejected } totals { created updated unchanged stale rejected }
    lastErrors { at kind index externalId path code message } } }`;
  type Source = {
    source: string;
    lastSyncAt: string;
    lastApplied: boolean;
    calls: number;
    rejectedCalls: number;
    last: Record<string, number>;
    totals: Record<string, number>;
    lastErrors: { at: string; kind: string; index: number; externalId: string; path: string; code: string; message: string }[];
  };

  it('shows per source the last sync, records by outcome (last call and totals) and the latest row errors, to admins only', async () => {
    const overview = syncer(
      () => server,
      'ERP-OVERVIEW',
      () => erpKey,
    );
    const gbp = (day: string, rate = '9.1') => ({ externalId: `gbp-${day}`, fromCurrency: 'GBP', toCurrency: 'CNY', rate, validFrom: day });
    const first = await overview({
      errorPolicy: 'REJECT_FAILED_ROWS',
      exchangeRates: [gbp('2026-10-01'), gbp('2026-10-02'), gbp('2026-10-03', 'abc')],
    });
    expect(first).toMatchObject({ applied: true, created: 2, rejected: 1 });
    const second = await overview({ exchangeRates: [gbp('2026-10-04'), gbp('2026-13-01')] });
    expect(second).toMatchObject({ applied: false, created: 1, rejected: 1 });

    const { syncSources } = await wf.as<{ syncSources: Source[] }>(ADMIN, QUERY);
    const source = syncSources.find((s) => s.source === 'ERP-OVERVIEW')!;
    expect(source).toMatchObject({
      lastApplied: false,
      calls: 2,
      rejectedCalls: 1,
      last: { created: 1, updated: 0, unchanged: 0, stale: 0, rejected: 1 },
      // The call that wrote nothing counts as its rejected rows only.
      totals: { created: 2, updated: 0, unchanged: 0, stale: 0, rejected: 2 },
    });
    expect(source.lastErrors.map((e) => [e.kind, e.externalId, e.index, e.path, e.code])).toEqual([
      ['EXCHANGE_RATE', 'gbp-2026-13-01', 1, 'validFrom', 'INVALID'],
      ['EXCHANGE_RATE', 'gbp-2026-10-03', 2, 'rate', 'INVALID'],
    ]);
    expect(new Date(source.lastErrors[0]!.at).getTime()).toBeGreaterThanOrEqual(new Date(source.lastErrors[1]!.at).getTime());
    // Newest source first; this file's own source is there with its calls.
    expect(syncSources[0]!.source).toBe('ERP-OVERVIEW');
    expect(syncSources.find((s) => s.source === SOURCE)!.totals.created).toBeGreaterThan(10);

    const asClerk = await server.gql(QUERY, {}, await wf.token(CLERK));
    expect(asClerk.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asKey = await server.gql(QUERY, {}, erpKey);
    expect(asKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('body and record limits', () => {
  /** A GUID as ERPs such as Dynamics key their records, made from a number (repeatable). */
  const guid = (n: number) => {
    const hex = n.toString(16).padStart(12, '0');
    return `6f1c2b7e-0d4a-4c1e-9b3f-${hex}`;
  };

  /** 500 realistic orders of 5 lines (GUID ids), indented by 4 as Python’s json.dumps(indent=4) sends them. */
  function bulkBody(source: string, orders: number): string {
    const salesOrders = Array.from({ length: orders }, (_, o) => {
      const number = `SO-2026-${String(o + 1).padStart(6, '0')}`;
      return {
        externalId: guid(o * 10),
        sourceVersion: 1_733_000_000_000 + o,
        number,
        customerExternalId: 'BULK-CUST-0001',
        contractExternalId: 'BULK-CTR-0001',
        currency: 'CNY',
        stage: 'PURCHASING_CONFIRMED',
        status: 'CONFIRMED',
        orderDate: '2026-11-20',
        requestedDeliveryDate: '2027-01-15',
        lines: Array.from({ length: 5 }, (_, l) => ({
          externalId: guid(o * 10 + l + 1),
          lineNo: (l + 1) * 10,
          productExternalId: `MAT-${String(l + 1).padStart(9, '0')}`,
          quantity: 12 + l,
          unitPrice: `${1234 + l}.50`,
          shippedQuantity: 0,
        })),
      };
    });
    return JSON.stringify({ query: SYNC_DOCUMENT, variables: { input: { source, salesOrders } } }, null, 4);
  }

  const post = (body: string, token: string) =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });

  it('accepts a 500-order call of 5 lines each (over 1 MB) from an ERP_SYNC key; other callers keep the 1 MB limit; 501 is refused clearly', async () => {
    const base = syncer(
      () => server,
      'ERP-BULK',
      () => erpKey,
    );
    const setup = company();
    const loaded = await base({
      customers: [{ ...(setup.customers as Input[])[0], externalId: 'BULK-CUST-0001', code: 'BULK-C1' }],
      contracts: [
        { ...(setup.contracts as Input[])[0], externalId: 'BULK-CTR-0001', number: 'BULK-K1', customerExternalId: 'BULK-CUST-0001' },
      ],
      products: Array.from({ length: 5 }, (_, i) => ({
        ...(setup.products as Input[])[0],
        externalId: `MAT-${String(i + 1).padStart(9, '0')}`,
        sku: `BULK-P${i + 1}`,
      })),
    });
    expect(loaded).toMatchObject({ applied: true, created: 7 });

    const body = bulkBody('ERP-BULK', 500);
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);

    // A signed-in administrator may sync too, within the general limit.
    const asAdmin = await post(body, await wf.token(ADMIN));
    expect(asAdmin.status).toBe(413);
    expect(((await asAdmin.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe('Request body too large.');
    expect(await server.sql(`select count(*)::int as n from sales_order where source = 'ERP-BULK'`)).toEqual([{ n: 0 }]);

    const asKey = await post(body, erpKey);
    expect(asKey.status).toBe(200);
    const result = ((await asKey.json()) as { data: { syncRecords: SyncResult } }).data.syncRecords;
    expect(result).toMatchObject({ __typename: 'SyncRecordsSuccess', applied: true, created: 500, rejected: 0 });
    expect(
      await server.sql(
        `select count(*)::int as n from sales_order_line l join sales_order o on o.id = l.order_id where o.source = 'ERP-BULK'`,
      ),
    ).toEqual([{ n: 2500 }]);

    const tooMany = await post(bulkBody('ERP-BULK', 501), erpKey);
    expect(tooMany.status).toBe(200);
    const refused = ((await tooMany.json()) as { data: { syncRecords: SyncResult } }).data.syncRecords;
    expect(refused).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED', field: 'input' });
    expect(refused.message).toBe('At most 500 records per call (this one has 501); send them in batches.');

    // Even for a sync key the body has a ceiling.
    const huge = JSON.stringify({
      query: SYNC_DOCUMENT,
      variables: { input: { source: 'ERP-BULK', customers: [{ externalId: 'x', name: 'x'.repeat(9 * 1024 * 1024) }] } },
    });
    expect((await post(huge, erpKey)).status).toBe(413);
  }, 600_000);
});

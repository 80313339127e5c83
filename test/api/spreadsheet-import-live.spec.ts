import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, download, importRun, uploadFile } from '../harness/imports.js';
import { liveClient, type LiveClient } from '../harness/live.js';
import { startTestServer, type TestServer } from '../harness/server.js';

/*
 * Spreadsheet imports followed live (`importRunChanged`) and uploaded by an ERP's API key
 * (scope ERP_SYNC), against the real server and database.
 */

let server: TestServer;
let admin: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  server = await startTestServer({
    env: { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ot-import-live-')), IMPORT_CHUNK_SIZE: '2' },
  });
  admin = await server.login('admin@example.com');
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await server?.close();
});

async function createKey(name: string, scopes: string[]): Promise<{ id: string; secret: string }> {
  const res = await server.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ... on CreateApiKeySuccess { secret apiKey { id } } } }`,
    { i: { name, scopes } },
    admin,
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return { id: res.data!.createApiKey.apiKey.id, secret: res.data!.createApiKey.secret };
}

/** Five warehouses: three chunks of two records (IMPORT_CHUNK_SIZE), one row with an error. */
function warehouses(prefix: string): Buffer {
  return csvOf([
    ['External ID', 'Code', 'Name', 'City'],
    ...[1, 2, 3, 4].map((i) => [`${prefix}-${i}`, `${prefix}-W${i}`, `仓库 ${i}`, 'Suzhou']),
    [`${prefix}-5`, '', 'No code', 'Suzhou'],
  ]);
}

interface RunEvent {
  id: string;
  status: string;
  validatedRecords: number;
  processedRecords: number;
  created: number;
  rejected: number;
  requestedByApiKey: string | null;
}
const WATCH = `subscription($id: ID!) { importRunChanged(id: $id) { id status validatedRecords processedRecords created rejected requestedByApiKey } }`;

async function watch(token: string, id: string) {
  const live = liveClient(server.url, `Bearer ${token}`);
  clients.push(live);
  return live.subscribe<RunEvent>(WATCH, { id });
}

async function start(id: string, token: string) {
  const res = await server.gql<{ startImport: { __typename: string; status?: string } }>(
    `mutation($id: ID!) { startImport(input: { id: $id }) { __typename ... on ImportRun { status } } }`,
    { id },
    token,
  );
  expect(res.data?.startImport, JSON.stringify(res)).toMatchObject({ __typename: 'ImportRun', status: 'QUEUED' });
}

describe('importRunChanged', () => {
  it('sends the run after every chunk of the dry run and of the import, up to COMPLETED', async () => {
    const up = await uploadFile(server.url, admin, 'warehouses.csv', warehouses('LV'), { kind: 'WAREHOUSE', source: 'LIVE-T' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const id = up.body.id!;
    const sub = await watch(admin, id);

    await server.app.runDueJobs();
    const validated = await sub.next((e) => e.status === 'VALIDATED');
    expect(validated).toMatchObject({ id, validatedRecords: 5, requestedByApiKey: null });
    // Progress on the way: the dry run's chunks (2, 4, 5 records checked).
    expect(sub.events.filter((e) => e.status === 'VALIDATING').map((e) => e.validatedRecords)).toEqual([2, 4, 5]);

    await start(id, admin);
    await sub.next((e) => e.status === 'QUEUED');
    await server.app.runDueJobs();
    const done = await sub.next((e) => e.status === 'COMPLETED');
    expect(done).toMatchObject({ processedRecords: 5, created: 4, rejected: 1 });
    expect(sub.events.filter((e) => e.status === 'RUNNING').map((e) => e.processedRecords)).toEqual([0, 2, 4, 5]);
    expect(sub.errors).toEqual([]);
    // Another run's changes are not sent to this subscription.
    const other = await uploadFile(server.url, admin, 'other.csv', warehouses('LW'), { kind: 'WAREHOUSE', source: 'LIVE-T' });
    await server.app.runDueJobs();
    expect((await importRun(server, admin, other.body.id!)).status).toBe('VALIDATED');
    expect(sub.events.every((e) => e.id === id)).toBe(true);
    sub.close();
  });

  it('is refused to users without erp:sync and to keys without ERP_SYNC', async () => {
    const clerk = await server.login('clerk@example.com');
    const reader = await createKey('live reader', ['ORDERS_READ', 'EVENTS_SUBSCRIBE']);
    for (const token of [clerk, reader.secret]) {
      const sub = await watch(token, '00000000-0000-4000-8000-000000000000');
      await expect.poll(() => sub.errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(sub.errors)).toContain('FORBIDDEN');
    }
  });
});

describe('uploads by API key', () => {
  it('an ERP_SYNC key uploads, follows and imports a file; the run is its owner’s and imports as the key', async () => {
    const key = await createKey('ERP files', ['ERP_SYNC']);
    const tpl = await download(server.url, key.secret, '/imports/templates/warehouse.csv?lang=en');
    expect(tpl.status).toBe(200);
    const up = await uploadFile(server.url, key.secret, 'erp.csv', warehouses('KY'), { kind: 'WAREHOUSE', source: 'ERP-FILES' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const id = up.body.id!;
    const sub = await watch(key.secret, id);
    await server.app.runDueJobs();
    await sub.next((e) => e.status === 'VALIDATED');
    await start(id, key.secret);
    await server.app.runDueJobs();
    const done = await sub.next((e) => e.status === 'COMPLETED');
    expect(done).toMatchObject({ created: 4, rejected: 1 });
    expect(done.requestedByApiKey).toMatch(/^ERP files \(/);

    const [row] = await server.sql<{ email: string; key_id: string }>(
      `select u.email, r.requested_by_api_key_id as key_id from import_run r join app_user u on u.id = r.requested_by_id where r.id = $1`,
      [id],
    );
    expect(row).toEqual({ email: 'admin@example.com', key_id: key.id });
    // The records were synchronised by the key: its sync.completed events name it.
    const actors = await server.sql<{ actor_name: string }>(
      `select distinct actor_name from audit_event where action = 'sync.completed' and data->>'source' = 'ERP-FILES'`,
    );
    expect(actors.map((a) => a.actor_name)).toEqual([expect.stringMatching(/^API key ERP files/)]);
    const report = await download(server.url, key.secret, `/imports/${id}/errors.csv`);
    expect(report.status).toBe(200);
    expect(report.body.toString('utf8')).toContain('KY-5');
  });

  it('refuses keys without ERP_SYNC (403) and imports nothing once the uploading key is revoked', async () => {
    const reader = await createKey('reader', ['ORDERS_READ']);
    const refused = await uploadFile(server.url, reader.secret, 'r.csv', warehouses('RD'), { kind: 'WAREHOUSE' });
    expect(refused.status).toBe(403);

    const key = await createKey('ERP soon revoked', ['ERP_SYNC']);
    const up = await uploadFile(server.url, key.secret, 'rv.csv', warehouses('RV'), { kind: 'WAREHOUSE', source: 'ERP-REVOKED' });
    expect(up.status).toBe(201);
    await server.app.runDueJobs();
    await start(up.body.id!, key.secret);
    const revoked = await server.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`, { id: key.id }, admin);
    expect(revoked.errors).toBeUndefined();
    await server.app.runDueJobs();
    const run = await importRun(server, admin, up.body.id!);
    expect(run).toMatchObject({ status: 'FAILED', processedRecords: 0 });
    expect(run.error).toContain('API key');
    const [{ n }] = await server.sql<{ n: number }>(`select count(*)::int as n from warehouse where source = 'ERP-REVOKED'`);
    expect(n).toBe(0);
  });
});

describe('sheets for shipments, invoices, payments and exchange rates', () => {
  /** A template of `slug` (English headers), filled with `rows` by header. */
  async function filled(slug: string, rows: Record<string, string>[]): Promise<Buffer> {
    const tpl = await download(server.url, admin, `/imports/templates/${slug}.csv?lang=en`);
    expect(tpl.status, slug).toBe(200);
    const header = tpl.body
      .toString('utf8')
      .replace(/^\ufeff/, '')
      .split(/\r?\n/)[0]!
      .split(',');
    return csvOf([header, ...rows.map((r) => header.map((h) => r[h] ?? null))]);
  }

  async function importFile(kind: string, file: Buffer) {
    const up = await uploadFile(server.url, admin, `${kind}.csv`, file, { kind, source: 'SHEETS-T' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    await server.app.runDueJobs();
    expect(await importRun(server, admin, up.body.id!)).toMatchObject({ status: 'VALIDATED', invalidRecords: 0 });
    await start(up.body.id!, admin);
    await server.app.runDueJobs();
    return importRun(server, admin, up.body.id!);
  }

  it('import through syncRecords from their templates, referencing an order synchronised before', async () => {
    // The order (and what it needs) comes through syncRecords under the same source.
    const synced = await server.gql<{ syncRecords: { created: number; rejected: number } }>(
      `mutation($i: SyncRecordsInput!) { syncRecords(input: $i) { ... on SyncRecordsSuccess { created rejected } } }`,
      {
        i: {
          source: 'SHEETS-T',
          customers: [{ externalId: 'c', code: 'SH-C', name: '客户', contactName: 'Li', email: 'c@example.com', city: 'Wuxi' }],
          products: [{ externalId: 'p', sku: 'SH-P', name: '产品', unit: 'pcs', listPrice: '10.00' }],
          contracts: [
            {
              externalId: 'k',
              number: 'SH-K',
              title: 'Sheets',
              customerExternalId: 'c',
              noticeDays: 7,
              feeSchedule: [{ stage: 'BEFORE_PURCHASING', rate: '0.00' }],
              customerConfirmationRequired: false,
              replyWorkingDays: 3,
              silenceMeans: 'REFUSAL',
              validFrom: '2026-01-01',
            },
          ],
          salesOrders: [
            {
              externalId: 'o',
              number: 'SH-SO-1',
              customerExternalId: 'c',
              contractExternalId: 'k',
              currency: 'CNY',
              stage: 'BEFORE_PURCHASING',
              status: 'CONFIRMED',
              orderDate: '2026-11-20',
              lines: [{ externalId: 'o-1', lineNo: 1, productExternalId: 'p', quantity: 10, unitPrice: '10.00' }],
            },
          ],
        },
      },
      admin,
    );
    expect(synced.data?.syncRecords, JSON.stringify(synced)).toMatchObject({ created: 4, rejected: 0 });

    const shipments = await importFile(
      'SHIPMENT',
      await filled('shipment', [
        {
          'External ID': 'sh-1',
          Number: 'SH-SH-1',
          'Sales order line external ID': 'o-1',
          Quantity: '4',
          Status: 'IN_TRANSIT',
          Carrier: '顺丰',
          'Shipped at': '2026-11-25T09:00:00+08:00',
        },
      ]),
    );
    expect(shipments).toMatchObject({ status: 'COMPLETED', created: 1, rejected: 0 });
    const invoices = await importFile(
      'INVOICE',
      await filled('invoice', [
        { 'External ID': 'inv-1', Number: 'SH-INV-1', 'Sales order external ID': 'o', Amount: '40.00', 'Issued on': '2026-11-26' },
      ]),
    );
    expect(invoices).toMatchObject({ status: 'COMPLETED', created: 1 });
    const payments = await importFile(
      'PAYMENT',
      await filled('payment', [
        {
          'External ID': 'pay-1',
          Reference: 'SH-PAY-1',
          'Invoice external ID': 'inv-1',
          Amount: '40.00',
          Method: 'BANK_TRANSFER',
          'Paid on': '2026-11-27',
        },
      ]),
    );
    expect(payments).toMatchObject({ status: 'COMPLETED', created: 1 });
    const rates = await importFile(
      'EXCHANGE_RATE',
      await filled('exchange-rate', [
        { 'External ID': 'r-1', 'From currency': 'JPY', 'To currency': 'CNY', Rate: '0.0478', 'Valid from': '2026-11-02' },
      ]),
    );
    expect(rates).toMatchObject({ status: 'COMPLETED', created: 1 });

    const [stored] = await server.sql<{ shipped: number; invoiced: string; paid: string; rate: string }>(
      `select (select shipped_quantity from sales_order_line where source = 'SHEETS-T' and external_id = 'o-1') as shipped,
              (select amount::text from invoice where source = 'SHEETS-T') as invoiced,
              (select amount::text from payment where source = 'SHEETS-T') as paid,
              (select rate::text from exchange_rate where source = 'SHEETS-T') as rate`,
    );
    expect(stored).toMatchObject({ shipped: 4, invoiced: '40.00', paid: '40.00' });
    expect(Number(stored!.rate)).toBe(0.0478);
  });
});

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminQuery, withDatabase } from '../harness/database.js';
import { runCompiledCli } from '../harness/process.js';
import { ERP_TABLES, SMALL_COMPANY_RECORDS, smallCompany, syncer } from '../harness/erp-sync.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { impactQuery, Workflow } from '../harness/workflow.js';

/*
 * The "done when", from a database that never held demo data: a new installation on an
 * external PostgreSQL (migrated by the server, SEED_DEMO off). The administrator creates the
 * staff and a partner key with ERP_SYNC; the partner loads a small company (3 customers,
 * 5 products, a supplier, a contract, 4 orders, 2 POs, stock) in one call; the same call again
 * is all UNCHANGED; a clerk terminates one imported order end to end: the impact shows the
 * imported PO and the stock reserved for it, the effect cancels the PO and releases the stock.
 */

const SOURCE = 'ERP-NEW';
/** Not the demo password: the password rules apply to the staff an administrator creates. */
const PASSWORD = 'New-install-passw0rd';
const ADMIN = 'admin@example.com';
const CLERK = 'clerk@example.com';
/** The people the termination needs: a clerk and the heads its approval route may reach. */
const STAFF = [
  { email: CLERK, name: 'Clerk', role: 'CLERK', department: 'SALES' },
  { email: 'sales.head@example.com', name: 'Sales head', role: 'DEPT_HEAD', department: 'SALES' },
  { email: 'purchasing.head@example.com', name: 'Purchasing head', role: 'DEPT_HEAD', department: 'PURCHASING' },
  { email: 'warehouse.head@example.com', name: 'Warehouse head', role: 'DEPT_HEAD', department: 'WAREHOUSE' },
  { email: 'finance.head@example.com', name: 'Finance head', role: 'DEPT_HEAD', department: 'FINANCE' },
  { email: 'gm@example.com', name: 'General manager', role: 'DEPT_HEAD', department: 'MANAGEMENT' },
];

let server: TestServer;
let wf: Workflow;
let database: string;
let partnerKey: string;

/** Sends the whole small company as the partner. */
const syncCompany = () =>
  syncer(
    () => server,
    SOURCE,
    () => partnerKey,
  )(smallCompany());

beforeAll(async () => {
  const adminUrl = inject('adminDatabaseUrl');
  database = `ot_empty_${process.pid}_${Date.now()}`;
  await adminQuery(adminUrl, `create database ${database}`);
  // The server migrates the empty database on start; SEED_DEMO is off.
  server = await startTestServer({ databaseUrl: withDatabase(adminUrl, database) });
  wf = new Workflow({ gql: server.gql, login: (email) => server.login(email, PASSWORD) });
  // What an operator does before the first sign-in (README, "First start"): the migrations brought
  // the departments; the administrator comes from the compiled CLI, the password on stdin.
  const admin = await runCompiledCli(
    ['create-admin', '--email', ADMIN, '--name', 'Administrator'],
    { DATABASE_URL: server.databaseUrl },
    `${PASSWORD}\n`,
  );
  expect(admin.code, admin.output).toBe(0);
  // The compiled CLI may need building first.
}, 300_000);
afterAll(async () => {
  await server?.close();
  if (database) await adminQuery(inject('adminDatabaseUrl'), `drop database if exists ${database} with (force)`);
});

describe('a new installation on an empty database', () => {
  it('holds no ERP data before the partner sends it', async () => {
    const counts = await server.sql<{ n: number }>(ERP_TABLES.map((t) => `select count(*)::int as n from ${t}`).join(' union all '));
    expect(counts.map((c) => c.n)).toEqual(ERP_TABLES.map(() => 0));
  });

  it('loads a small company in one call, re-sent it is all UNCHANGED, and one of its orders terminates end to end', async () => {
    for (const user of STAFF) {
      const created = await wf.as<{ createUser: { __typename: string } }>(
        ADMIN,
        `mutation($input: UserInput!) { createUser(input: $input) { __typename ... on ErrorResult { message } } }`,
        { input: { ...user, password: PASSWORD } },
      );
      expect(created.createUser.__typename, JSON.stringify(created)).toBe('User');
    }
    const key = await wf.as<{ createApiKey: { __typename: string; secret: string } }>(
      ADMIN,
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { __typename ... on CreateApiKeySuccess { secret } } }`,
      { i: { name: 'ERP', scopes: ['ERP_SYNC'] } },
    );
    partnerKey = key.createApiKey.secret;

    const loaded = await syncCompany();
    expect(
      loaded.rows.filter((r) => r.outcome !== 'CREATED'),
      JSON.stringify(loaded.rows),
    ).toEqual([]);
    expect(loaded).toMatchObject({ __typename: 'SyncRecordsSuccess', applied: true, created: SMALL_COMPANY_RECORDS, rejected: 0 });
    const again = await syncCompany();
    expect(again).toMatchObject({ applied: true, unchanged: SMALL_COMPANY_RECORDS, created: 0, updated: 0, stale: 0, rejected: 0 });
    expect(new Set(again.rows.map((r) => r.outcome))).toEqual(new Set(['UNCHANGED']));

    const input = { orderNumber: 'ERPT-SO-1', reasonCode: 'CUSTOMER_CHANGE' };
    const impact = await wf.as<{
      terminationImpact: {
        __typename: string;
        purchaseOrders: { number: string; action: string; shared: boolean }[];
        reservations: { sku: string; warehouseCode: string; quantity: number }[];
        feeRate: string;
      };
    }>(CLERK, impactQuery('purchaseOrders { number action shared } reservations { sku warehouseCode quantity } feeRate'), { input });
    expect(impact.terminationImpact.__typename).toBe('TerminationImpact');
    const pos = Object.fromEntries(impact.terminationImpact.purchaseOrders.map((p) => [p.number, p]));
    expect(Object.keys(pos).sort()).toEqual(['ERPT-PO-1', 'ERPT-PO-2']);
    expect(pos['ERPT-PO-1']!.shared).toBe(false);
    expect(pos['ERPT-PO-2']!.shared).toBe(true);
    expect(impact.terminationImpact.reservations).toEqual([{ sku: 'ERPT-P2', warehouseCode: 'ERPT-W1', quantity: 3 }]);
    expect(impact.terminationImpact.feeRate).toBe('0.10');

    const submitted = await wf.submit(CLERK, {
      ...input,
      explanation: 'The customer redesigned the machine; the imported order is no longer needed.',
      customerConfirmationRequired: false,
    });
    expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
    const done = await wf.approveAll(submitted.termination!.id);
    expect(done.status).toBe('EFFECTIVE');

    const after = await server.sql<{ number: string; status: string; cancelled: number }>(
      `select po.number, po.status, sum(l.cancelled_quantity)::int as cancelled
         from purchase_order po join purchase_order_line l on l.purchase_order_id = po.id
        where po.source = $1 group by po.number, po.status order by po.number`,
      [SOURCE],
    );
    // The PO bought only for this order is cancelled; of the shared one only this order's line.
    expect(after).toEqual([
      { number: 'ERPT-PO-1', status: 'CANCELLED', cancelled: 10 },
      { number: 'ERPT-PO-2', status: 'CONFIRMED', cancelled: 5 },
    ]);
    const stock = await server.sql<{ reserved: number; status: string }>(
      `select s.reserved, r.status from stock_level s, reservation r
        where s.source = $1 and s.external_id = 'stock-2' and r.source = $1 and r.external_id = 'res-1'`,
      [SOURCE],
    );
    expect(stock).toEqual([{ reserved: 0, status: 'RELEASED' }]);
    const order = await server.sql<{ status: string }>(`select status from sales_order where source = $1 and external_id = 'so-1'`, [
      SOURCE,
    ]);
    expect(order[0]!.status).toBe('TERMINATED');
    // Staff, key, two syncs and five approvals: more than the default timeout on a loaded machine.
  }, 120_000);
});

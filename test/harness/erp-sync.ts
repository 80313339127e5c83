import { expect } from 'vitest';
import { tableChecksums, type Checksums } from './checksum.js';
import type { TestServer } from './server.js';
import { startWorkflowServer } from './workflow-server.js';
import type { Workflow } from './workflow.js';

/** The tables the ERP sync of a company writes (orders, purchasing, stock), lines included. */
export const ERP_TABLES = [
  'customer',
  'supplier',
  'product',
  'warehouse',
  'contract',
  'sales_order',
  'sales_order_line',
  'purchase_order',
  'purchase_order_line',
  'stock_level',
  'reservation',
];

/** Every ERP table as text: "nothing written" for the sync. */
export function erpChecksums(server: Pick<TestServer, 'sql'>): Promise<Checksums> {
  return tableChecksums(server, Object.fromEntries(ERP_TABLES.map((table) => [table, `select * from ${table}`])));
}

/** syncRecords with every outcome field, for specs of the ERP sync. */
export const SYNC_DOCUMENT = `mutation($input: SyncRecordsInput!) { syncRecords(input: $input) {
  __typename ... on ErrorResult { code message } ... on InputError { field }
  ... on SyncRecordsSuccess { applied replayed created updated unchanged stale rejected
    rows { kind index externalId outcome errors { path code message } } } } }`;

export interface SyncRow {
  kind: string;
  index: number;
  externalId: string;
  outcome: string;
  errors: { path: string; code: string; message: string }[];
}

export interface SyncResult {
  __typename: string;
  code?: string;
  message?: string;
  field?: string;
  applied: boolean;
  replayed: boolean;
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  rejected: number;
  rows: SyncRow[];
}

/** A syncRecords caller for one source and credential; a GraphQL error fails the test. */
export function syncer(server: () => TestServer, source: string, token: () => string) {
  return async (input: Record<string, unknown>, as = token()): Promise<SyncResult> => {
    const res = await server().gql<{ syncRecords: SyncResult }>(SYNC_DOCUMENT, { input: { source, ...input } }, as);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!.syncRecords;
  };
}

/** The outcome of one record of a call. */
export function rowOf(result: SyncResult, kind: string, externalId: string): SyncRow {
  const found = result.rows.find((r) => r.kind === kind && r.externalId === externalId);
  if (!found) throw new Error(`no row ${kind} ${externalId} in ${JSON.stringify(result.rows)}`);
  return found;
}

/** A row's errors as `path:CODE`, for compact expectations. */
export const errorsOf = (row: SyncRow) => row.errors.map((e) => `${e.path}:${e.code}`);

/**
 * One change to one record for a spec's "newer UPDATED, same UNCHANGED, older STALE" round: the
 * syncRecords field, the record's external id, the properties changed, and — when it is not the
 * one changed value as text — what the database then holds and the statement that reads it.
 */
export type ChangeRow = [field: string, externalId: string, patch: Record<string, unknown>, expected?: string, select?: string];

export interface KindChange {
  field: string;
  /** The SyncRecordKind of the field (salesOrders: SALES_ORDER). */
  kind: string;
  externalId: string;
  change: (record: Record<string, unknown>) => void;
  /** Reads the changed value as `v`: by default the changed property's column of the kind's table, for this source. */
  select: string;
  expected: string;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function kindChanges(source: string, rows: ChangeRow[]): KindChange[] {
  return rows.map(([field, externalId, patch, expected, select]) => {
    const table = snake(field.replace(/s$/, ''));
    const [column, value] = Object.entries(patch)[0]!;
    return {
      field,
      kind: table.toUpperCase(),
      externalId,
      change: (record) => Object.assign(record, patch),
      select: select ?? `select ${snake(column)}::text as v from ${table} where source = '${source}' and external_id = '${externalId}'`,
      expected: expected ?? String(value),
    };
  });
}

/** A workflow server (errors-only log) and a partner key with scope ERP_SYNC, made by the admin: its secret. */
export async function startSyncServer(keyName: string): Promise<{ server: TestServer; wf: Workflow; erpKey: string }> {
  const { server, wf } = await startWorkflowServer({ env: { LOG_LEVEL: 'error' } });
  const data = await wf.as<{ createApiKey: { __typename: string; secret: string } }>(
    'admin@example.com',
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { __typename ... on CreateApiKeySuccess { secret } } }`,
    { i: { name: keyName, scopes: ['ERP_SYNC'] } },
  );
  expect(data.createApiKey.__typename).toBe('CreateApiKeySuccess');
  return { server, wf, erpKey: data.createApiKey.secret };
}

const FEES = [
  { stage: 'BEFORE_PURCHASING', rate: '0.00' },
  { stage: 'PURCHASING_CONFIRMED', rate: '0.10' },
  { stage: 'IN_PRODUCTION', rate: '0.30' },
  { stage: 'SHIPPING', rate: '0.60' },
];

/**
 * The small company of issue #14's done-when: 3 customers, 5 products, a supplier, a warehouse, a
 * contract, 4 orders, 2 POs (PO-2 shared by two orders), stock and a reservation for so-1.
 */
export function smallCompany(): Record<string, unknown> {
  const customers = [1, 2, 3].map((i) => ({
    externalId: `cust-${i}`,
    sourceVersion: 1,
    code: `ERPT-C${i}`,
    name: `ERP 客户 ${i}`,
    nameEn: `ERP Customer ${i}`,
    contactName: `Contact ${i}`,
    email: `buyer${i}@customer.example`,
    city: 'Suzhou',
    language: i === 2 ? 'en' : 'zh-CN',
  }));
  const products = [1, 2, 3, 4, 5].map((i) => ({
    externalId: `prod-${i}`,
    sourceVersion: 1,
    sku: `ERPT-P${i}`,
    name: `产品 ${i}`,
    nameEn: `Product ${i}`,
    unit: 'pcs',
    listPrice: `${i * 100}.00`,
  }));
  const warehouses = [{ externalId: 'wh-1', sourceVersion: 1, code: 'ERPT-W1', name: 'ERP 仓库', city: 'Kunshan' }];
  const contracts = [
    {
      externalId: 'ctr-1',
      sourceVersion: 1,
      number: 'ERPT-K1',
      title: 'Framework agreement',
      customerExternalId: 'cust-1',
      noticeDays: 14,
      feeSchedule: FEES,
      clauses: [{ code: 'T1', titleZh: '终止', titleEn: 'Termination', textZh: '买方可终止。', textEn: 'The buyer may terminate.' }],
      customerConfirmationRequired: false,
      replyWorkingDays: 3,
      silenceMeans: 'REFUSAL',
      validFrom: '2026-01-01',
    },
  ];
  const salesOrders = [1, 2, 3, 4].map((i) => ({
    externalId: `so-${i}`,
    sourceVersion: 1,
    number: `ERPT-SO-${i}`,
    customerExternalId: 'cust-1',
    contractExternalId: 'ctr-1',
    currency: 'CNY',
    stage: 'PURCHASING_CONFIRMED',
    status: 'CONFIRMED',
    orderDate: '2026-11-20',
    lines: [
      { externalId: `so-${i}-l1`, lineNo: 1, productExternalId: 'prod-1', quantity: 10, unitPrice: '100.00' },
      { externalId: `so-${i}-l2`, lineNo: 2, productExternalId: 'prod-2', quantity: 5, unitPrice: '200.00' },
    ],
  }));
  const suppliers = [
    {
      externalId: 'sup-1',
      sourceVersion: 1,
      code: 'ERPT-S1',
      name: 'ERP Supplier Ltd',
      contactName: 'Ms Li',
      email: 'orders@supplier.example',
    },
  ];
  const supplier = { supplierExternalId: 'sup-1' };
  const purchaseOrders = [
    {
      externalId: 'po-1',
      sourceVersion: 1,
      number: 'ERPT-PO-1',
      ...supplier,
      status: 'CONFIRMED',
      currency: 'CNY',
      orderDate: '2026-11-21',
      cancellationPenaltyRate: '0.05',
      lines: [
        { externalId: 'po-1-l1', productExternalId: 'prod-1', quantity: 10, unitPrice: '60.00', salesOrderLineExternalId: 'so-1-l1' },
      ],
    },
    {
      // Shared: buys for two sales orders.
      externalId: 'po-2',
      sourceVersion: 1,
      number: 'ERPT-PO-2',
      ...supplier,
      status: 'CONFIRMED',
      currency: 'CNY',
      orderDate: '2026-11-21',
      lines: [
        { externalId: 'po-2-l1', productExternalId: 'prod-2', quantity: 5, unitPrice: '120.00', salesOrderLineExternalId: 'so-1-l2' },
        { externalId: 'po-2-l2', productExternalId: 'prod-2', quantity: 5, unitPrice: '120.00', salesOrderLineExternalId: 'so-2-l2' },
      ],
    },
  ];
  const stockLevels = [1, 2, 3, 4, 5].map((i) => ({
    externalId: `stock-${i}`,
    sourceVersion: 1,
    warehouseExternalId: 'wh-1',
    productExternalId: `prod-${i}`,
    onHand: 100,
    reserved: i === 2 ? 3 : 0,
  }));
  const reservations = [
    { externalId: 'res-1', sourceVersion: 1, salesOrderLineExternalId: 'so-1-l2', warehouseExternalId: 'wh-1', quantity: 3 },
  ];
  return { customers, suppliers, products, warehouses, contracts, salesOrders, purchaseOrders, stockLevels, reservations };
}

/** How many records smallCompany() holds. */
export const SMALL_COMPANY_RECORDS = 3 + 1 + 5 + 1 + 1 + 4 + 2 + 5 + 1;

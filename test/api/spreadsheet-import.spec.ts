import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessChecksums, changedTables } from '../harness/checksum.js';
import { csvOf, download, importRun, rowsOfXlsx, uploadFile, xlsxOf, type RunView } from '../harness/imports.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { WebhookReceiver } from '../harness/webhook-receiver.js';
import { HEAD_OF } from '../harness/workflow.js';

/*
 * Spreadsheet import against the real server and database: templates filled in and imported
 * back, the dry run (which writes nothing), the import in chunks through syncRecords, the error
 * report, hostile files and who may import.
 */

let server: TestServer;
let receiver: WebhookReceiver;
let admin: string;
const SOURCE = 'XLS-T';
const MAX_BYTES = 12 * 1_048_576;

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  server = await startTestServer({
    env: {
      WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiver.port}`,
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ot-import-')),
      IMPORT_CHUNK_SIZE: '2',
      IMPORT_MAX_BYTES: String(MAX_BYTES),
    },
  });
  admin = await server.login('admin@example.com');
});
afterAll(async () => {
  await server?.close();
  await receiver?.stop();
});

interface RowErrorView {
  rowNumber: number;
  externalId: string | null;
  column: string | null;
  code: string;
  message: string;
}

async function errorsOf(id: string, phase: 'DRY_RUN' | 'IMPORT'): Promise<{ total: number; items: RowErrorView[] }> {
  const res = await server.gql<{ importRun: { errors: { total: number; items: RowErrorView[] } } }>(
    `query($id: ID!, $p: ImportPhase!) { importRun(id: $id) { errors(phase: $p, limit: 200) { total items { rowNumber externalId column code message } } } }`,
    { id, p: phase },
    admin,
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.importRun.errors;
}

/** Uploads and runs the dry run; returns the validated run. */
async function dryRun(kind: string, fileName: string, content: Buffer): Promise<RunView> {
  const up = await uploadFile(server.url, admin, fileName, content, { kind, source: SOURCE });
  expect(up.status, JSON.stringify(up.body)).toBe(201);
  expect(up.body.status).toBe('VALIDATING');
  await server.app.runDueJobs();
  return importRun(server, admin, up.body.id!);
}

async function runImport(id: string): Promise<RunView> {
  const res = await server.gql<{ startImport: { __typename: string; status?: string; code?: string } }>(
    `mutation($id: ID!) { startImport(input: { id: $id }) { __typename ... on ImportRun { status } ... on ErrorResult { code } } }`,
    { id },
    admin,
  );
  expect(res.data?.startImport.__typename, JSON.stringify(res)).toBe('ImportRun');
  expect(res.data!.startImport.status).toBe('QUEUED');
  await server.app.runDueJobs();
  return importRun(server, admin, id);
}

/** A template downloaded as the SPA does, its header row, filled with `rows` in header order. */
async function filledTemplate(slug: string, format: 'csv' | 'xlsx', lang: 'en' | 'zh-CN', rows: Record<string, unknown>[]) {
  const tpl = await download(server.url, admin, `/imports/templates/${slug}.${format}?lang=${lang}`);
  expect(tpl.status).toBe(200);
  const header =
    format === 'xlsx'
      ? ((await rowsOfXlsx(tpl.body))[0] as string[])
      : tpl.body
          .toString('utf8')
          .replace(/^\ufeff/, '')
          .trim()
          .split(',');
  const data = rows.map((r) => header.map((h) => r[h] ?? null));
  return { header, file: format === 'xlsx' ? await xlsxOf([header, ...data]) : csvOf([header, ...data]) };
}

describe('templates round-trip', () => {
  it('customers (XLSX, English), products (CSV, 中文), contracts (CSV), orders with lines (XLSX, 中文) import and read back', async () => {
    const customers = await filledTemplate('customer', 'xlsx', 'en', [
      {
        'External ID': 'XC-1',
        Code: 'XC-001',
        Name: '导入客户一',
        Contact: '张三',
        'E-mail': 'one@example.com',
        City: '上海',
        Language: 'zh-CN',
      },
      {
        'External ID': 'XC-2',
        Code: 'XC-002',
        Name: 'Import customer two',
        Contact: 'Ann',
        'E-mail': 'two@example.com',
        City: 'Berlin',
        Language: 'en',
      },
    ]);
    expect(customers.header).toContain('E-mail');
    let run = await dryRun('CUSTOMER', 'customers.xlsx', customers.file);
    expect(run).toMatchObject({ status: 'VALIDATED', totalRecords: 2, invalidRecords: 0, headerLanguage: 'en' });
    run = await runImport(run.id);
    expect(run).toMatchObject({ status: 'COMPLETED', processedRecords: 2, created: 2, rejected: 0 });

    const products = await filledTemplate('product', 'csv', 'zh-CN', [
      { 外部编号: 'XP-1', 物料编码: 'XSKU-1', 名称: '导入产品', 单位: 'PCS', 标价: '100.50' },
      { 外部编号: 'XP-2', 物料编码: 'XSKU-2', 名称: '导入产品二', 单位: 'PCS', 标价: '20', 状态: 'ACTIVE' },
    ]);
    expect(products.header).toContain('物料编码');
    run = await runImport((await dryRun('PRODUCT', '产品.csv', products.file)).id);
    expect(run).toMatchObject({ status: 'COMPLETED', created: 2, rejected: 0 });

    const contracts = await filledTemplate('contract', 'csv', 'en', [
      {
        'External ID': 'XK-1',
        Number: 'XK-2026-1',
        Title: 'Imported contract',
        'Customer external ID': 'XC-1',
        'Notice days': '30',
        'Fee schedule': 'BEFORE_PURCHASING=0;PURCHASING_CONFIRMED=0.1;IN_PRODUCTION=0.3;SHIPPING=0.6',
      },
    ]);
    run = await runImport((await dryRun('CONTRACT', 'contracts.csv', contracts.file)).id);
    expect(run).toMatchObject({ status: 'COMPLETED', created: 1, rejected: 0 });

    const order = {
      订单编号: 'XSO-1',
      客户外部编号: 'XC-1',
      合同外部编号: 'XK-1',
      币种: 'CNY',
      阶段: 'IN_PRODUCTION',
      状态: 'CONFIRMED',
      订单日期: '2026-11-20',
    };
    const orders = await filledTemplate('sales-order', 'xlsx', 'zh-CN', [
      { ...order, 外部编号: 'XO-1', 行外部编号: 'XO-1-1', 行号: 1, 产品外部编号: 'XP-1', 数量: 5, 单价: '100.50' },
      { ...order, 外部编号: 'XO-1', 行外部编号: 'XO-1-2', 行号: 2, 产品外部编号: 'XP-2', 数量: 3, 单价: 20 },
      { ...order, 外部编号: 'XO-2', 订单编号: 'XSO-2', 行外部编号: 'XO-2-1', 行号: 1, 产品外部编号: 'XP-2', 数量: 7, 单价: '20.00' },
    ]);
    run = await dryRun('SALES_ORDER', '订单.xlsx', orders.file);
    expect(run).toMatchObject({ status: 'VALIDATED', fileName: '订单.xlsx', totalRecords: 2, invalidRecords: 0, headerLanguage: 'zh-CN' });
    run = await runImport(run.id);
    expect(run).toMatchObject({ status: 'COMPLETED', processedRecords: 2, created: 2, rejected: 0 });

    const lines = await server.sql<{ number: string; external_id: string; quantity: number; unit_price: string; sku: string }>(
      `select o.number, l.external_id, l.quantity, l.unit_price::text, p.sku from sales_order o join sales_order_line l on l.order_id = o.id
        join product p on p.id = l.product_id where o.source = $1 order by o.number, l.line_no`,
      [SOURCE],
    );
    expect(lines).toEqual([
      { number: 'XSO-1', external_id: 'XO-1-1', quantity: 5, unit_price: '100.50', sku: 'XSKU-1' },
      { number: 'XSO-1', external_id: 'XO-1-2', quantity: 3, unit_price: '20.00', sku: 'XSKU-2' },
      { number: 'XSO-2', external_id: 'XO-2-1', quantity: 7, unit_price: '20.00', sku: 'XSKU-2' },
    ]);
    const [customer] = await server.sql<{ name: string; email: string; language: string }>(
      `select name, email, language from customer where source = $1 and external_id = 'XC-2'`,
      [SOURCE],
    );
    expect(customer).toEqual({ name: 'Import customer two', email: 'two@example.com', language: 'en' });

    // The same file again: every record UNCHANGED; import.completed reaches the partner feed and a webhook.
    const hook = await server.gql<{ createWebhookEndpoint: { __typename: string; secret: string } }>(
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { __typename ... on CreateWebhookEndpointSuccess { secret } } }`,
      { i: { url: `${receiver.url}/import`, eventTypes: ['IMPORT_COMPLETED'] } },
      admin,
    );
    expect(hook.data?.createWebhookEndpoint.__typename, JSON.stringify(hook)).toBe('CreateWebhookEndpointSuccess');
    receiver.secret = hook.data!.createWebhookEndpoint.secret;
    run = await runImport((await dryRun('CUSTOMER', 'customers.xlsx', customers.file)).id);
    expect(run).toMatchObject({ status: 'COMPLETED', created: 0, unchanged: 2 });

    const feed = await server.gql<{ events: { edges: { node: { type: string; data: Record<string, unknown> } }[] } }>(
      `{ events(types: [IMPORT_COMPLETED], first: 100) { edges { node { type data } } } }`,
      {},
      admin,
    );
    expect(feed.errors).toBeUndefined();
    expect(feed.data!.events.edges).toHaveLength(5);
    const last = feed.data!.events.edges.at(-1)!.node;
    expect(last.type).toBe('IMPORT_COMPLETED');
    const expected = {
      runId: run.id,
      kind: 'CUSTOMER',
      source: SOURCE,
      fileName: 'customers.xlsx',
      total: 2,
      unchanged: 2,
      rejected: 0,
      requestedBy: 'admin@example.com',
    };
    expect(last.data).toMatchObject(expected);
    await server.app.runDueJobs();
    await receiver.waitFor(1);
    expect(receiver.received[0]!.verified).toBe(true);
    expect(receiver.received[0]!.payload).toMatchObject({ type: 'IMPORT_COMPLETED' });
    expect(JSON.stringify(receiver.received[0]!.payload)).toContain(run.id);
  });

  it('contracts with clauses (XLSX, 中文): one row per clause, a contract without clauses is one row; a clause missing its text is a row error', async () => {
    const customers = await filledTemplate('customer', 'csv', 'en', [
      { 'External ID': 'KC-1', Code: 'KC-001', Name: '条款客户', Contact: '李四', 'E-mail': 'kc@example.com', City: '苏州' },
    ]);
    expect((await runImport((await dryRun('CUSTOMER', 'kc.csv', customers.file)).id)).created).toBe(1);

    const contract = {
      合同编号: 'KK-2026-1',
      标题: '含条款的框架合同',
      客户外部编号: 'KC-1',
      通知天数: 14,
      费率表: 'BEFORE_PURCHASING=0;PURCHASING_CONFIRMED=0.1;IN_PRODUCTION=0.3;SHIPPING=0.6',
    };
    const clause1 = {
      条款编号: '7.1',
      '条款标题（中文）': '终止',
      '条款标题（英文）': 'Termination',
      '条款正文（中文）': '买方可在发货前书面终止订单。',
      '条款正文（英文）': 'The buyer may terminate an order in writing before shipment.',
    };
    const clause2 = {
      条款编号: '7.2',
      '条款标题（中文）': '费用',
      '条款标题（英文）': 'Fee',
      '条款正文（中文）': '终止费按订单阶段计算。',
      '条款正文（英文）': 'The fee follows the stage of the order.',
    };
    const rows = [
      { ...contract, 外部编号: 'KK-1', ...clause1 },
      { ...contract, 外部编号: 'KK-1', ...clause2 },
      { ...contract, 外部编号: 'KK-2', 合同编号: 'KK-2026-2' },
    ];
    const file = await filledTemplate('contract', 'xlsx', 'zh-CN', rows);
    expect(file.header).toEqual(expect.arrayContaining(['条款编号', '条款正文（英文）']));

    // A clause without its English text: the dry run names its row and column, and writes nothing.
    const broken = await filledTemplate('contract', 'xlsx', 'zh-CN', [rows[0]!, { ...rows[1]!, '条款正文（英文）': '' }, rows[2]!]);
    let run = await dryRun('CONTRACT', '合同.xlsx', broken.file);
    expect(run).toMatchObject({ status: 'VALIDATED', totalRecords: 2, invalidRecords: 1 });
    expect((await errorsOf(run.id, 'DRY_RUN')).items).toEqual([
      expect.objectContaining({ rowNumber: 3, externalId: 'KK-1', column: '条款正文（英文）', code: 'REQUIRED' }),
    ]);
    expect(await server.sql(`select count(*)::int as n from contract where source = $1 and external_id like 'KK-%'`, [SOURCE])).toEqual([
      { n: 0 },
    ]);

    run = await runImport((await dryRun('CONTRACT', '合同.xlsx', file.file)).id);
    expect(run).toMatchObject({ status: 'COMPLETED', totalRecords: 2, created: 2, rejected: 0 });
    const stored = await server.sql<{ external_id: string; clauses: { code: string; titleEn: string; textZh: string }[] }>(
      `select external_id, clauses from contract where source = $1 and external_id like 'KK-%' order by external_id`,
      [SOURCE],
    );
    expect(stored.map((c) => ({ id: c.external_id, clauses: c.clauses.map((cl) => [cl.code, cl.titleEn, cl.textZh]) }))).toEqual([
      {
        id: 'KK-1',
        clauses: [
          ['7.1', 'Termination', '买方可在发货前书面终止订单。'],
          ['7.2', 'Fee', '终止费按订单阶段计算。'],
        ],
      },
      { id: 'KK-2', clauses: [] },
    ]);

    // The same file again changes nothing; with a clause fewer, the contract is updated to one clause.
    run = await runImport((await dryRun('CONTRACT', '合同.xlsx', file.file)).id);
    expect(run).toMatchObject({ status: 'COMPLETED', unchanged: 2, created: 0, updated: 0 });
    const shorter = await filledTemplate('contract', 'xlsx', 'zh-CN', [rows[0]!, rows[2]!]);
    run = await runImport((await dryRun('CONTRACT', '合同.xlsx', shorter.file)).id);
    expect(run).toMatchObject({ status: 'COMPLETED', updated: 1, unchanged: 1 });
    const [kk1] = await server.sql<{ n: number }>(
      `select jsonb_array_length(clauses::jsonb)::int as n from contract where source = $1 and external_id = 'KK-1'`,
      [SOURCE],
    );
    expect(kk1).toEqual({ n: 1 });
  });
});

/** The English header of the sales-order template's columns used below. */
const ORDER_HEADER = [
  'External ID',
  'Number',
  'Customer external ID',
  'Contract external ID',
  'Currency',
  'Stage',
  'Status',
  'Order date',
  'Line external ID',
  'Line no.',
  'Product external ID',
  'Quantity',
  'Unit price',
];

describe('dry run', () => {
  it('lists row errors (types, formulas, duplicates, unknown references) and writes nothing', async () => {
    const header = ['External ID', 'Code', 'Name', 'Contact', 'E-mail', 'City'];
    const file = await xlsxOf([
      header,
      ['DC-1', 'DC-001', 'Good', 'A', 'a@example.com', 'X'],
      ['DC-2', 'DC-002', { formula: 'CONCAT("a","b")', result: 'ab' }, 'A', 'a@example.com', 'X'],
      ['DC-3', 'DC-003', 'Bad mail', 'A', 'not-an-email', 'X'],
      ['DC-1', 'DC-004', 'Twice', 'A', 'a@example.com', 'X'],
      ['DC-5', 'DC-005', 'No city', 'A', 'a@example.com', null],
    ]);
    const before = await businessChecksums(server);
    const customersBefore = await server.sql(`select count(*)::int as n from customer`);
    const run = await dryRun('CUSTOMER', 'bad.xlsx', file);
    expect(run).toMatchObject({ status: 'VALIDATED', totalRecords: 5, invalidRecords: 4 });
    const { items } = await errorsOf(run.id, 'DRY_RUN');
    const codes = items.map((e) => [e.rowNumber, e.column, e.code]);
    expect(codes).toEqual([
      [3, 'Name', 'FORMULA_NOT_ALLOWED'],
      [4, 'E-mail', 'INVALID'],
      [5, 'External ID', 'DUPLICATE_IN_FILE'],
      [6, 'City', 'REQUIRED'],
    ]);
    expect(changedTables(before, await businessChecksums(server))).toEqual([]);
    expect(await server.sql(`select count(*)::int as n from customer`)).toEqual(customersBefore);

    // Orders: unknown references to stored data, wrong types, and the rows of one order apart.
    const order = ['SO-X', 'NO-SUCH-CUSTOMER', 'NO-SUCH-CONTRACT', 'CNY', 'IN_PRODUCTION', 'CONFIRMED', '2026-11-20'];
    const orders = await xlsxOf([
      ORDER_HEADER,
      ['DO-1', ...order, 'DO-1-1', 1, 'NO-PRODUCT', 'five', '1.00'],
      ['DO-2', 'SO-Y', 'XC-1', 'XK-1', 'CNY', 'NOT_A_STAGE', 'CONFIRMED', '2026-11-20', 'DO-2-1', 1, 'XP-1', 1, '1.00'],
      ['DO-1', ...order, 'DO-1-2', 2, 'XP-1', 1, '1.00'],
    ]);
    const orderRun = await dryRun('SALES_ORDER', 'orders.xlsx', orders);
    expect(orderRun).toMatchObject({ status: 'VALIDATED', totalRecords: 3, invalidRecords: 3 });
    const orderErrors = (await errorsOf(orderRun.id, 'DRY_RUN')).items.map((e) => [e.rowNumber, e.column, e.code]);
    expect(orderErrors).toEqual([
      [2, 'Quantity', 'INVALID'],
      [3, 'Stage', 'INVALID'],
      [4, 'External ID', 'DUPLICATE_IN_FILE'],
    ]);
    const refs = await xlsxOf([
      ORDER_HEADER,
      ['DR-1', 'SO-R', 'NO-SUCH-CUSTOMER', 'XK-1', 'CNY', 'IN_PRODUCTION', 'CONFIRMED', '2026-11-20', 'DR-1-1', 1, 'XP-1', 1, '1.00'],
      ['DR-1', 'SO-R', 'NO-SUCH-CUSTOMER', 'XK-1', 'CNY', 'IN_PRODUCTION', 'CONFIRMED', '2026-11-20', 'DR-1-2', 2, 'NO-PRODUCT', 1, '1.00'],
    ]);
    const refRun = await dryRun('SALES_ORDER', 'refs.xlsx', refs);
    expect((await errorsOf(refRun.id, 'DRY_RUN')).items.map((e) => [e.rowNumber, e.column, e.code])).toEqual([
      [2, 'Customer external ID', 'UNKNOWN_REFERENCE'],
      [3, 'Product external ID', 'UNKNOWN_REFERENCE'],
    ]);
    expect(changedTables(before, await businessChecksums(server))).toEqual([]);
  });

  it('the import saves the good rows, rejects the rest, and the error report gives the failed rows back with their errors', async () => {
    const file = csvOf([
      ['外部编号', '客户代码', '名称', '联系人', '电子邮件', '城市'],
      ['EC-1', 'EC-001', '好客户', '甲', 'a@example.com', '北京'],
      ['EC-2', 'EC-002', '坏客户', '乙', 'bad-mail', '北京'],
      ['EC-3', 'EC-003', '=HYPERLINK("http://evil")', '丙', 'c@example.com', '北京'],
      ['EC-4', 'EC-004', '又一个好客户', '丁', 'd@example.com', '北京'],
      ['EC-5', 'XC-001', '代码冲突', '戊', 'e@example.com', '北京'],
    ]);
    const run = await runImport((await dryRun('CUSTOMER', '客户.csv', file)).id);
    expect(run).toMatchObject({ status: 'COMPLETED', processedRecords: 5, created: 2, rejected: 3 });
    const stored = await server.sql<{ external_id: string }>(
      `select external_id from customer where source = $1 and external_id like 'EC-%' order by 1`,
      [SOURCE],
    );
    expect(stored.map((r) => r.external_id)).toEqual(['EC-1', 'EC-4']);
    const importErrors = (await errorsOf(run.id, 'IMPORT')).items;
    expect(importErrors.map((e) => [e.rowNumber, e.code])).toEqual([
      [3, 'INVALID'],
      [4, 'FORMULA_NOT_ALLOWED'],
      [6, 'CONFLICT'],
    ]);

    const csv = await download(server.url, admin, `/imports/${run.id}/errors.csv`);
    expect(csv.status).toBe(200);
    const lines = csv.body
      .toString('utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('行号,错误,外部编号,客户代码,名称,联系人,电子邮件,城市');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^3,电子邮件: INVALID .*,EC-2,EC-002,坏客户/);
    // The formula cell comes back as text, not as a formula a spreadsheet program would run.
    expect(lines[2]).toMatch(/^4,名称: FORMULA_NOT_ALLOWED .*,EC-3,EC-003,\(formula\),/);
    const xlsx = await rowsOfXlsx((await download(server.url, admin, `/imports/${run.id}/errors.xlsx`)).body);
    expect(xlsx.map((r) => [r[0], r[2]])).toEqual([
      ['行号', '外部编号'],
      ['3', 'EC-2'],
      ['4', 'EC-3'],
      ['6', 'EC-5'],
    ]);
  });

  it('an external id met again chunks later is a duplicate in the dry run and the import alike; the first row is the one imported', async () => {
    // Chunks of two records: FC-1's second row is two chunks after its first. The file's ids are
    // kept in the database while the run reads it (not in the process), and dropped once it is done.
    const header = ['External ID', 'Code', 'Name', 'Contact', 'E-mail', 'City'];
    const file = csvOf([
      header,
      ['FC-1', 'FC-001', 'First', 'A', 'a@example.com', 'X'],
      ['FC-2', 'FC-002', 'Second', 'A', 'a@example.com', 'X'],
      ['FC-3', 'FC-003', 'Third', 'A', 'a@example.com', 'X'],
      ['FC-4', 'FC-004', 'Fourth', 'A', 'a@example.com', 'X'],
      ['FC-1', 'FC-005', 'First again', 'A', 'a@example.com', 'X'],
      ['FC-5', 'FC-006', 'Fifth', 'A', 'a@example.com', 'X'],
    ]);
    const checked = await dryRun('CUSTOMER', 'twice.csv', file);
    expect(checked).toMatchObject({ status: 'VALIDATED', totalRecords: 6, invalidRecords: 1 });
    const duplicate = [[6, 'FC-1', 'External ID', 'DUPLICATE_IN_FILE']];
    const rowsOf = (items: RowErrorView[]) => items.map((e) => [e.rowNumber, e.externalId, e.column, e.code]);
    expect(rowsOf((await errorsOf(checked.id, 'DRY_RUN')).items)).toEqual(duplicate);

    const run = await runImport(checked.id);
    expect(run).toMatchObject({ status: 'COMPLETED', processedRecords: 6, created: 5, rejected: 1 });
    expect(rowsOf((await errorsOf(run.id, 'IMPORT')).items)).toEqual(duplicate);
    expect(await server.sql(`select code, name from customer where source = $1 and external_id = 'FC-1'`, [SOURCE])).toEqual([
      { code: 'FC-001', name: 'First' },
    ]);
    expect(await server.sql(`select count(*)::int as n from import_file_key where run_id = $1`, [run.id])).toEqual([{ n: 0 }]);
  });
});

describe('hostile files', () => {
  it('refuses what is not a spreadsheet, too large a file, and a wrong header, with a clear message', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const notXlsx = await uploadFile(server.url, admin, 'picture.xlsx', png, { kind: 'CUSTOMER' });
    expect(notXlsx).toMatchObject({ status: 415, body: { error: 'The file is not an XLSX workbook.' } });
    const binaryCsv = await uploadFile(server.url, admin, 'data.csv', png, { kind: 'CUSTOMER' });
    expect(binaryCsv.status).toBe(415);
    const txt = await uploadFile(server.url, admin, 'notes.txt', Buffer.from('a,b'), { kind: 'CUSTOMER' });
    expect(txt.status).toBe(415);
    const unknownKind = await uploadFile(server.url, admin, 'x.csv', Buffer.from('a,b\r\n'), { kind: 'ROCKETS' });
    expect(unknownKind).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const tooLarge = await uploadFile(server.url, admin, 'big.csv', Buffer.alloc(MAX_BYTES + 1024, 'a'), { kind: 'CUSTOMER' });
    expect(tooLarge.status).toBe(413);

    // A zip archive that is no workbook, and a CSV with no header the kind knows: the run fails with the reason.
    const zip = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(200, 1)]);
    const broken = await dryRun('CUSTOMER', 'broken.xlsx', zip);
    expect(broken.status).toBe('FAILED');
    expect(broken.error).toMatch(/cannot be read/);
    const header = await dryRun(
      'CUSTOMER',
      'header.csv',
      csvOf([
        ['foo', 'bar'],
        ['1', '2'],
      ]),
    );
    expect(header.status).toBe('FAILED');
    expect(header.error).toMatch(/lacks required columns/);
    // Nothing left behind in the uploads directory by refused files.
    expect(
      await server.sql(`select count(*)::int as n from import_run where file_name in ('picture.xlsx', 'big.csv', 'notes.txt')`),
    ).toEqual([{ n: 0 }]);
  });

  it('a 10 MB cell and wrong types are row errors; the other rows import', async () => {
    const huge = 'x'.repeat(10 * 1_048_576);
    const file = csvOf([
      ['External ID', 'SKU', 'Name', 'Unit', 'List price', 'Status'],
      ['HP-1', 'HSKU-1', huge, 'PCS', '1.00', 'ACTIVE'],
      ['HP-2', 'HSKU-2', 'Fine', 'PCS', 'cheap', 'ACTIVE'],
      ['HP-3', 'HSKU-3', 'Fine', 'PCS', '2.50', 'SOMETIMES'],
      ['HP-4', 'HSKU-4', 'Fine too', 'PCS', '3', ''],
    ]);
    const run = await runImport((await dryRun('PRODUCT', 'huge.csv', file)).id);
    expect(run).toMatchObject({ status: 'COMPLETED', created: 1, rejected: 3 });
    expect((await errorsOf(run.id, 'IMPORT')).items.map((e) => [e.rowNumber, e.column, e.code])).toEqual([
      [2, 'Name', 'CELL_TOO_LONG'],
      [3, 'List price', 'INVALID'],
      [4, 'Status', 'INVALID'],
    ]);
  });

  it('a run starts once, only after its dry run', async () => {
    const up = await uploadFile(
      server.url,
      admin,
      'w.csv',
      csvOf([
        ['External ID', 'Code', 'Name'],
        ['W-1', 'W', 'W'],
      ]),
      { kind: 'WAREHOUSE', source: SOURCE },
    );
    const early = await server.gql<{ startImport: { __typename: string; code: string } }>(
      `mutation($id: ID!) { startImport(input: { id: $id }) { __typename ... on ErrorResult { code } } }`,
      { id: up.body.id },
      admin,
    );
    expect(early.data!.startImport.code).toBe('INVALID_TRANSITION');
    await server.app.runDueJobs();
    const run = await runImport(up.body.id!);
    expect(run.status).toBe('COMPLETED');
    const again = await server.gql<{ startImport: { code: string } }>(
      `mutation($id: ID!) { startImport(input: { id: $id }) { ... on ErrorResult { code } } }`,
      { id: run.id },
      admin,
    );
    expect(again.data!.startImport.code).toBe('INVALID_TRANSITION');
  });
});

describe('who may import', () => {
  it('administrators only: clerks and heads are refused templates, uploads and reports; no token is 401', async () => {
    const file = csvOf([
      ['External ID', 'Code', 'Name'],
      ['A-1', 'A', 'A'],
    ]);
    for (const email of ['clerk@example.com', HEAD_OF.SALES!, HEAD_OF.FINANCE!, 'auditor@example.com']) {
      const token = await server.login(email);
      expect((await uploadFile(server.url, token, 'w.csv', file, { kind: 'WAREHOUSE' })).status, email).toBe(403);
      expect((await download(server.url, token, '/imports/templates/customer.xlsx')).status, email).toBe(403);
      const runs = await server.gql(`{ importRuns { id } }`, {}, token);
      expect(runs.errors?.[0]?.extensions?.code, email).toBe('FORBIDDEN');
    }
    expect((await uploadFile(server.url, null, 'w.csv', file, { kind: 'WAREHOUSE' })).status).toBe(401);
    expect((await download(server.url, null, '/imports/templates/customer.csv')).status).toBe(401);
    const tpl = await download(server.url, admin, '/imports/templates/purchase-order.xlsx?lang=en');
    expect(tpl.status).toBe(200);
    expect(tpl.type).toContain('spreadsheetml');
    expect((await rowsOfXlsx(tpl.body))[0]).toContain('Sales order line external ID');
  });
});

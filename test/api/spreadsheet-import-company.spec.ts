import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportKindColumns } from '../../server/src/modules/sync/import/columns/column.js';
import { IMPORT_KINDS, kindSlug } from '../../server/src/modules/sync/import/registry.js';
import { SMALL_COMPANY_RECORDS, smallCompany, SYNC_DOCUMENT, type SyncResult } from '../harness/erp-sync.js';
import { download, importRun, rowsOfXlsx, uploadFile, xlsxOf } from '../harness/imports.js';
import { startTestServer, type TestServer } from '../harness/server.js';

/*
 * The second half of issue #14's done-when, at the API: an administrator imports the small company
 * of the syncRecords test from the XLSX templates (English headers), kind after kind, each with
 * its dry run first. What the files wrote is what the API writes: the same company sent through
 * syncRecords afterwards is UNCHANGED record for record.
 */

const SOURCE = 'XLS-COMPANY';
/** The table of each kind the small company holds. */
const TABLES: Record<string, string> = {
  customers: 'customer',
  suppliers: 'supplier',
  products: 'product',
  warehouses: 'warehouse',
  contracts: 'contract',
  salesOrders: 'sales_order',
  purchaseOrders: 'purchase_order',
  stockLevels: 'stock_level',
  reservations: 'reservation',
};
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ env: { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ot-import-company-')), IMPORT_CHUNK_SIZE: '4' } });
  admin = await server.login('admin@example.com');
});
afterAll(async () => {
  await server?.close();
});

type Value = string | number | boolean | null;

/** A record's value at a column's path (`lines[].x` read from `child`), as a person would type it. */
function cellOf(record: Record<string, unknown>, child: Record<string, unknown> | undefined, columnPath: string): Value {
  const [head, field] = columnPath.split('[].');
  const value = field ? child?.[field] : record[head!];
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map((e: { stage: string; rate: string }) => `${e.stage}=${e.rate}`).join(';');
  return value as Value;
}

/** The template's rows for the records: one per record, or one per line (clause) with the record's cells repeated. */
function rowsFor(kind: ImportKindColumns, header: string[], records: Record<string, unknown>[]): Value[][] {
  const columns = header.map((h) => kind.columns.find((c) => c.en === h)!);
  expect(columns.every(Boolean), header.join(',')).toBe(true);
  const child = kind.childField ?? 'lines';
  return records.flatMap((record) => {
    const children = kind.hasLines ? ((record[child] as Record<string, unknown>[] | undefined) ?? []) : [];
    const parts = children.length ? children : [undefined];
    return parts.map((c) => columns.map((column) => cellOf(record, c, column.path)));
  });
}

describe('the small company from the XLSX templates', () => {
  it('imports kind by kind after a clean dry run; syncRecords with the same company then finds every record UNCHANGED', async () => {
    const company = smallCompany();
    let created = 0;
    for (const kind of IMPORT_KINDS) {
      const records = company[kind.field] as Record<string, unknown>[] | undefined;
      if (!records?.length) continue;
      const template = await download(server.url, admin, `/imports/templates/${kindSlug(kind.kind)}.xlsx?lang=en`);
      expect(template.status).toBe(200);
      const header = (await rowsOfXlsx(template.body))[0] as string[];
      const file = await xlsxOf([header, ...rowsFor(kind, header, records)]);

      const up = await uploadFile(server.url, admin, `${kind.field}.xlsx`, file, { kind: kind.kind, source: SOURCE });
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      await server.app.runDueJobs();
      const dry = await importRun(server, admin, up.body.id!);
      expect(dry, `${kind.field}: ${dry.error}`).toMatchObject({ status: 'VALIDATED', totalRecords: records.length, invalidRecords: 0 });
      // The dry run wrote nothing.
      const count = `select count(*)::int as n from ${TABLES[kind.field]} where source = $1`;
      expect(await server.sql(count, [SOURCE])).toEqual([{ n: 0 }]);

      const start = await server.gql<{ startImport: { __typename: string } }>(
        `mutation($id: ID!) { startImport(input: { id: $id }) { __typename } }`,
        { id: dry.id },
        admin,
      );
      expect(start.data?.startImport.__typename, JSON.stringify(start)).toBe('ImportRun');
      await server.app.runDueJobs();
      const done = await importRun(server, admin, dry.id);
      // The run's own error (a file that could not be read, a header refused) explains a failure.
      expect(done, `${kind.field}: ${done.error}`).toMatchObject({
        status: 'COMPLETED',
        processedRecords: records.length,
        created: records.length,
        rejected: 0,
      });
      created += records.length;
    }
    expect(created).toBe(SMALL_COMPANY_RECORDS);

    const res = await server.gql<{ syncRecords: SyncResult }>(SYNC_DOCUMENT, { input: { source: SOURCE, ...company } }, admin);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const again = res.data!.syncRecords;
    expect(
      again.rows.filter((r) => r.outcome !== 'UNCHANGED'),
      JSON.stringify(again.rows),
    ).toEqual([]);
    expect(again).toMatchObject({ applied: true, unchanged: SMALL_COMPANY_RECORDS });
  }, 180_000);
});

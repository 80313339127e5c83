import { createRequire } from 'node:module';
import type ExcelJSType from 'exceljs';
import type { TestServer } from './server.js';
import type { ImportRunProgress } from '../../server/src/kernel/live-events.js';

/** exceljs from the server's dependencies: tests write and read real workbooks with it. */
export const ExcelJS = createRequire(new URL('../../server/package.json', import.meta.url))('exceljs') as typeof ExcelJSType;

export async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Data');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function rowsOfXlsx(buffer: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as never);
  const rows: unknown[][] = [];
  workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

export function csvOf(rows: unknown[][]): Buffer {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return Buffer.from(rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n');
}

/** POST /imports as the SPA sends it (multipart). */
export async function uploadFile(
  url: string,
  token: string | null,
  fileName: string,
  content: Buffer,
  fields: Record<string, string>,
): Promise<{ status: number; body: { id?: string; status?: string; error?: string; code?: string } }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([content]), fileName);
  const res = await fetch(`${url}/imports`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as never };
}

export async function download(url: string, token: string | null, path: string): Promise<{ status: number; body: Buffer; type: string }> {
  const res = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '' };
}

export const RUN_FIELDS = `id kind status source fileName totalRecords validatedRecords invalidRecords processedRecords
  created updated unchanged stale rejected error headerLanguage`;

/** An import run as RUN_FIELDS reads it: the progress the live feed carries, and what the run is. */
export interface RunView extends Omit<ImportRunProgress, 'startedAt' | 'finishedAt'> {
  id: string;
  kind: string;
  source: string;
  fileName: string;
  headerLanguage: string | null;
}

export async function importRun(server: Pick<TestServer, 'gql'>, token: string, id: string): Promise<RunView> {
  const res = await server.gql<{ importRun: RunView }>(`query($id: ID!) { importRun(id: $id) { ${RUN_FIELDS} } }`, { id }, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.importRun;
}

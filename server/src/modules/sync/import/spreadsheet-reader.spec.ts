import fs from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readSheetRows, UnreadableFileError, type SheetRow } from './spreadsheet-reader.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ot-sheet-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const HEADER = ['External ID', 'Supplier', 'Order date', 'Line', 'Product', 'Quantity'];
/** An order of two lines per record, as the templates have them: the record's cells repeated. */
const ROWS = Array.from({ length: 12 }, (_, i) => [
  `PO-${i >> 1}`,
  'SUP-1',
  new Date(Date.UTC(2026, 0, 1 + i)),
  (i % 2) + 1,
  `P-${i}`,
  i + 1,
]);

/** An XLSX file as exceljs writes it: the worksheet is stored before the shared strings and workbook.xml. */
async function workbookFile(name: string, sheets: Record<string, unknown[][]>): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  for (const [title, rows] of Object.entries(sheets)) workbook.addWorksheet(title).addRows(rows);
  const file = path.join(dir, name);
  await writeFile(file, Buffer.from(await workbook.xlsx.writeBuffer()));
  return file;
}

/** Every row, each taken only after `pause` ms (an import awaits the database between rows). */
async function readAll(file: string, pause = 0): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSheetRows(file, 'XLSX')) {
    rows.push(row);
    if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return rows;
}

/** File descriptors this process holds open (Linux). */
const openFiles = async () => (await readdir('/proc/self/fd')).length;

describe('readSheetRows (XLSX)', () => {
  it('reads every row of the first worksheet in order, with shared strings and dates, while the consumer is slow', async () => {
    const file = await workbookFile('orders.xlsx', { Data: [HEADER, ...ROWS], Notes: [['not', 'imported']] });
    const rows = await readAll(file, 5);
    expect(rows.map((r) => r.rowNumber)).toEqual(Array.from({ length: ROWS.length + 1 }, (_, i) => i + 1));
    expect(rows[0]!.cells).toEqual(HEADER);
    expect(rows.slice(1).map((r) => r.cells)).toEqual(ROWS);
  });

  it('reads the same file whole on a slow disk, where a streamed archive used to end before its workbook part', async () => {
    // Every open waits 100 ms, as on a loaded machine. exceljs's own streaming reader copied the
    // worksheet to a temp file meanwhile, and its zip stream ended before the shared strings and
    // workbook.xml were read: "Cannot read properties of undefined (reading 'sheets')".
    const file = await workbookFile('slow-disk.xlsx', { Data: [HEADER, ...ROWS] });
    const open = fs.open;
    vi.spyOn(fs, 'open').mockImplementation(((...args: Parameters<typeof fs.open>) => {
      setTimeout(() => (open as (...a: unknown[]) => void)(...args), 100);
    }) as typeof fs.open);
    for (let attempt = 0; attempt < 3; attempt++) {
      const rows = await readAll(file);
      expect(rows.map((r) => r.cells)).toEqual([HEADER, ...ROWS]);
    }
  });

  it('closes the file when the reading stops early', async () => {
    const file = await workbookFile('early.xlsx', { Data: [HEADER, ...ROWS] });
    const before = await openFiles();
    const rows = readSheetRows(file, 'XLSX');
    expect((await rows.next()).value?.cells).toEqual(HEADER);
    await rows.return(undefined);
    await vi.waitFor(async () => expect(await openFiles()).toBe(before), { timeout: 2000 });
  });

  it('refuses a zip archive that is no workbook, and a truncated workbook', async () => {
    const notWorkbook = path.join(dir, 'not-a-workbook.xlsx');
    await writeFile(notWorkbook, Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(200, 1)]));
    await expect(readAll(notWorkbook)).rejects.toThrow(UnreadableFileError);

    const whole = fs.readFileSync(await workbookFile('whole.xlsx', { Data: [HEADER, ...ROWS] }));
    const truncated = path.join(dir, 'truncated.xlsx');
    await writeFile(truncated, whole.subarray(0, whole.length - 300));
    await expect(readAll(truncated)).rejects.toThrow(/cannot be read/);
  });
});

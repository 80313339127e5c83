import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import unzipper, { type CentralDirectory } from 'unzipper';

/*
 * The rows of an XLSX file's first worksheet, one at a time.
 *
 * Not exceljs's WorkbookReader on the file: it walks the archive front to back, and a worksheet
 * stored before the shared strings and workbook.xml (as exceljs and Excel write them) is copied to
 * a temp file first. While that copy waits on the disk, unzipper's Parse may reach the end of the
 * archive and emit 'end' before it handed over the entries it still holds; exceljs's stream
 * iteration stops at that 'end', so the shared strings, styles and workbook.xml are never read and
 * the worksheet fails ("Cannot read properties of undefined (reading 'sheets')"). Whether it
 * happens depends on timing alone: the same file reads fine once and fails the next time on a busy
 * machine. (The temp file also stayed until the process ended.)
 *
 * Here the archive's central directory says where each part is, and the parts are read in the
 * order the worksheet needs them: relationships, workbook, shared strings, styles, then the
 * worksheet itself, streamed. exceljs still parses each part (its part parsers, pinned with
 * exceljs 4.4.0; the spreadsheet-reader tests read real workbooks through them).
 */

type Relationship = { Id: string; Type: string; Target: string };

/** exceljs 4.4.0's WorkbookReader part parsers (not in its typings). */
interface WorkbookParts {
  workbookRels?: Relationship[];
  model?: { sheets?: { id: number; rId: string }[] };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(entry: Readable, sheetNo: string): Generator<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
}

export class NotAWorkbookError extends Error {}

/** The archive path of the workbook's first worksheet (in tab order), from its relationship target. */
function firstSheetPath(parts: WorkbookParts): string {
  const first = parts.model?.sheets?.[0];
  const target = first && parts.workbookRels?.find((r) => r.Id === first.rId)?.Target;
  if (!target) throw new NotAWorkbookError('the workbook has no worksheet');
  // Targets are relative to xl/, or absolute within the archive ("/xl/worksheets/sheet1.xml").
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

async function drain(items: AsyncIterable<unknown>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  while (!(await iterator.next()).done);
}

/** The rows of the first worksheet, as exceljs reads them. */
export async function* readXlsxRows(path: string): AsyncGenerator<ExcelJS.Row> {
  // Every byte range read is a stream of its own: all are closed when the reading ends, early or not.
  const opened: ReadStream[] = [];
  const source = {
    size: async () => (await stat(path)).size,
    stream: (offset: number, length?: number) => {
      const stream = createReadStream(path, { start: offset, end: length ? offset + length : undefined });
      opened.push(stream);
      return stream;
    },
  };
  try {
    const zip: CentralDirectory = await unzipper.Open.custom(source);
    const part = (name: string) => zip.files.find((f) => f.path === name && f.type === 'File');
    const required = (name: string) => {
      const entry = part(name);
      if (!entry) throw new NotAWorkbookError(`${name} is missing`);
      return entry.stream();
    };
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
      worksheets: 'emit',
      // The text of repeated cells is kept once (bounded by the distinct strings, not the rows);
      // styles are read so that date cells come as dates.
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    }) as unknown as WorkbookParts;
    await reader._parseRels(required('xl/_rels/workbook.xml.rels'));
    await reader._parseWorkbook(required('xl/workbook.xml'));
    const sharedStrings = part('xl/sharedStrings.xml');
    // Cached on the reader; the parser yields nothing in this mode.
    if (sharedStrings) await drain(reader._parseSharedStrings(sharedStrings.stream()));
    const styles = part('xl/styles.xml');
    if (styles) await reader._parseStyles(styles.stream());
    const sheetPath = firstSheetPath(reader);
    const sheetNo = /sheet(\d+)\.xml$/.exec(sheetPath)?.[1] ?? '1';
    for (const { value: sheet } of reader._parseWorksheet(required(sheetPath), sheetNo)) yield* sheet;
  } finally {
    for (const stream of opened) stream.destroy();
  }
}

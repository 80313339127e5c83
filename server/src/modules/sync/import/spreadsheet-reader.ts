import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import { readXlsxRows } from './xlsx-rows.js';

export type SpreadsheetFormat = 'CSV' | 'XLSX';

/** A cell as read: plain values, or what must not be imported (formulas, error values). */
export type Cell = string | number | boolean | Date | null | { formula: true } | { error: string };

export interface SheetRow {
  /** 1-based, the header is row 1 (the sheet's row in XLSX, the record number in CSV). */
  rowNumber: number;
  cells: Cell[];
}

export class UnreadableFileError extends Error {}

/** An XLSX file is a zip archive: "PK\x03\x04". */
export function looksLikeXlsx(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Text, not a binary file: no NUL bytes and valid UTF-8 at the start. */
export function looksLikeCsv(head: Buffer): boolean {
  if (head.includes(0)) return false;
  // stream: a multi-byte character cut at the end of the sample is fine; anything else invalid is not.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head, { stream: true });
  return !text.includes('\ufffd');
}

/**
 * The rows of the first worksheet (XLSX) or of the file (CSV), one at a time: the file is
 * never held in memory whole.
 */
export function readSheetRows(path: string, format: SpreadsheetFormat): AsyncGenerator<SheetRow> {
  return format === 'CSV' ? readCsv(path) : readXlsx(path);
}

async function* readCsv(path: string): AsyncGenerator<SheetRow> {
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: false }));
  let rowNumber = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNumber++;
      // CSV has no formulas, but a spreadsheet program opening it would run "=…" as one.
      yield { rowNumber, cells: record.map((text) => (text.trimStart().startsWith('=') ? { formula: true } : text)) };
    }
  } catch (error) {
    throw new UnreadableFileError(`The CSV file cannot be read after record ${rowNumber}: ${(error as Error).message}`.slice(0, 300));
  }
}

function xlsxCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('formula' in value || 'sharedFormula' in value) return { formula: true };
    if ('error' in value) return { error: String(value.error) };
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
  }
  return String(value);
}

async function* readXlsx(path: string): AsyncGenerator<SheetRow> {
  let rowNumber = 0;
  try {
    for await (const row of readXlsxRows(path)) {
      rowNumber = row.number;
      const values = row.values as ExcelJS.CellValue[];
      const cells: Cell[] = [];
      for (let i = 1; i < values.length; i++) cells.push(xlsxCell(values[i]));
      yield { rowNumber, cells };
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(
      `The XLSX file cannot be read${rowNumber ? ` after row ${rowNumber}` : ''}: ${(error as Error).message}`.slice(0, 300),
    );
  }
}

import { ORDER_STAGES } from '@ot/shared';
import { SYNC_KINDS } from '../sync-engine.js';
import type { AnySyncKind } from '../sync-kind.js';
import type { SyncRecordInput } from '../sync-record.js';
import { RowChecker } from '../sync-validation.js';
import { childField, type ImportColumn, type ImportKindColumns } from './columns/column.js';
import type { Cell, SheetRow } from './spreadsheet-reader.js';

/** Longer cells are refused before anything looks at them (the longest field, a clause text, is 4 000). */
export const MAX_CELL_CHARS = 10_000;
/** Rows of one order beyond this are refused (the sync takes 200 lines an order). */
const MAX_ROWS_PER_RECORD = 500;

export type HeaderLanguage = 'zh-CN' | 'en';

/** A problem with one row (and column) of the file. */
export interface ImportRowProblem {
  row: number;
  /** The column's header as written in the file; null when the row as a whole is concerned. */
  column: string | null;
  code: string;
  message: string;
}

/** One sync record built from one row (or, for orders, from the consecutive rows of its lines). */
export interface BuiltRecord {
  externalId: string;
  record: SyncRecordInput & Record<string, unknown>;
  /** The record's rows in file order: rows[i] holds lines[i] for orders. */
  rows: number[];
  firstRow: number;
  lastRow: number;
  /** Problems found without the database; a record with any is not sent. */
  problems: ImportRowProblem[];
}

export class HeaderError extends Error {}

interface MappedColumn {
  column: ImportColumn;
  index: number;
  header: string;
}

export interface HeaderMap {
  columns: MappedColumn[];
  language: HeaderLanguage;
  /** The file's header cells, for the error report. */
  headers: string[];
}

const norm = (text: string) => text.trim().toLowerCase();

/** Matches the header row to the kind's columns (zh-CN or English labels, or the keys). */
export function mapHeader(kind: ImportKindColumns, header: SheetRow): HeaderMap {
  const headers = header.cells.map((c) => (typeof c === 'string' ? c.trim() : c === null ? '' : String(c).trim()));
  const columns: MappedColumn[] = [];
  let zh = 0;
  let en = 0;
  headers.forEach((text, index) => {
    if (!text) return;
    const column = kind.columns.find((c) => norm(c.zh) === norm(text) || norm(c.en) === norm(text) || norm(c.key) === norm(text));
    if (!column) return;
    if (columns.some((m) => m.column === column)) throw new HeaderError(`The column "${text}" appears twice in the header row.`);
    if (norm(column.zh) === norm(text)) zh++;
    else en++;
    columns.push({ column, index, header: text });
  });
  const missing = kind.columns.filter((c) => c.required && !columns.some((m) => m.column === c));
  if (missing.length) {
    throw new HeaderError(
      `The header row lacks required columns: ${missing.map((c) => `${c.zh} / ${c.en}`).join(', ')}. Start from the template for this kind.`,
    );
  }
  return { columns, language: zh > en ? 'zh-CN' : 'en', headers };
}

const TRUE = new Set(['true', 'yes', 'y', '1', '是', '真']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '假']);

/** Excel stores dates as days since 1899-12-30 when a cell is not formatted as a date. */
function serialToIso(serial: number): string {
  return new Date(Date.UTC(1899, 11, 30) + Math.round(serial * 86_400_000)).toISOString().slice(0, 10);
}

function feeSchedule(text: string): { stage: string; rate: string }[] | string {
  const entries = text
    .split(/[;；\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const result: { stage: string; rate: string }[] = [];
  for (const entry of entries) {
    const match = /^([A-Za-z_]+)\s*[=:：]\s*(\S+)$/.exec(entry);
    if (!match) return `"${entry.slice(0, 40)}" is not STAGE=rate; write e.g. ${ORDER_STAGES[0]}=0;${ORDER_STAGES[2]}=0.3.`;
    result.push({ stage: match[1]!.toUpperCase(), rate: match[2]! });
  }
  return result;
}

type Converted = { value: unknown } | { problem: { code: string; message: string } };

/** A cell as the column's type, or why not. Empty cells are "absent" (null). */
export function convertCell(column: ImportColumn, cell: Cell): Converted {
  if (cell === null || cell === '') return { value: null };
  if (typeof cell === 'object' && 'formula' in cell) {
    return { problem: { code: 'FORMULA_NOT_ALLOWED', message: 'Formulas are not imported; paste the values instead.' } };
  }
  if (typeof cell === 'object' && 'error' in cell) {
    return { problem: { code: 'INVALID', message: `The cell holds the spreadsheet error ${cell.error.slice(0, 20)}.` } };
  }
  if (typeof cell === 'string' && cell.length > MAX_CELL_CHARS) {
    return { problem: { code: 'CELL_TOO_LONG', message: `A cell may hold at most ${MAX_CELL_CHARS} characters.` } };
  }
  const text = cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell).trim();
  if (text === '') return { value: null };
  switch (column.type) {
    case 'text':
      return { value: text };
    case 'int': {
      if (typeof cell === 'number' ? Number.isSafeInteger(cell) : /^-?\d{1,15}$/.test(text)) return { value: Number(text) };
      return { problem: { code: 'INVALID', message: `"${text.slice(0, 40)}" is not a whole number.` } };
    }
    case 'decimal':
      // Numbers from XLSX cells as written (0.1, not 0.1000000000000000055…); the sync checks the places.
      return { value: typeof cell === 'number' ? String(cell) : text };
    case 'date':
      return { value: typeof cell === 'number' ? serialToIso(cell) : text };
    case 'bool': {
      const lower = text.toLowerCase();
      if (typeof cell === 'boolean') return { value: cell };
      if (TRUE.has(lower)) return { value: true };
      if (FALSE.has(lower)) return { value: false };
      return { problem: { code: 'INVALID', message: `"${text.slice(0, 40)}" is not true or false.` } };
    }
    case 'enum': {
      const upper = text.toUpperCase();
      if (column.values && !column.values.includes(upper)) {
        return { problem: { code: 'INVALID', message: `Must be one of ${column.values.join(', ')}.` } };
      }
      return { value: upper };
    }
    case 'feeSchedule': {
      const parsed = feeSchedule(text);
      return typeof parsed === 'string' ? { problem: { code: 'INVALID', message: parsed } } : { value: parsed };
    }
  }
}

/** Where `path` of a record was written in the file: its row and header. */
export function locate(record: BuiltRecord, map: HeaderMap, path: string): { row: number; column: string | null } {
  const line = /^(?:lines|clauses)\[(\d+)\]/.exec(path);
  const row = line ? (record.rows[Number(line[1])] ?? record.firstRow) : record.firstRow;
  const generic = path.replace(/\[\d+\]/g, '[]');
  const mapped =
    map.columns.find((m) => m.column.path === generic) ??
    map.columns.find((m) => generic.startsWith(`${m.column.path}[`) || generic.startsWith(`${m.column.path}.`));
  return { row, column: mapped?.header ?? null };
}

const setPath = (target: Record<string, unknown>, path: string, value: unknown) => {
  if (value !== null) target[path] = value;
};

/** The sync kind (checks, references) behind an import kind. */
export function syncKindOf(kind: ImportKindColumns): AnySyncKind {
  return SYNC_KINDS.find((k) => k.kind === kind.kind)!;
}

/** The sync's own checks of a record that has no problem yet (a record with one is not sent anyway). */
export function checkRecord(kind: ImportKindColumns, map: HeaderMap, record: BuiltRecord): void {
  if (record.problems.length) return;
  const checker = new RowChecker();
  syncKindOf(kind).check(record.record, checker);
  for (const e of checker.errors) record.problems.push({ ...locate(record, map, e.path), code: e.code, message: e.message });
}

/** The problem of a record whose external id an earlier row of the file had. */
export function duplicateProblem(kind: ImportKindColumns, map: HeaderMap, record: BuiltRecord): ImportRowProblem {
  return {
    row: record.firstRow,
    column: map.columns.find((m) => m.column.key === 'externalId')!.header,
    code: 'DUPLICATE_IN_FILE',
    message: kind.hasLines
      ? `External id ${record.externalId} appeared earlier in the file; the rows of one record must be next to each other.`
      : `External id ${record.externalId} appears more than once in the file.`,
  };
}

/**
 * Turns rows into records, one at a time, with the problems of their cells. Orders take the
 * consecutive rows that share their external id (one row per line). What needs more than the
 * record itself is checked per chunk by the caller: an external id seen earlier in the file
 * (ImportFileKeys), then checkRecord.
 */
export async function* buildRecords(kind: ImportKindColumns, map: HeaderMap, rows: AsyncIterable<SheetRow>): AsyncGenerator<BuiltRecord> {
  const list = childField(kind);
  const recordColumns = map.columns.filter((m) => !m.column.path.startsWith(`${list}[]`));
  const lineColumns = map.columns.filter((m) => m.column.path.startsWith(`${list}[]`));
  /** A row whose child cells are all empty, where children are optional: it adds no child. */
  const noChild = (row: SheetRow) =>
    !!kind.childOptional && lineColumns.every((m) => [null, undefined, ''].includes(row.cells[m.index] as never));
  let current: BuiltRecord | null = null;

  const finish = (record: BuiltRecord): BuiltRecord => {
    // No clause rows: the record as a contract file without clause columns sends it (same hash).
    if (kind.childOptional && !(record.record[list] as unknown[] | undefined)?.length) delete record.record[list];
    return record;
  };

  const read = (row: SheetRow, columns: MappedColumn[], target: Record<string, unknown>, problems: ImportRowProblem[]) => {
    for (const m of columns) {
      const converted = convertCell(m.column, row.cells[m.index] ?? null);
      if ('problem' in converted) problems.push({ row: row.rowNumber, column: m.header, ...converted.problem });
      else setPath(target, m.column.path.replace(`${list}[].`, ''), converted.value);
    }
  };

  for await (const row of rows) {
    if (row.cells.every((c) => c === null || c === '')) continue;
    const idColumn = map.columns.find((m) => m.column.key === 'externalId')!;
    const idCell = row.cells[idColumn.index] ?? null;
    const externalId = typeof idCell === 'string' || typeof idCell === 'number' ? String(idCell).trim().slice(0, 200) : '';

    if (kind.hasLines && current && externalId && externalId === current.externalId) {
      current.lastRow = row.rowNumber;
      if (current.lastRow - current.firstRow >= MAX_ROWS_PER_RECORD) {
        current.problems.push({
          row: row.rowNumber,
          column: null,
          code: 'TOO_LONG',
          message: `At most ${MAX_ROWS_PER_RECORD} rows (lines) per record.`,
        });
        continue;
      }
      if (noChild(row)) continue;
      const line: Record<string, unknown> = {};
      read(row, lineColumns, line, current.problems);
      (current.record[list] as unknown[]).push(line);
      current.rows.push(row.rowNumber);
      continue;
    }
    if (current) yield finish(current);

    const record = {} as BuiltRecord['record'];
    const problems: ImportRowProblem[] = [];
    read(row, recordColumns, record, problems);
    const rowsOfChildren: number[] = [];
    if (kind.hasLines) {
      record[list] = [];
      if (!noChild(row)) {
        const line: Record<string, unknown> = {};
        read(row, lineColumns, line, problems);
        (record[list] as unknown[]).push(line);
        rowsOfChildren.push(row.rowNumber);
      }
    }
    const rows = kind.hasLines ? rowsOfChildren : [row.rowNumber];
    current = { externalId, record, rows, firstRow: row.rowNumber, lastRow: row.rowNumber, problems };
  }
  if (current) yield finish(current);
}

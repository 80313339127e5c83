import type { Writable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import ExcelJS from 'exceljs';
import { csvCell } from '../../../common/text.js';
import type { ImportKindColumns } from './columns/column.js';
import type { ImportPhase, ImportRun } from './import-run.entity.js';
import type { HeaderLanguage } from './record-builder.js';
import { readSheetRows, type Cell, type SpreadsheetFormat } from './spreadsheet-reader.js';

/** Writes rows of plain text to CSV (UTF-8 with BOM, formula-safe) or to a streamed XLSX sheet. */
export interface RowSink {
  row(values: string[]): Promise<void>;
  close(): Promise<void>;
}

export function rowSink(format: SpreadsheetFormat, out: Writable, sheetName: string, help?: string[][]): RowSink {
  if (format === 'CSV') {
    // BOM so that spreadsheet programs read the Chinese text as UTF-8.
    out.write('\ufeff');
    return {
      row: async (values) => {
        if (!out.write(values.map(csvCell).join(',') + '\r\n')) await new Promise((r) => out.once('drain', r));
      },
      close: async () => void (await new Promise((r) => out.end(r))),
    };
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet(sheetName);
  return {
    // Text cells, never formulas: a value such as "=1+1" stays text in the report.
    row: async (values) => sheet.addRow(values).commit(),
    close: async () => {
      sheet.commit();
      if (help) {
        const notes = workbook.addWorksheet('说明 Help');
        for (const line of help) notes.addRow(line).commit();
        notes.commit();
      }
      await workbook.commit();
    },
  };
}

const TYPE_NOTES: Record<string, [string, string]> = {
  text: ['文本', 'text'],
  int: ['整数', 'whole number'],
  decimal: ['小数（如 1250.50）', 'decimal (e.g. 1250.50)'],
  date: ['日期 YYYY-MM-DD', 'date YYYY-MM-DD'],
  bool: ['true / false（是 / 否）', 'true / false'],
  enum: ['取值之一', 'one of'],
  feeSchedule: ['阶段=费率;阶段=费率', 'STAGE=rate;STAGE=rate'],
};

const LINE_ROWS = [
  '每个订单行一行；订单的列在其每一行上重复，且各行必须相邻。',
  "One row per line; the order's columns repeat on each of its rows, which must be next to each other.",
] as const;
const CLAUSE_ROWS = [
  '每个条款一行；合同的列在其每一行上重复，且各行必须相邻；无条款的合同写一行，条款列留空。',
  "One row per clause; the contract's columns repeat on each of its rows, which must be next to each other; a contract without clauses is one row with the clause columns empty.",
] as const;

/** The template of a kind: the header row in the chosen language; XLSX adds a help sheet. */
export async function writeTemplate(kind: ImportKindColumns, format: SpreadsheetFormat, language: HeaderLanguage, out: Writable) {
  const zh = language === 'zh-CN';
  const help = [
    zh ? ['列', '必填', '格式', '示例'] : ['Column', 'Required', 'Format', 'Example'],
    ...kind.columns.map((c) => {
      const [noteZh, noteEn] = TYPE_NOTES[c.type]!;
      const note = `${zh ? noteZh : noteEn}${c.values ? ` ${c.values.join(', ')}` : ''}`;
      return [zh ? c.zh : c.en, c.required ? (zh ? '是' : 'yes') : '', note, c.example];
    }),
    ...(kind.hasLines ? [[(kind.childField === 'clauses' ? CLAUSE_ROWS : LINE_ROWS)[zh ? 0 : 1]]] : []),
  ];
  const sink = rowSink(format, out, zh ? '数据' : 'Data', help);
  await sink.row(kind.columns.map((c) => (zh ? c.zh : c.en)));
  await sink.close();
}

function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'object') return 'formula' in cell ? '(formula)' : cell.error;
  return String(cell);
}

interface ErrorGroup {
  first: number;
  last: number;
  byRow: Map<number, string[]>;
}

/** The failed records of a run, in file order, read from the database a page at a time. */
async function* errorGroups(em: EntityManager, runId: string, phase: ImportPhase): AsyncGenerator<ErrorGroup> {
  let after: [number, number, string] = [-1, -1, '00000000-0000-0000-0000-000000000000'];
  let group: ErrorGroup | null = null;
  for (;;) {
    const page = await em.getConnection().execute<
      {
        id: string;
        record_first_row: number;
        record_last_row: number;
        row_number: number;
        column: string | null;
        code: string;
        message: string;
      }[]
    >(
      `select id, record_first_row, record_last_row, row_number, "column", code, message from import_row_error
        where run_id = ? and phase = ? and (record_first_row, row_number, id) > (?, ?, ?::uuid)
        order by record_first_row, row_number, id limit 1000`,
      [runId, phase, ...after],
    );
    for (const e of page) {
      if (!group || group.first !== e.record_first_row) {
        if (group) yield group;
        group = { first: e.record_first_row, last: e.record_last_row, byRow: new Map() };
      }
      const text = `${e.column ? `${e.column}: ` : ''}${e.code} ${e.message}`;
      group.byRow.set(e.row_number, [...(group.byRow.get(e.row_number) ?? []), text]);
    }
    if (page.length < 1000) break;
    const last = page[page.length - 1]!;
    after = [last.record_first_row, last.row_number, last.id];
  }
  if (group) yield group;
}

/**
 * The error report: the file's header and every row of a failed record as uploaded, with the
 * row number and its errors in two more columns, so that it can be fixed and uploaded again.
 */
export async function writeErrorReport(
  em: EntityManager,
  run: ImportRun,
  phase: ImportPhase,
  filePath: string | null,
  format: SpreadsheetFormat,
  out: Writable,
) {
  const zh = run.headerLanguage === 'zh-CN';
  const sink = rowSink(format, out, zh ? '错误' : 'Errors');
  const groups = errorGroups(em, run.id, phase);
  let group = (await groups.next()).value as ErrorGroup | undefined;
  if (!filePath) {
    await sink.row(zh ? ['行号', '错误'] : ['Row', 'Errors']);
    for (; group; group = (await groups.next()).value as ErrorGroup | undefined) {
      for (const [row, messages] of group.byRow) await sink.row([String(row), messages.join('; ')]);
    }
    return sink.close();
  }
  for await (const row of readSheetRows(filePath, run.format)) {
    if (row.rowNumber === 1) {
      await sink.row([zh ? '行号' : 'Row', zh ? '错误' : 'Errors', ...row.cells.map(cellText)]);
      continue;
    }
    while (group && group.last < row.rowNumber) group = (await groups.next()).value as ErrorGroup | undefined;
    if (!group) break;
    if (row.rowNumber < group.first) continue;
    const messages =
      group.byRow.get(row.rowNumber)?.join('; ') ?? (zh ? `（与第 ${group.first} 行同一记录）` : `(same record as row ${group.first})`);
    await sink.row([String(row.rowNumber), messages, ...row.cells.map(cellText)]);
  }
  await sink.close();
}

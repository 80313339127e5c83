import type { SyncRecordKind } from '../../sync-record.js';

/**
 * How a spreadsheet cell becomes a field of a sync record. `path` is where the value goes in the
 * record (`lines[].quantity` for a line of an order: one spreadsheet row per line).
 */
export type ColumnType = 'text' | 'int' | 'decimal' | 'date' | 'bool' | 'enum' | 'feeSchedule';

export interface ImportColumn {
  /** Stable key; also accepted as a header. */
  key: string;
  /** Where the value goes in the sync record; `lines[].x` (`clauses[].x`) for per-line (per-clause) columns. */
  path: string;
  type: ColumnType;
  required?: boolean;
  zh: string;
  en: string;
  /** Allowed values of an `enum` column. */
  values?: readonly string[];
  /** Shown in the template's example row and in the README. */
  example: string;
}

/** One importable kind: its columns and where its records go in SyncRecordsInput. */
export interface ImportKindColumns {
  kind: SyncRecordKind;
  /** The list of SyncRecordsInput that carries this kind (as the sync kind's `field`). */
  field: string;
  /** Orders: several rows (one per line) share the record's external id. */
  hasLines: boolean;
  /**
   * The list those rows fill (default `lines`; contracts fill `clauses`). With `childOptional` a
   * row whose child cells are all empty adds no child (a contract without clauses is one row).
   */
  childField?: 'lines' | 'clauses';
  childOptional?: boolean;
  columns: ImportColumn[];
}

/** The columns every record starts with. */
export const RECORD_COLUMNS: ImportColumn[] = [
  { key: 'externalId', path: 'externalId', type: 'text', required: true, zh: '外部编号', en: 'External ID', example: 'C-0001' },
  { key: 'sourceVersion', path: 'sourceVersion', type: 'int', zh: '来源版本', en: 'Source version', example: '1' },
];

/** The list a kind's per-row child columns fill: `lines` or `clauses`. */
export const childField = (kind: ImportKindColumns) => kind.childField ?? 'lines';
